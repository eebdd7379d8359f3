export const id = 152;
export const ids = [152];
export const modules = {

/***/ 582:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ withMinorCollections)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3340);
/* harmony import */ var node_v8__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8877);
/* harmony import */ var node_v8__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_v8__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_vm__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(714);
/* harmony import */ var node_vm__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_vm__WEBPACK_IMPORTED_MODULE_2__);



// Moving an artifact leaves short-lived Buffers whose memory lives outside V8's heap: node:http copies each piece
// of a response body it parses into a new one, and every request of an upload leaves small ones. V8 frees that
// memory only when a collection finds the Buffers dead, and starts one for them only once about 64 MiB have piled
// up since the last; until then they count in the peak RSS. They die within milliseconds, so a minor collection
// every 20 ms frees them while they are young, for well under a millisecond each (figures in
// docs/artifacts.md#speed). The bulk of an upload needs none: part-upload.ts and zip.ts use their buffers again.
// An action cannot pass V8 flags, so `gc` is taken the way jest-leak-detector takes it: the flag set for one new
// context, then reset, unless Node was started with it.
const MINOR_EVERY_MS = 20;
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
/** Runs minor collections while `work` moves an artifact, so its dead Buffers do not pile up. */
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
    // Refused before sending (a plain-http endpoint that is not loopback, an artifact beyond S3's parts): the message
    // already says what to fix.
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

/***/ 3743:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
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
// EXTERNAL MODULE: ./src/buffer-pool.ts
var buffer_pool = __webpack_require__(8920);
// EXTERNAL MODULE: ./src/bytes.ts
var bytes = __webpack_require__(6136);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/limits.ts
var limits = __webpack_require__(351);
;// CONCATENATED MODULE: ./src/aws/part-upload.ts





// An upload of a body of unknown length, copied chunk by chunk into a few part buffers that are used again and
// again. lib-storage's Upload keeps every chunk it is given until its part is complete, then concatenates them
// into a new part: for a 228 MiB ZIP, 3,600 chunks and 46 parts of new memory, which V8 frees late, and its
// concatenation alone took 0.22 s of the main thread (docs/artifacts.md#speed). Here the maker of a chunk may use
// its memory again as soon as it is copied, and a part buffer goes back to the pool once S3 has the part, so an
// upload holds PART_BUFFERS parts whatever the artifact's size. The SDK signs, checksums and retries each
// request as before: a part is a buffer, so a retry sends it again.
/** S3's smallest part: the fewest bytes held, and as fast as larger ones on the bench. */
const PART_BYTES = limits.s3.minPartBytes;
/** Parts sent or being filled at once; up to all of them are in flight while the next waits for a buffer. */
const PART_BUFFERS = 5;
/**
 * Uploads `chunks` (each read only until the next is asked for) as one object: one PutObject carrying
 * `metadata()` when they fit in a part, otherwise a multipart upload that is aborted if anything fails. Each part
 * is checksummed with CRC32, which S3 checks, and the ETag of the object is returned.
 */
async function uploadInParts(client, params, chunks, metadata, options = {}) {
    const pool = new buffer_pool/* BufferPool */.P(PART_BYTES, PART_BUFFERS);
    const upload = new MultipartUpload(client, params, pool, options.maxParts ?? limits.s3.maxParts);
    let part = await pool.take();
    let filled = 0;
    try {
        for await (const chunk of chunks) {
            for (let at = 0; at < chunk.length;) {
                if (upload.failure)
                    throw upload.failure; // no part is sent once one has failed
                // A full part is sent only once more bytes come: a body of exactly one part stays one PutObject.
                if (filled === PART_BYTES) {
                    upload.send(part, filled);
                    part = await pool.take();
                    filled = 0;
                }
                const copied = Math.min(chunk.length - at, PART_BYTES - filled);
                part.set(chunk.subarray(at, at + copied), filled);
                filled += copied;
                at += copied;
            }
        }
        if (!upload.started) {
            const put = await client.send(new dist_cjs/* PutObjectCommand */.wKZ({
                ...params,
                Body: part.subarray(0, filled),
                ChecksumAlgorithm: 'CRC32',
                Metadata: metadata()
            }));
            return { etag: put.ETag, withMetadata: true };
        }
        if (upload.failure)
            throw upload.failure;
        upload.send(part, filled);
        return { etag: await upload.complete(), withMetadata: false };
    }
    catch (error) {
        await upload.abort();
        throw error;
    }
}
class MultipartUpload {
    uploadId;
    parts = [];
    /** The first part (or creation) that failed; the chunks stop at the next one. */
    failure;
    client;
    params;
    pool;
    maxParts;
    constructor(client, params, pool, maxParts) {
        this.client = client;
        this.params = params;
        this.pool = pool;
        this.maxParts = maxParts;
    }
    get started() {
        return this.uploadId !== undefined;
    }
    /** Starts sending `length` bytes of `buffer` as the next part; the buffer returns to the pool once it settles. */
    send(buffer, length) {
        const PartNumber = this.parts.length + 1;
        if (PartNumber > this.maxParts) {
            throw new errors/* UserError */.yo(`it is larger than the ${(0,bytes/* formatBytes */.z)(this.maxParts * PART_BYTES)} one S3 upload takes in ` +
                `${this.maxParts} parts of ${(0,bytes/* formatBytes */.z)(PART_BYTES)}; split it into several output artifacts.`);
        }
        const { Bucket, Key } = this.params;
        this.uploadId ??= this.client
            .send(new dist_cjs/* CreateMultipartUploadCommand */.nG4({ ...this.params, ChecksumAlgorithm: 'CRC32' }))
            .then(({ UploadId }) => UploadId ?? Promise.reject(new Error('S3 started an upload with no UploadId')));
        const part = this.uploadId
            .then(UploadId => this.client.send(new dist_cjs/* UploadPartCommand */.iVK({
            Bucket,
            Key,
            UploadId,
            PartNumber,
            Body: buffer.subarray(0, length),
            ChecksumAlgorithm: 'CRC32'
        })))
            .then(({ ETag, ChecksumCRC32 }) => ({ PartNumber, ETag, ChecksumCRC32 }), (error) => {
            this.failure ??= error; // before the buffer goes back, so whoever takes it sees the failure
            throw error;
        })
            .finally(() => this.pool.give(buffer));
        part.catch(() => undefined); // awaited by complete() or abort()
        this.parts.push(part);
    }
    async complete() {
        const [UploadId, Parts] = await Promise.all([this.uploadId, Promise.all(this.parts)]);
        const done = await this.client.send(new dist_cjs/* CompleteMultipartUploadCommand */.Gym({
            Bucket: this.params.Bucket,
            Key: this.params.Key,
            UploadId,
            MultipartUpload: { Parts }
        }));
        return done.ETag;
    }
    /** Once every part in flight has settled, so none lands after: S3 then drops the parts it kept. */
    async abort() {
        if (!this.uploadId)
            return;
        await Promise.allSettled(this.parts);
        const UploadId = await this.uploadId.catch(() => undefined);
        if (!UploadId)
            return;
        const { Bucket, Key } = this.params;
        // The failure that got here is what the user must read; parts a failed abort leaves are for the bucket's
        // lifecycle rule (AbortIncompleteMultipartUpload) to clear.
        await this.client.send(new dist_cjs/* AbortMultipartUploadCommand */.tfP({ Bucket, Key, UploadId })).catch(() => undefined);
    }
}

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





// Downloads go through ranged-download.ts, uploads through part-upload.ts.
/** The user metadata that carries a ZIP's SHA-256 (x-amz-meta-sha256), lowercase hex as sha256sum prints it. */
const DIGEST_METADATA = 'sha256';
class ArtifactStore {
    client;
    constructor(client) {
        this.client = client;
    }
    /**
     * Uploads a ZIP as it is made (part-upload.ts), encrypted with SSE-KMS: the job's customer-managed key when it
     * has one, otherwise the account's AWS managed key. A ZIP of one part goes up with its SHA-256 as metadata.
     */
    upload(target, zip, kmsKeyId) {
        return uploadInParts(this.client, { Bucket: target.bucket, Key: target.key, ...storedAs(kmsKeyId) }, zip.chunks, () => ({ [DIGEST_METADATA]: zip.sha256() }));
    }
    /**
     * Sets the ZIP's SHA-256 as user metadata once the upload has told it. S3 takes metadata only with the data,
     * so the object is copied onto itself (a copy inside S3, the same encryption), and only if it is still the
     * object just uploaded (its ETag).
     */
    async recordDigest(target, etag, sha256, kmsKeyId) {
        await this.client.send(new dist_cjs/* CopyObjectCommand */.s9Z({
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
            .send(new dist_cjs/* GetObjectCommand */.jLs({
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
    const client = await (0,clients/* createClient */.U)(dist_cjs/* S3Client */.YxF, settings, {
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


/***/ }),

/***/ 8920:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ BufferPool)
/* harmony export */ });
// Buffers of one size, used again once given back. Data moved through buffers made new for every piece is freed
// only when V8 collects them, which it starts for memory outside its heap only after about 64 MiB pile up: a pool
// keeps an artifact's transfer at the few buffers in use.
class BufferPool {
    free = [];
    waiting = [];
    made = 0;
    bytes;
    most;
    /** `most` buffers at a time: take() waits for one to come back. */
    constructor(bytes, most = Infinity) {
        this.bytes = bytes;
        this.most = most;
    }
    async take() {
        while (!this.free.length && this.made >= this.most)
            await new Promise(resolve => this.waiting.push(resolve));
        const reused = this.free.pop();
        if (reused)
            return reused;
        this.made += 1;
        return Buffer.allocUnsafe(this.bytes);
    }
    give(buffer) {
        this.free.push(buffer);
        this.waiting.shift()?.();
    }
}


/***/ })

};
