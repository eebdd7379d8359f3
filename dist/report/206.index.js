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
// EXTERNAL MODULE: ./src/aws/artifact-store.ts + 2 modules
var artifact_store = __webpack_require__(3743);
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


/***/ })

};
