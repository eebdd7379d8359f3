export const id = 941;
export const ids = [941];
export const modules = {

/***/ 3941:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


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
// EXTERNAL MODULE: ./src/aws/artifact-store.ts
var artifact_store = __webpack_require__(9475);
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(8992);
// EXTERNAL MODULE: ./src/artifacts/artifact-error.ts
var artifact_error = __webpack_require__(7102);
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
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __webpack_require__(663);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/artifacts/unzip.ts








// An existing file is replaced, but a symbolic link at an entry's path is never followed.
const WRITE_NO_FOLLOW = external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_TRUNC | (external_node_fs_.constants.O_NOFOLLOW ?? 0);
/**
 * Extracts the ZIP file at `zipPath` into `dir`. Every entry is checked before the first is written, so a ZIP
 * with an entry that would escape `dir` (or a symbolic link, or data this action cannot decode) extracts nothing.
 */
async function extractZip(zipPath, dir, artifact) {
    await eachEntry(zipPath, artifact, async (entry) => {
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
    });
    await (0,promises_.mkdir)(dir, { recursive: true });
    const root = await (0,promises_.realpath)(dir);
    const extracted = { files: 0, bytes: 0 };
    await eachEntry(zipPath, artifact, async (entry, zip) => {
        const target = entryTarget(root, entry.fileName, artifact);
        if (entry.fileName.endsWith('/')) {
            await (0,promises_.mkdir)(target, { recursive: true });
            return;
        }
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(target), { recursive: true });
        // A symbolic link already in the directory (not from this ZIP) must not carry files out of it either.
        if (!isInside(root, await (0,promises_.realpath)((0,external_node_path_.dirname)(target))))
            throw escapes(artifact, entry.fileName, root);
        let file;
        try {
            file = await (0,promises_.open)(target, WRITE_NO_FOLLOW, fileMode(entry.externalFileAttributes));
        }
        catch (error) {
            if (error.code === 'ELOOP')
                throw escapes(artifact, entry.fileName, root);
            throw error;
        }
        const out = file.createWriteStream();
        try {
            await (0,external_node_stream_promises_.pipeline)(await zip.openReadStreamPromise(entry), out);
        }
        finally {
            out.destroy(); // closes the file if the entry could not be read
        }
        extracted.files += 1;
        extracted.bytes += entry.uncompressedSize;
    });
    return extracted;
}
/** Runs `visit` on each entry in order, with yauzl's own checks (names, sizes); errors name the artifact. */
async function eachEntry(zipPath, artifact, visit) {
    let zip;
    try {
        zip = await (0,yauzl/* openPromise */.sO)(zipPath, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
        for await (const entry of zip.eachEntry())
            await visit(entry, zip);
    }
    catch (error) {
        throw explain(error, artifact);
    }
    finally {
        zip?.close();
    }
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
 * is at the end of a ZIP) and extracts it: straight into `dir` when there is one, into `dir/<name>` for several.
 */
async function extractInputArtifacts(settings, data, dir, temp = process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)()) {
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
            try {
                await store.download(location, file);
            }
            catch (error) {
                throw (0,s3_errors/* explainS3Error */.y)(error, {
                    action: 'download',
                    subject: `Input artifact "${name}"`,
                    ...location,
                    region: settings.region,
                    kmsKeyId: data.encryptionKey?.id
                });
            }
            extracted.push({ name, dir: destination, ...(await extractZip(file, destination, name)) });
            await (0,promises_.rm)(file);
        }
        return extracted;
    }
    finally {
        store.destroy();
        await (0,promises_.rm)(scratch, { recursive: true, force: true });
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

/***/ 9475:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cr: () => (/* binding */ connectArtifactStore),
/* harmony export */   hD: () => (/* binding */ locationOf)
/* harmony export */ });
/* unused harmony export ArtifactStore */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _artifacts_artifact_error_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7102);
/* harmony import */ var _clients_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(201);




// lib-storage holds each part in memory until S3 has it: 5 MiB parts (S3's minimum), four in flight, keep an
// upload near 30 MiB whatever the artifact's size (a 1 GiB round trip peaks under 200 MiB RSS, see
// bench/artifacts-roundtrip.ts), and 10,000 parts allow artifacts up to 48 GiB. Each part is a buffer, so the
// SDK retries a failed part itself (it cannot replay a stream).
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
class ArtifactStore {
    sdk;
    storage;
    client;
    constructor(sdk, storage, client) {
        this.sdk = sdk;
        this.storage = storage;
        this.client = client;
    }
    /**
     * Uploads a stream of unknown length (one PutObject when it is small, else a multipart upload that is
     * aborted if a part fails), encrypted with SSE-KMS: the job's customer-managed key when it has one,
     * otherwise the account's AWS managed key.
     */
    async upload(target, body, kmsKeyId) {
        const upload = new this.storage.Upload({
            client: this.client,
            queueSize: PARTS_IN_FLIGHT,
            partSize: PART_BYTES,
            params: {
                Bucket: target.bucket,
                Key: target.key,
                Body: body,
                ContentType: 'application/zip',
                ServerSideEncryption: 'aws:kms',
                ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {})
            }
        });
        await upload.done();
    }
    /** Streams an object into a file. */
    async download(source, file) {
        const { Body } = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: source.bucket, Key: source.key }));
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(Body, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createWriteStream)(file));
    }
    destroy() {
        this.client.destroy();
    }
}
/** Where CodePipeline keeps an artifact of the job. */
function locationOf(artifact, kind) {
    const s3 = artifact.location?.s3Location;
    if (artifact.location?.type !== 'S3' || !s3?.bucketName || !s3.objectKey) {
        throw new _artifacts_artifact_error_js__WEBPACK_IMPORTED_MODULE_2__/* .ArtifactError */ .nE(`${kind} artifact "${artifact.name}" has no S3 location in the job's details (type ` +
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
        throw new _artifacts_artifact_error_js__WEBPACK_IMPORTED_MODULE_2__/* .ArtifactError */ .nE("CodePipeline's job details carry no artifact credentials, which are the only credentials for the " +
            "job's artifacts; re-run the job.", 'SystemUnavailable');
    }
    const [sdk, storage] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(422), __webpack_require__.e(609), __webpack_require__.e(279), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19)), Promise.all(/* import() */[__webpack_require__.e(422), __webpack_require__.e(609), __webpack_require__.e(279), __webpack_require__.e(861), __webpack_require__.e(711), __webpack_require__.e(358)]).then(__webpack_require__.t.bind(__webpack_require__, 2358, 19))]);
    const client = await (0,_clients_js__WEBPACK_IMPORTED_MODULE_3__/* .createClient */ .U)(sdk.S3Client, settings, {
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
    return new ArtifactStore(sdk, storage, client);
}


/***/ })

};
