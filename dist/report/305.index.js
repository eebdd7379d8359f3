export const id = 305;
export const ids = [305];
export const modules = {

/***/ 582:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ majorCollectionPacer),
/* harmony export */   r: () => (/* binding */ withMinorCollections)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3340);
/* harmony import */ var node_v8__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8877);
/* harmony import */ var node_v8__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_v8__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_vm__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(714);
/* harmony import */ var node_vm__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_vm__WEBPACK_IMPORTED_MODULE_2__);



// Moving an artifact makes a Buffer for every piece of it, whose memory lives outside V8's heap: node:http copies
// each piece of a response body it parses into a new one, and lib-storage concatenates an upload's pieces into its
// 5 MiB parts. V8 frees that memory only when a collection finds the Buffers dead, and starts one for them only
// once about 64 MiB have piled up since the last; until then they count in the peak RSS. Collections paced here
// free them sooner (figures in docs/artifacts.md#speed):
// - a download's Buffers die within milliseconds, so a minor collection every 20 ms frees them while they are
//   young, for well under a millisecond each;
// - an upload's live as long as a part takes to send, long enough for a minor collection to keep them (which
//   measured worse), so a major collection is queued after every 25 MiB of ZIP. Each is a pause of 15-20 ms on
//   the main thread (V8's own are mostly concurrent), so fewer, further apart, keep most of the peak's gain.
// An action cannot pass V8 flags, so `gc` is taken the way jest-leak-detector takes it: the flag set for one new
// context, then reset, unless Node was started with it.
const MINOR_EVERY_MS = 20;
const MAJOR_EVERY_BYTES = 25 * 1024 * 1024;
let collect;
function collector() {
    if (collect !== undefined)
        return collect;
    const exposed = globalThis.gc;
    if (typeof exposed === 'function')
        return (collect = exposed);
    try {
        (0,node_v8__WEBPACK_IMPORTED_MODULE_1__.setFlagsFromString)('--expose-gc');
        const gc = (0,node_vm__WEBPACK_IMPORTED_MODULE_2__.runInNewContext)('gc');
        collect = typeof gc === 'function' ? gc : null;
    }
    catch (error) {
        // V8's own collections still free everything, later.
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(`Artifact transfers run without paced collections: ${error.message}`);
        collect = null;
    }
    finally {
        (0,node_v8__WEBPACK_IMPORTED_MODULE_1__.setFlagsFromString)('--no-expose-gc');
    }
    return collect;
}
/** Runs minor collections while `work` downloads, so its dead body Buffers do not pile up. */
async function withMinorCollections(work) {
    const gc = collector();
    const timer = gc && setInterval(() => gc({ type: 'minor' }), MINOR_EVERY_MS).unref();
    try {
        return await work();
    }
    finally {
        if (timer)
            clearInterval(timer);
    }
}
/**
 * For an upload: call it with the length of each piece of the ZIP; every 25 MiB it queues a major collection,
 * which runs between I/O callbacks, not inside the ZIP's loop.
 */
function majorCollectionPacer() {
    const gc = collector();
    if (!gc)
        return () => { };
    let since = 0;
    return bytes => {
        since += bytes;
        if (since < MAJOR_EVERY_BYTES)
            return;
        since = 0;
        gc({ type: 'major', execution: 'async' });
    };
}


/***/ }),

/***/ 7765:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ explainS3Error)
/* harmony export */ });
/* harmony import */ var _aws_attempts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8603);
/* harmony import */ var _aws_unresolved_host_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5145);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/* harmony import */ var _artifact_error_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7102);




const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded']);
const EXPIRED = new Set(['ExpiredToken', 'TokenRefreshRequired', 'InvalidToken']);
const WRONG_REGION = new Set([
    'PermanentRedirect',
    'AuthorizationHeaderMalformed',
    'IllegalLocationConstraintException'
]);
const NOT_RECOGNISED = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch']);
function explainS3Error(error, context) {
    const e = error;
    const code = e.Code ?? e.name;
    const status = e.$metadata?.httpStatusCode;
    const url = `s3://${context.bucket}/${context.key}`;
    const head = `${context.subject} could not be ${context.action === 'upload' ? 'uploaded to' : 'downloaded from'} ${url}`;
    const said = `${code}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(e).replace(/\.$/, '')}`;
    const fail = (type, fix) => new _artifact_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArtifactError */ .nE(`${head} (${said}). ${fix}`, type, { cause: error });
    // Refused before sending (a plain-http endpoint that is not loopback): the message already says what to fix.
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UserError */ .yo)
        return new _artifact_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArtifactError */ .nE(`${head}: ${e.message}`, 'ConfigurationError', { cause: error });
    const kms = context.kmsKeyId ? `the KMS key ${context.kmsKeyId}` : "the artifact store's KMS key";
    if (status === undefined && typeof e.code === 'string' && LOCAL.has(e.code)) {
        return fail('ConfigurationError', 'This runner could not read or write the file: check its disk space and permissions.');
    }
    const unresolved = status === undefined ? (0,_aws_unresolved_host_js__WEBPACK_IMPORTED_MODULE_3__/* .unresolvedHost */ .Q)(error, 'S3', context.region) : undefined;
    if (unresolved)
        return fail('ConfigurationError', unresolved);
    if (THROTTLING.has(code) || status === undefined || status >= 500) {
        const attempts = (0,_aws_attempts_js__WEBPACK_IMPORTED_MODULE_0__/* .attemptsOf */ .Or)(error);
        return fail('SystemUnavailable', `S3 did not take the request${attempts > 1 ? ` after ${attempts} attempts` : ''}; S3 or the network may be ` +
            'unavailable. Re-run the job when it is back (max-attempts sets how often each request is tried).');
    }
    if (EXPIRED.has(code)) {
        return fail('SystemUnavailable', "The job's artifact credentials from CodePipeline expired; re-run the job.");
    }
    if (NOT_RECOGNISED.has(code)) {
        return fail('ConfigurationError', "S3 did not recognise the job's artifact credentials: if AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set, " +
            "it must point to S3 in the pipeline's region.");
    }
    if (code === 'AccessDenied' || code.startsWith('KMS.AccessDenied') || status === 403) {
        const needs = context.action === 'upload'
            ? 's3:PutObject on the bucket, and kms:GenerateDataKey on'
            : 's3:GetObject on the bucket, and kms:Decrypt on';
        return fail('PermissionError', "The job's artifact credentials are CodePipeline's (a session of the pipeline's service role), not this " +
            `action's role: the pipeline's service role needs ${needs} ${kms}, and neither the bucket policy nor ` +
            'the key policy may deny it.');
    }
    if (code.startsWith('KMS.')) {
        return fail('ConfigurationError', `S3 could not use ${kms}: check that the key exists, is enabled and is in ${context.region}.`);
    }
    if (code === 'PreconditionFailed' || status === 412) {
        return fail('SystemUnavailable', 'The object was replaced in the artifact store while this action read or copied it; re-run the job.');
    }
    if (code === 'NoSuchBucket') {
        return fail('ConfigurationError', `The artifact bucket ${context.bucket} does not exist in ${context.region}.`);
    }
    if (code === 'NoSuchKey' || (status === 404 && context.action === 'download')) {
        return fail('ConfigurationError', 'The artifact is not in the artifact store: a lifecycle rule or someone may have deleted it. Release a ' +
            'new change through the pipeline so that the earlier stage stores it again.');
    }
    if (WRONG_REGION.has(code) || status === 301) {
        return fail('ConfigurationError', `The artifact bucket is not in ${context.region}: set aws-region to the pipeline's region.`);
    }
    return fail('ConfigurationError', 'S3 refused the request; it is not retried.');
}
// Errors of this machine's file system, not of S3: a full disk, a file that cannot be read or written.
const LOCAL = new Set([
    'ENOENT',
    'ENOSPC',
    'EDQUOT',
    'EACCES',
    'EPERM',
    'EROFS',
    'EISDIR',
    'ENOTDIR',
    'EEXIST',
    'EMFILE',
    'ENFILE'
]);


/***/ }),

/***/ 8305:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  uploadOutputArtifacts: () => (/* binding */ uploadOutputArtifacts)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(3340);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./src/aws/artifact-store.ts + 1 modules
var artifact_store = __webpack_require__(1685);
// EXTERNAL MODULE: ./src/bytes.ts
var src_bytes = __webpack_require__(6136);
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(8992);
// EXTERNAL MODULE: ./src/artifacts/artifact-error.ts
var artifact_error = __webpack_require__(7102);
// EXTERNAL MODULE: ./src/artifacts/gc-pacing.ts
var gc_pacing = __webpack_require__(582);
// EXTERNAL MODULE: ./src/artifacts/s3-errors.ts
var s3_errors = __webpack_require__(7765);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./src/artifacts/compression.ts
var compression = __webpack_require__(149);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/artifacts/zip-entries.ts



/** The entries of the ZIP of `path`, in name order (the same files give the same ZIP), symbolic links followed. */
async function zipSources(artifact, path, kind) {
    if (kind === 'file')
        return [fileSource(artifact, path, path.absolute, (0,external_node_path_.basename)(path.absolute), await (0,promises_.stat)(path.absolute))];
    const sources = [];
    await addDirectory(sources, artifact, path, path.absolute, '', []);
    return sources;
}
async function addDirectory(sources, artifact, root, dir, prefix, ancestors) {
    const here = await (0,promises_.realpath)(dir);
    if (ancestors.includes(here)) {
        throw (0,artifact_error/* misconfigured */.o7)(`Output artifact "${artifact}": ${dir} (in ${root.given}) is a symbolic link to a directory that contains ` +
            'it, a loop that would never end; remove the link or point it elsewhere.');
    }
    const entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!entries.length && prefix) {
        const found = await (0,promises_.stat)(dir);
        sources.push({ name: prefix, size: 0, mode: found.mode, mtime: found.mtime });
    }
    for (const entry of entries) {
        const path = (0,external_node_path_.join)(dir, entry.name);
        const name = prefix + entry.name;
        const found = await statOf(entry, path, artifact, root);
        if (found.isFile())
            sources.push(fileSource(artifact, root, path, name, found));
        else
            await addDirectory(sources, artifact, root, path, `${name}/`, [...ancestors, here]);
    }
}
function fileSource(artifact, root, path, name, found) {
    // Windows tools and many ZIP readers take a backslash for a directory separator: `..\x` would climb out.
    if (name.includes('\\')) {
        throw (0,artifact_error/* misconfigured */.o7)(`Output artifact "${artifact}": ${path} (in ${root.given}) has a backslash in its name, which ZIP readers ` +
            'take as a directory separator; rename it.');
    }
    return { name, path, size: found.size, mode: found.mode, mtime: found.mtime };
}
async function statOf(entry, path, artifact, root) {
    let found;
    try {
        found = await (0,promises_.stat)(path);
    }
    catch (error) {
        if (!entry.isSymbolicLink())
            throw error;
        throw (0,artifact_error/* misconfigured */.o7)(`Output artifact "${artifact}": ${path} (in ${root.given}) is a symbolic link to nothing: ` +
            `${error.message}. Remove it or make it point to a file.`, { cause: error });
    }
    if (found.isFile() || found.isDirectory())
        return found;
    throw (0,artifact_error/* misconfigured */.o7)(`Output artifact "${artifact}": ${path} (in ${root.given}) is neither a file nor a directory (a socket, ` +
        'FIFO or device), which a ZIP cannot hold; remove it from the directory.');
}

// EXTERNAL MODULE: ./src/artifacts/zip-format.ts
var zip_format = __webpack_require__(3134);
;// CONCATENATED MODULE: ./src/artifacts/zip.ts










// An output artifact's ZIP, made as it is sent. Entries are written in order, but the next few are read and
// deflated ahead of their turn on zlib's thread pool, so several cores compress while the upload takes what is
// ready. Memory stays bounded: each entry ahead holds at most a small file or LOOKAHEAD_BYTES of deflated data.
/** Files up to this size are read whole: their CRC and sizes go in the local header, and one call deflates them. */
const WHOLE_BYTES = 1024 * 1024;
/** How much deflated data an entry ahead of its turn may hold before its deflating waits. */
const LOOKAHEAD_BYTES = 1024 * 1024;
/**
 * Reads of what is sent: the upload keeps each until its 5 MiB part is assembled, so they are garbage soon after.
 * Measured on the bench, 256 KiB and 1 MiB reads were no faster and raised the peak RSS by 5 to 20 MiB.
 */
const READ_CHUNK = 64 * 1024;
/** Reads of what is only checked (CRC-32), into one buffer used again: as large as helps. */
const CRC_CHUNK = 1024 * 1024;
/** Entries prepared ahead of the one being written: one per core keeps every core deflating. */
const AHEAD = Math.max(2, Math.min(8, (0,external_node_os_.availableParallelism)()));
/**
 * The ZIP of a directory's contents, or of one file, deflated at `level` where it shrinks (0: all stored);
 * `onChunk` is told the length of each piece as it is made.
 */
function zipStream(artifact, path, kind, level, onChunk = () => { }) {
    const stats = { entries: 0, stored: 0, deflated: 0 };
    const digest = (0,external_node_crypto_.createHash)('sha256');
    let bytes = 0;
    let failure;
    const fail = (error) => {
        failure ??= error instanceof artifact_error/* ArtifactError */.nE ? error : unreadable(artifact, path, error);
        return failure;
    };
    // Hashed here, as each piece is made, rather than by a stream in between: a layer less for every chunk.
    async function* zip() {
        try {
            const sources = await zipSources(artifact, path, kind);
            for await (const chunk of zipBytes(artifact, path, sources, level, stats)) {
                digest.update(chunk);
                bytes += chunk.length;
                onChunk(chunk.length);
                yield chunk;
            }
        }
        catch (error) {
            throw fail(error);
        }
    }
    return {
        stream: external_node_stream_.Readable.from(zip(), { objectMode: false }),
        failed: () => failure,
        stats,
        made: () => ({ bytes, sha256: digest.digest('hex') })
    };
}
async function* zipBytes(artifact, root, sources, level, stats) {
    const ahead = [];
    let next = 0;
    const refill = () => {
        while (next < sources.length && ahead.length < AHEAD) {
            const prepared = prepare(sources[next++], level);
            prepared.catch(() => undefined); // awaited in its turn; until then its failure must not go unhandled
            ahead.push(prepared);
        }
    };
    const records = [];
    let offset = 0;
    try {
        refill();
        while (ahead.length) {
            const entry = await ahead.shift();
            refill();
            const header = (0,zip_format/* localHeader */.$B)(entry.header);
            yield header;
            let compressedSize = 0;
            if (entry.data) {
                compressedSize = entry.data.length;
                if (compressedSize)
                    yield entry.data;
            }
            else if (entry.stream) {
                for await (const chunk of entry.stream()) {
                    compressedSize += chunk.length;
                    yield chunk;
                }
            }
            const read = entry.read?.() ?? entry.header.known ?? { crc: 0, size: 0 };
            if (read.size !== entry.source.size || (entry.header.known && read.crc !== entry.header.known.crc))
                throw changed(artifact, root, entry.source);
            const record = { ...entry.header, crc: read.crc, size: read.size, compressedSize, offset };
            records.push(record);
            offset += header.length + compressedSize;
            if (!entry.header.known) {
                const descriptor = (0,zip_format/* dataDescriptor */.E7)(record);
                yield descriptor;
                offset += descriptor.length;
            }
            stats.entries += 1;
            if (entry.source.path)
                stats[entry.header.method === zip_format/* DEFLATED */.aE ? 'deflated' : 'stored'] += 1;
        }
        yield (0,zip_format/* centralDirectory */.H$)(records, offset);
    }
    finally {
        for (const pending of ahead)
            pending.then(entry => entry.close(), () => undefined);
    }
}
/** Reads what must be known before an entry's header: its method, and for all but deflated streams its CRC. */
async function prepare(source, level) {
    const base = { mtime: source.mtime, mode: source.mode, name: source.name, zip64: false };
    const none = () => undefined;
    if (!source.path) {
        return {
            source,
            header: { ...base, method: zip_format/* STORED */.SD, known: { crc: 0, size: 0, compressedSize: 0 } },
            close: none
        };
    }
    const path = source.path;
    if (source.size <= WHOLE_BYTES) {
        const data = await (0,promises_.readFile)(path);
        const crc = (0,external_node_zlib_.crc32)(data);
        const method = await (0,compression/* methodFor */.rY)(source.name, data.subarray(0, compression/* PROBE_BYTES */.Z8), level);
        const deflated = method === zip_format/* DEFLATED */.aE ? await (0,compression/* deflate */.Kc)(data, { level }) : undefined;
        const kept = deflated && deflated.length < data.length ? deflated : undefined;
        const known = { crc, size: data.length, compressedSize: (kept ?? data).length };
        return {
            source,
            header: { ...base, method: kept ? zip_format/* DEFLATED */.aE : zip_format/* STORED */.SD, known },
            data: kept ?? data,
            close: none
        };
    }
    const method = await (0,compression/* methodFor */.rY)(source.name, await head(path), level);
    const zip64 = (0,zip_format/* zip64Needed */.$i)(source.size, method);
    if (method === zip_format/* STORED */.SD) {
        // The CRC goes in the local header, so the file is read once for it now and once more in its turn: a data
        // descriptor after stored data is what Java's ZipInputStream refuses.
        const { crc, size } = await crcOf(path);
        const tally = { crc: 0, size: 0 };
        return {
            source,
            header: { ...base, method, zip64, known: { crc, size, compressedSize: size } },
            stream: () => fileChunks(path, tally),
            read: () => tally,
            close: none
        };
    }
    // Deflated from now on, ahead of its turn, into a buffer that makes the deflating wait when it is full.
    const tally = { crc: 0, size: 0 };
    const ready = new external_node_stream_.PassThrough({ highWaterMark: LOOKAHEAD_BYTES });
    const done = (0,external_node_stream_promises_.pipeline)(fileChunks(path, tally), (0,external_node_zlib_.createDeflateRaw)({ level }), ready);
    done.catch(() => undefined); // the same error reaches whoever reads `ready`
    return {
        source,
        header: { ...base, method, zip64 },
        stream: () => ready,
        read: () => tally,
        close: () => ready.destroy()
    };
}
async function head(path) {
    const file = await (0,promises_.open)(path);
    try {
        const block = Buffer.alloc(compression/* PROBE_BYTES */.Z8);
        const { bytesRead } = await file.read(block, 0, compression/* PROBE_BYTES */.Z8, 0);
        return block.subarray(0, bytesRead);
    }
    finally {
        await file.close();
    }
}
/** CRC-32 and size of a file, read through one buffer: nothing is kept, so nothing is left for the GC to free. */
async function crcOf(path) {
    const file = await (0,promises_.open)(path);
    try {
        const buffer = Buffer.allocUnsafe(CRC_CHUNK);
        let crc = 0;
        let size = 0;
        for (;;) {
            const { bytesRead } = await file.read(buffer, 0, buffer.length, size);
            if (!bytesRead)
                return { crc, size };
            crc = (0,external_node_zlib_.crc32)(buffer.subarray(0, bytesRead), crc);
            size += bytesRead;
        }
    }
    finally {
        await file.close();
    }
}
/**
 * A file's bytes, read straight into new buffers (the upload keeps them until its part is sent, so none is
 * reused), with their CRC-32 and size kept in `tally`.
 */
async function* fileChunks(path, tally) {
    const file = await (0,promises_.open)(path);
    try {
        for (;;) {
            const buffer = Buffer.allocUnsafe(READ_CHUNK);
            const { bytesRead } = await file.read(buffer, 0, READ_CHUNK, tally.size);
            if (!bytesRead)
                return;
            const chunk = buffer.subarray(0, bytesRead);
            tally.crc = (0,external_node_zlib_.crc32)(chunk, tally.crc);
            tally.size += bytesRead;
            yield chunk;
        }
    }
    finally {
        await file.close();
    }
}
function changed(artifact, root, source) {
    return (0,artifact_error/* misconfigured */.o7)(`Output artifact "${artifact}": ${source.path} (in ${root.given}) changed while it was being zipped; make ` +
        'sure no step still writes to it when the job reports.');
}
function unreadable(artifact, path, error) {
    return (0,artifact_error/* misconfigured */.o7)(`Output artifact "${artifact}": could not read ${path.given} to zip it: ${error.message}`, { cause: error });
}

;// CONCATENATED MODULE: ./src/artifacts/upload.ts









/**
 * Zips each output artifact's path and uploads it to the location CodePipeline gave it, one at a time so memory
 * stays bounded, hashing the ZIP on its way out. Every path is checked before the first upload; the first failure
 * stops the rest.
 */
async function uploadOutputArtifacts(settings, data, outputs, level) {
    const kinds = await Promise.all(outputs.map(output => kindOf(output.name, output.path)));
    const store = await (0,artifact_store/* connectArtifactStore */.cr)(settings, data);
    try {
        const stored = [];
        for (const [index, { name, path }] of outputs.entries()) {
            const declared = (data.outputArtifacts ?? []).find(artifact => artifact.name === name) ?? { name };
            const target = (0,artifact_store/* locationOf */.hD)(declared, 'Output');
            core/* info */.pq((0,src_text/* neutralize */.YI)(`Uploading output artifact "${name}" from ${path.given} to s3://${target.bucket}/${target.key}`));
            const zip = zipStream(name, path, kinds[index], level, (0,gc_pacing/* majorCollectionPacer */.b)());
            let etag;
            try {
                etag = await store.upload(target, zip.stream, data.encryptionKey?.id);
            }
            catch (error) {
                zip.stream.destroy(); // a failed upload stops the zipping, which closes its files
                throw (zip.failed() ??
                    (0,s3_errors/* explainS3Error */.y)(error, {
                        action: 'upload',
                        subject: `Output artifact "${name}" (from ${path.given})`,
                        ...target,
                        region: settings.region,
                        kmsKeyId: data.encryptionKey?.id
                    }));
            }
            const { bytes, sha256 } = zip.made();
            const { entries, stored: kept, deflated } = zip.stats;
            core/* info */.pq((0,src_text/* neutralize */.YI)(`Uploaded output artifact "${name}": ${(0,src_bytes/* formatBytes */.z)(bytes)} ZIP of ${entries} entries (${deflated} ` +
                `files deflated, ${kept} stored), SHA-256 ${sha256}`));
            const inMetadata = await recordDigest(store, target, etag, { name, bytes, sha256 }, settings.region, data);
            stored.push({
                name,
                path: path.given,
                ...target,
                bytes,
                sha256,
                digestInMetadata: inMetadata,
                zip: zip.stats
            });
        }
        return stored;
    }
    finally {
        store.destroy();
    }
}
/**
 * The digest as the object's metadata too, for whoever reads the artifact store directly. The digest already is
 * in the outputs and output variables, which later stages should trust first: a failure here only warns.
 */
async function recordDigest(store, target, etag, zip, region, data) {
    const kmsKeyId = data.encryptionKey?.id;
    const where = `s3://${target.bucket}/${target.key}`;
    if (zip.bytes > artifact_store/* COPY_MAX_BYTES */.rf) {
        core/* warning */.$e((0,src_text/* neutralize */.YI)(`Output artifact "${zip.name}" is larger than the 5 GiB S3 copies in one request, so its SHA-256 is not ` +
            `set as the metadata of ${where}; it is in this step's outputs and output variables.`));
        return false;
    }
    try {
        await store.recordDigest(target, etag, zip.sha256, kmsKeyId);
        return true;
    }
    catch (error) {
        const reason = (0,s3_errors/* explainS3Error */.y)(error, {
            action: 'upload',
            subject: `The SHA-256 metadata of output artifact "${zip.name}"`,
            ...target,
            region,
            kmsKeyId
        });
        core/* warning */.$e((0,src_text/* neutralize */.YI)(`${reason.message} The digest is in this step's outputs and output variables all the same.`));
        return false;
    }
}
async function kindOf(name, path) {
    let found;
    try {
        found = await (0,promises_.stat)(path.absolute);
    }
    catch (error) {
        const missing = error.code === 'ENOENT';
        throw (0,artifact_error/* misconfigured */.o7)(`Output artifact "${name}": ${path.given} (${path.absolute}) ` +
            (missing
                ? 'does not exist. Make the build write it before the job ends, or correct its path in output-artifacts.'
                : `cannot be read: ${error.message}`), { cause: error });
    }
    if (found.isFile())
        return 'file';
    if (found.isDirectory())
        return 'directory';
    throw (0,artifact_error/* misconfigured */.o7)(`Output artifact "${name}": ${path.given} (${path.absolute}) is neither a file nor a directory; give the ` +
        'directory (its contents become the ZIP) or the single file to store.');
}


/***/ }),

/***/ 1685:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rf: () => (/* binding */ COPY_MAX_BYTES),
  cr: () => (/* binding */ connectArtifactStore),
  hD: () => (/* binding */ locationOf)
});

// UNUSED EXPORTS: ArtifactStore, DIGEST_METADATA

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var dist_cjs = __webpack_require__(3711);
// EXTERNAL MODULE: ./src/artifacts/artifact-error.ts
var artifact_error = __webpack_require__(7102);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/aws/ranged-download.ts


// An object downloaded into a file in ranges (S3's Range header), several at once, each written at its place as
// it streams in: memory holds what is in flight on the sockets, whatever the object's size. Whoever reads the file
// meanwhile (the extraction, through arrived()) waits for the bytes it needs, and their ranges go first. The
// SHA-256 follows in order, reading each range back from the file (the page cache has it).
/**
 * 8 MiB ranges, as the AWS CLI's parts, eight at once (the CLI asks for ten): while one connection waits for its
 * answer or its file writes, the others keep bytes coming. Measured on the bench's 228 MiB, eight rather than
 * four took the download from 2.19 s to 1.85 s (median of 8 interleaved runs), for 3 to 6 MiB more peak RSS.
 */
const RANGE_BYTES = 8 * 1024 * 1024;
const RANGES_AHEAD = 8;
const HASH_CHUNK = 1024 * 1024;
/**
 * Starts downloading through `get` into `file`; resolves once the first range has answered. The first range tells
 * the object's size and ETag; every later range asks for that ETag, so an object replaced meanwhile fails (412)
 * instead of mixing two versions. `get` answers undefined for an empty object (S3's 416 to a range of nothing).
 */
async function startRangedDownload(get, file) {
    const handle = await (0,promises_.open)(file, 'w+');
    const stop = new AbortController();
    let first;
    try {
        first = await get(0, RANGE_BYTES - 1, undefined, stop.signal);
    }
    catch (error) {
        await handle.close();
        throw error;
    }
    const size = first ? totalSize(first) : 0;
    // A store that ignores Range (some S3-compatible ones) sent it whole: one range, then.
    const ranges = split(size, first?.ContentRange ? RANGE_BYTES : size);
    // The last range next: a ZIP's central directory, which a reader needs before any entry, is at its end.
    const queue = ranges.length > 2 ? [ranges[ranges.length - 1], ...ranges.slice(1, -1)] : ranges.slice(1);
    let inFlight = 0;
    let failure;
    const fail = (error) => {
        failure ??= error;
        stop.abort();
        for (const range of ranges)
            range.settle(failure);
    };
    const writes = [];
    const begin = (range, answer) => {
        range.started = true;
        inFlight++;
        const write = answer
            .then(body => writeAt(handle, body, range))
            .then(() => range.settle(), fail)
            .finally(() => {
            inFlight--;
            pump();
        });
        writes.push(write);
    };
    const pump = () => {
        while (failure === undefined && inFlight < RANGES_AHEAD && queue.length) {
            const range = queue.shift();
            begin(range, get(range.start, range.end, first?.ETag, stop.signal));
        }
    };
    if (ranges.length)
        begin(ranges[0], Promise.resolve(first));
    pump();
    const done = hashInOrder(handle, ranges);
    done.catch(() => undefined); // a reader that stops early may never await it
    return {
        size,
        metadata: first?.Metadata ?? {},
        arrived(start, end) {
            const needed = ranges.filter(range => range.start < end && range.end >= start);
            const waiting = needed.filter(range => !range.started);
            if (waiting.length) {
                queue.splice(0, queue.length, ...waiting, ...queue.filter(range => !waiting.includes(range)));
                pump();
            }
            return Promise.all(needed.map(range => range.written)).then(() => undefined);
        },
        read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
        done,
        async close() {
            if (ranges.some(range => !range.started) || inFlight)
                fail(new Error('the download was stopped'));
            await Promise.allSettled(writes);
            await handle.close();
        }
    };
}
function split(size, step) {
    const ranges = [];
    for (let start = 0; start < size; start += step) {
        let settle = () => { };
        const written = new Promise((resolve, reject) => {
            settle = error => (error === undefined ? resolve() : reject(error));
        });
        written.catch(() => undefined); // awaited by whoever needs it; until then its failure must not go unhandled
        ranges.push({ start, end: Math.min(size, start + step) - 1, written, settle, started: false });
    }
    return ranges;
}
async function hashInOrder(handle, ranges) {
    const digest = (0,external_node_crypto_.createHash)('sha256');
    const buffer = Buffer.allocUnsafe(HASH_CHUNK);
    for (const range of ranges) {
        await range.written;
        for (let at = range.start; at <= range.end;) {
            const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, range.end + 1 - at), at);
            if (!bytesRead)
                throw new Error(`the downloaded file ends at ${at}, before ${range.end + 1}`);
            digest.update(buffer.subarray(0, bytesRead));
            at += bytesRead;
        }
    }
    return digest.digest('hex');
}
/** Streams one answer's body to its place in the file, and checks that it brought the whole range. */
async function writeAt(out, answer, range) {
    let at = range.start;
    for await (const chunk of answer?.Body ?? []) {
        const bytes = chunk;
        await out.write(bytes, 0, bytes.length, at);
        at += bytes.length;
    }
    if (at !== range.end + 1)
        throw new Error(`S3 sent ${at - range.start} bytes of the ${range.end + 1 - range.start} asked for at ${range.start}`);
}
/** The object's size from a ranged answer (`bytes 0-8388607/123456789`), or its length if S3 sent it whole. */
function totalSize(answer) {
    const total = /\/(\d+)$/.exec(answer.ContentRange ?? '');
    return total ? Number(total[1]) : (answer.ContentLength ?? 0);
}

;// CONCATENATED MODULE: ./src/aws/artifact-store.ts




// lib-storage holds each part in memory until S3 has it: 5 MiB parts (S3's minimum), four in flight, keep an
// upload near 30 MiB whatever the artifact's size (bench/artifacts-roundtrip.ts), and 10,000 parts allow
// artifacts up to 48 GiB. Each part is a buffer, so the SDK retries a failed part itself (it cannot replay a stream).
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
// Downloads: lib-storage has no download, hence ranged-download.ts.
/** The largest object CopyObject takes, so the largest whose metadata can be set after the upload. */
const COPY_MAX_BYTES = 5 * 1024 ** 3;
/** The user metadata that carries a ZIP's SHA-256 (x-amz-meta-sha256), lowercase hex as sha256sum prints it. */
const DIGEST_METADATA = 'sha256';
class ArtifactStore {
    client;
    constructor(client) {
        this.client = client;
    }
    /**
     * Uploads a stream of unknown length (one PutObject when it is small, else a multipart upload that is
     * aborted if a part fails), encrypted with SSE-KMS: the job's customer-managed key when it has one,
     * otherwise the account's AWS managed key. Returns the stored object's ETag.
     */
    async upload(target, body, kmsKeyId) {
        const { Upload } = await __webpack_require__.e(/* import() */ 358).then(__webpack_require__.t.bind(__webpack_require__, 2358, 19)); // only uploads need it
        const upload = new Upload({
            client: this.client,
            queueSize: PARTS_IN_FLIGHT,
            partSize: PART_BYTES,
            params: {
                Bucket: target.bucket,
                Key: target.key,
                Body: body,
                ...storedAs(kmsKeyId)
            }
        });
        return (await upload.done()).ETag;
    }
    /**
     * Sets the ZIP's SHA-256 as user metadata once the upload has told it. S3 takes metadata only with the data,
     * so the object is copied onto itself (a copy inside S3, the same encryption), and only if it is still the
     * object just uploaded (its ETag).
     */
    async recordDigest(target, etag, sha256, kmsKeyId) {
        await this.client.send(new dist_cjs.CopyObjectCommand({
            Bucket: target.bucket,
            Key: target.key,
            CopySource: `${target.bucket}/${target.key.split('/').map(encodeURIComponent).join('/')}`,
            ...(etag ? { CopySourceIfMatch: etag } : {}),
            MetadataDirective: 'REPLACE',
            Metadata: { [DIGEST_METADATA]: sha256 },
            ...storedAs(kmsKeyId)
        }));
    }
    /**
     * Starts downloading an object into a file in parallel ranges (ranged-download.ts), hashing it on the way;
     * resolves once S3 has answered the first range.
     */
    async download(source, file) {
        const get = (start, end, etag, abortSignal) => this.client
            .send(new dist_cjs.GetObjectCommand({
            Bucket: source.bucket,
            Key: source.key,
            Range: `bytes=${start}-${end}`,
            ...(etag ? { IfMatch: etag } : {})
        }), { abortSignal })
            .catch((error) => {
            // S3 answers a range of an empty object with 416: there is nothing to read.
            if (start === 0 &&
                error.$metadata?.httpStatusCode === 416)
                return undefined;
            throw error;
        });
        const download = await startRangedDownload(get, file);
        const recorded = download.metadata[DIGEST_METADATA];
        if (recorded)
            download.recorded = recorded;
        return download;
    }
    destroy() {
        this.client.destroy();
    }
}
/** How every artifact object is stored: a ZIP, under SSE-KMS with the job's key or the account's managed key. */
function storedAs(kmsKeyId) {
    return {
        ContentType: 'application/zip',
        ServerSideEncryption: 'aws:kms',
        ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {})
    };
}
/** Where CodePipeline keeps an artifact of the job. */
function locationOf(artifact, kind) {
    const s3 = artifact.location?.s3Location;
    if (artifact.location?.type !== 'S3' || !s3?.bucketName || !s3.objectKey) {
        throw new artifact_error/* ArtifactError */.nE(`${kind} artifact "${artifact.name}" has no S3 location in the job's details (type ` +
            `${artifact.location?.type ?? 'none'}); this action moves artifacts of an S3 artifact store only.`, 'ConfigurationError');
    }
    return { bucket: s3.bucketName, key: s3.objectKey };
}
/**
 * A client signed with the job's artifact credentials (masked by getJobDetails when it read them). Without
 * them there is no store: falling back to any other credentials would use the wrong principal.
 */
async function connectArtifactStore(settings, data, env = process.env) {
    const c = data.artifactCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken) {
        throw new artifact_error/* ArtifactError */.nE("CodePipeline's job details carry no artifact credentials, which are the only credentials for the " +
            "job's artifacts; re-run the job.", 'SystemUnavailable');
    }
    const client = await (0,clients/* createClient */.U)(dist_cjs.S3Client, settings, {
        credentials: {
            accessKeyId: c.accessKeyId,
            secretAccessKey: c.secretAccessKey,
            sessionToken: c.sessionToken
        },
        httpsOnly: "artifacts and the job's artifact credentials to S3",
        // S3 itself takes virtual-hosted requests (bucket.s3.region.amazonaws.com), the SDK's default. A local or
        // compatible S3 behind AWS_ENDPOINT_URL(_S3) usually serves only path-style requests (endpoint/bucket/key).
        serviceConfig: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {}
    });
    return new ArtifactStore(client);
}


/***/ })

};
