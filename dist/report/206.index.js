export const id = 206;
export const ids = [206];
export const modules = {

/***/ 2206:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  extractInputArtifacts: () => (/* binding */ extractInputArtifacts)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(3340);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/aws/artifact-store.ts + 1 modules
var artifact_store = __webpack_require__(1685);
// EXTERNAL MODULE: ./src/bytes.ts
var bytes = __webpack_require__(6136);
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(8992);
// EXTERNAL MODULE: ./src/artifacts/artifact-error.ts
var artifact_error = __webpack_require__(7102);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __webpack_require__(663);
;// CONCATENATED MODULE: ./src/artifacts/arriving-zip.ts


// yauzl reading a ZIP that is still downloading: each read waits for the bytes it needs (whose ranges the
// download then fetches first), so entries are extracted while the rest of the object arrives. A download that
// fails fails the reads; extractZip then reports the download's own failure (its ArrivingSource's `complete`).
/** What one read takes from the file at a time: a few of these per entry being inflated stay in memory. */
const READ_BYTES = 256 * 1024;
class ArrivingZip extends yauzl/* RandomAccessReader */.lJ {
    file;
    constructor(file) {
        super();
        this.file = file;
    }
    /**
     * Copies bytes [start, end) into `out` as they arrive, through `buffer`. Stored entries (most of the bytes in
     * an artifact: what does not compress) take this way: one buffer reused, instead of a new one per read that
     * only the garbage collector frees, which measured 0.3 s of the download of 228 MiB.
     */
    async copy(start, end, out, buffer) {
        for (let at = start; at < end;) {
            const part = await this.fill(buffer.subarray(0, Math.min(buffer.length, end - at)), at);
            for (let written = 0; written < part.length;)
                written += (await out.write(part, written, part.length - written)).bytesWritten;
            at += part.length;
        }
    }
    /** Fills `buffer` with the bytes at `position`, once they have arrived. */
    async fill(buffer, position) {
        await this.file.arrived(position, position + buffer.length);
        const bytes = await this.file.read(buffer, position);
        if (bytes !== buffer.length)
            throw new Error(`the ZIP file ends at ${position + bytes}`);
        return buffer;
    }
    _readStreamForRange(start, end) {
        const fill = (buffer, position) => this.fill(buffer, position);
        let at = start;
        return new external_node_stream_.Readable({
            highWaterMark: READ_BYTES,
            read() {
                if (at >= end)
                    return void this.push(null);
                const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, end - at));
                fill(buffer, at)
                    .then(filled => this.push(filled))
                    .catch((error) => this.destroy(error));
                at += buffer.length;
            }
        });
    }
}
/** A ZIP already on disk, read through `handle`. */
function zipOnDisk(handle) {
    return new ArrivingZip({
        arrived: () => Promise.resolve(),
        read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead
    });
}

// EXTERNAL MODULE: ./src/artifacts/gc-pacing.ts
var gc_pacing = __webpack_require__(582);
;// CONCATENATED MODULE: ./src/artifacts/layout.ts


// Where extracted files may go. Pure: paths and ZIP metadata in, a destination or a refusal out. yauzl already
// refuses absolute names, drive letters and `..` segments; these checks hold on their own, whatever a ZIP says.
/** One input artifact straight into the directory; several, each into a sub-directory named after it. */
function inputDestinations(dir, names) {
    if (names.length === 1)
        return [{ name: names[0], dir }];
    return names.map(name => ({ name, dir: (0,external_node_path_.join)(dir, name) }));
}
/** Whether `path` is `root` or inside it (both absolute and resolved). */
function isInside(root, path) {
    const rel = (0,external_node_path_.relative)(root, path);
    return rel === '' || (!(0,external_node_path_.isAbsolute)(rel) && rel !== '..' && !rel.startsWith(`..${external_node_path_.sep}`));
}
/** The absolute path a ZIP entry extracts to; an ArtifactError when it would land outside `root`. */
function entryTarget(root, entryName, artifact) {
    const target = (0,external_node_path_.resolve)(root, entryName);
    if (!isInside(root, target))
        throw escapes(artifact, entryName, root);
    return target;
}
// The file type bits of a Unix mode, stored by Unix zip tools in the high 16 bits of the external attributes.
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** A ZIP entry that is a symbolic link: never extracted, since it could point anywhere. */
function isSymlink(externalFileAttributes) {
    return ((externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}
/** Extracted files are readable by all, and executable when the ZIP says so (build scripts keep working). */
function fileMode(externalFileAttributes) {
    return (externalFileAttributes >>> 16) & 0o111 ? 0o755 : 0o644;
}
function escapes(artifact, entryName, root) {
    return (0,artifact_error/* misconfigured */.o7)(`Input artifact "${artifact}": refusing its ZIP entry "${entryName}", which would be written outside ` +
        `${root}; check the action that produced it.`);
}

// EXTERNAL MODULE: ./src/artifacts/s3-errors.ts
var s3_errors = __webpack_require__(7765);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/artifacts/unzip.ts










// An existing file is replaced, but a symbolic link at an entry's path is never followed.
const WRITE_NO_FOLLOW = external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_TRUNC | (external_node_fs_.constants.O_NOFOLLOW ?? 0);
/** Entries written at once: the kernel's copies and zlib's inflating spread over the runner's cores. */
const WRITERS = Math.max(2, Math.min(8, (0,external_node_os_.availableParallelism)() * 2));
/** Each writer's buffer for copying stored entries. */
const COPY_BYTES = 1024 * 1024;
const OPTIONS = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
/**
 * Extracts the ZIP file at `source` (a path, or one still arriving) into `dir`. Every entry is checked before the
 * first is written, so a ZIP with an entry that would escape `dir` (or a symbolic link, or data this action cannot
 * decode) extracts nothing; a ZIP still arriving is extracted only if it completes, or what it wrote is removed.
 */
async function extractZip(source, dir, artifact) {
    if (typeof source !== 'string')
        return extract(source, dir, artifact);
    const handle = await (0,promises_.open)(source, 'r');
    try {
        const { size } = await handle.stat();
        return await extract({ reader: zipOnDisk(handle), size, complete: Promise.resolve() }, dir, artifact);
    }
    finally {
        await handle.close();
    }
}
async function extract(source, dir, artifact) {
    let zip;
    /** Files and directories this extraction created, removed if it fails. */
    const written = [];
    try {
        zip = await (0,yauzl/* fromRandomAccessReaderPromise */.or)(source.reader, source.size, OPTIONS);
        const entries = new Map();
        for await (const entry of zip.eachEntry()) {
            check(entry, dir, artifact);
            entries.delete(entry.fileName); // a name given twice: the later entry wins, as it would written in order
            entries.set(entry.fileName, entry);
        }
        const made = (path) => void (path && written.push(path));
        made(await (0,promises_.mkdir)(dir, { recursive: true }));
        const root = await (0,promises_.realpath)(dir);
        const files = [...entries.values()].filter(entry => !entry.fileName.endsWith('/'));
        for (const entry of entries.values())
            if (entry.fileName.endsWith('/'))
                made(await makeDirectory(root, entryTarget(root, entry.fileName, artifact), entry.fileName, artifact));
        const archive = zip;
        let next = 0;
        let failed = false;
        const writer = async () => {
            const buffer = Buffer.allocUnsafe(COPY_BYTES);
            try {
                while (next < files.length && !failed)
                    await write({ zip: archive, reader: source.reader, buffer }, files[next++], root, artifact, made);
            }
            catch (error) {
                failed = true;
                throw error;
            }
        };
        // Every writer stops before anything is removed.
        const outcomes = await Promise.allSettled(Array.from({ length: Math.min(WRITERS, files.length) }, writer));
        for (const outcome of outcomes)
            if (outcome.status === 'rejected')
                throw outcome.reason;
        await source.complete;
        return { files: files.length, bytes: files.reduce((n, entry) => n + entry.uncompressedSize, 0) };
    }
    catch (error) {
        // A ZIP that arrived damaged or changed fails for that, whatever yauzl made of its bytes.
        const cause = await source.complete.then(() => error, (reason) => reason);
        await Promise.all(written.map(path => (0,promises_.rm)(path, { recursive: true, force: true })));
        throw explain(cause, artifact);
    }
    finally {
        zip?.close();
    }
}
/** What is refused before anything is written: names that escape, symbolic links, data that cannot be decoded. */
function check(entry, dir, artifact) {
    entryTarget(dir, entry.fileName, artifact);
    if (isSymlink(entry.externalFileAttributes)) {
        throw (0,artifact_error/* misconfigured */.o7)(`Input artifact "${artifact}": refusing its ZIP entry "${entry.fileName}", a symbolic link (it could ` +
            'point anywhere). Nothing was extracted; store the file itself in the artifact instead.');
    }
    if (!entry.fileName.endsWith('/') && !entry.canDecodeFileData()) {
        throw (0,artifact_error/* misconfigured */.o7)(`Input artifact "${artifact}": its ZIP entry "${entry.fileName}" is ` +
            `${entry.isEncrypted() ? 'encrypted' : `compressed with method ${entry.compressionMethod}`}; this ` +
            'action extracts stored and deflated entries only. Nothing was extracted.');
    }
}
async function write({ zip, reader, buffer }, entry, root, artifact, made) {
    const target = entryTarget(root, entry.fileName, artifact);
    made(await makeDirectory(root, (0,external_node_path_.dirname)(target), entry.fileName, artifact));
    let file;
    try {
        file = await (0,promises_.open)(target, WRITE_NO_FOLLOW, fileMode(entry.externalFileAttributes));
    }
    catch (error) {
        if (error.code === 'ELOOP')
            throw escapes(artifact, entry.fileName, root);
        throw error;
    }
    made(target);
    if (entry.compressionMethod === 0)
        return copyStored(reader, zip, entry, file, buffer);
    const out = file.createWriteStream();
    try {
        await (0,external_node_stream_promises_.pipeline)(await zip.openReadStreamPromise(entry), out);
    }
    finally {
        out.destroy(); // closes the file if the entry could not be read
    }
}
/** A stored entry, copied as it is; yauzl finds where its data starts and has checked its sizes. */
async function copyStored(reader, zip, entry, file, buffer) {
    try {
        const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
        await reader.copy(fileDataStart, fileDataStart + entry.compressedSize, file, buffer);
    }
    finally {
        await file.close();
    }
}
/**
 * `mkdir -p` of `path`, unless a symbolic link already in the directory (not from this ZIP) would carry it out:
 * where the part that exists really is decides, before anything is made. Returns the first directory made.
 */
async function makeDirectory(root, path, entryName, artifact) {
    let existing = path;
    for (;;) {
        try {
            existing = await (0,promises_.realpath)(existing);
            break;
        }
        catch (error) {
            if (error.code !== 'ENOENT' || (0,external_node_path_.dirname)(existing) === existing)
                throw error;
            existing = (0,external_node_path_.dirname)(existing);
        }
    }
    if (!isInside(root, existing))
        throw escapes(artifact, entryName, root);
    return (0,promises_.mkdir)(path, { recursive: true });
}
// yauzl's refusals of an entry's name: an absolute path, a drive letter, a `..` segment.
const BAD_NAME = /^(absolute path|invalid relative path|invalid characters in fileName): /;
function explain(error, artifact) {
    if (error instanceof artifact_error/* ArtifactError */.nE)
        return error;
    const message = (0,errors/* errorMessage */.gJ)(error);
    if (BAD_NAME.test(message)) {
        const name = message.replace(BAD_NAME, '');
        return (0,artifact_error/* misconfigured */.o7)(`Input artifact "${artifact}": refusing its ZIP entry "${name}" (${message.replace(/: .*$/, '')}), which ` +
            'would be written outside the directory. Nothing was extracted; check the action that produced it.', { cause: error });
    }
    if (typeof error.code === 'string') {
        return (0,artifact_error/* misconfigured */.o7)(`Input artifact "${artifact}" could not be extracted: ${message}`, { cause: error });
    }
    return (0,artifact_error/* misconfigured */.o7)(`Input artifact "${artifact}" is not a ZIP file this action can read: ${message}`, {
        cause: error
    });
}

;// CONCATENATED MODULE: ./src/artifacts/download.ts













/**
 * Downloads each input artifact of the job into a temporary file (yauzl needs to seek: the central directory
 * is at the end of a ZIP) and extracts it while it arrives: into `dir` when there is one, into `dir/<name>` for
 * several. A ZIP whose SHA-256 is not the one its metadata records (set by this action's upload) is refused, and
 * what was extracted from it removed.
 */
function extractInputArtifacts(settings, data, dir, temp = process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)()) {
    return (0,gc_pacing/* withMinorCollections */.r)(() => extractAll(settings, data, dir, temp));
}
async function extractAll(settings, data, dir, temp) {
    const inputs = data.inputArtifacts ?? [];
    const destinations = inputDestinations(dir, inputs.map(input => input.name ?? ''));
    const store = await (0,artifact_store/* connectArtifactStore */.cr)(settings, data);
    const scratch = await (0,promises_.mkdtemp)((0,external_node_path_.join)(temp, 'codepipeline-artifact-'));
    try {
        const extracted = [];
        for (const [index, { name, dir: destination }] of destinations.entries()) {
            const location = (0,artifact_store/* locationOf */.hD)(inputs[index], 'Input');
            const file = (0,external_node_path_.join)(scratch, `${index}.zip`);
            core/* info */.pq((0,src_text/* neutralize */.YI)(`Downloading input artifact "${name}" from s3://${location.bucket}/${location.key}`));
            const explain = (error) => (0,s3_errors/* explainS3Error */.y)(error, {
                action: 'download',
                subject: `Input artifact "${name}"`,
                ...location,
                region: settings.region,
                kmsKeyId: data.encryptionKey?.id
            });
            const download = await store.download(location, file).catch((error) => {
                throw explain(error);
            });
            try {
                const complete = download.done.then(sha256 => verified(name, location, sha256, download.recorded), (error) => {
                    throw explain(error);
                });
                complete.catch(() => undefined); // awaited by the extraction unless it stops first
                const source = { reader: new ArrivingZip(download), size: download.size, complete };
                const result = await extractZip(source, destination, name);
                const sha256 = await complete;
                core/* info */.pq((0,src_text/* neutralize */.YI)(`Downloaded input artifact "${name}": ${(0,bytes/* formatBytes */.z)(download.size)}, SHA-256 ${sha256}`));
                extracted.push({ name, dir: destination, sha256, ...result });
            }
            finally {
                await download.close();
            }
            await (0,promises_.rm)(file);
        }
        return extracted;
    }
    finally {
        store.destroy();
        await (0,promises_.rm)(scratch, { recursive: true, force: true });
    }
}
/** The ZIP's digest, unless its x-amz-meta-sha256 (set by the upload that hashed it) says otherwise. */
function verified(name, location, sha256, recorded) {
    if (recorded === undefined || recorded.toLowerCase() === sha256)
        return sha256;
    throw new artifact_error/* ArtifactError */.nE((0,src_text/* neutralize */.YI)(`Input artifact "${name}" from s3://${location.bucket}/${location.key} has the SHA-256 ${sha256}, but ` +
        `its x-amz-meta-sha256 says ${recorded}: the object changed after the action that stored it hashed ` +
        'it, or was damaged. What was extracted from it was removed; release the change again, and check who ' +
        'else can write to the artifact store.'), 'RevisionOutOfSync');
}


/***/ }),

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
