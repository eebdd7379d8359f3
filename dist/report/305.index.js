export const id = 305;
export const ids = [305];
export const modules = {

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
// EXTERNAL MODULE: ./src/aws/artifact-store.ts + 2 modules
var artifact_store = __webpack_require__(3743);
// EXTERNAL MODULE: ./src/bytes.ts
var src_bytes = __webpack_require__(6136);
// EXTERNAL MODULE: ./src/limits.ts
var limits = __webpack_require__(351);
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
// EXTERNAL MODULE: ./src/buffer-pool.ts
var buffer_pool = __webpack_require__(8920);
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
/** Reads of a file into buffers used again: the upload copies what it is given at once, deflate what it takes. */
const READ_CHUNK = 1024 * 1024;
/** Entries prepared ahead of the one being written: one per core keeps every core deflating. */
const AHEAD = Math.max(2, Math.min(8, (0,external_node_os_.availableParallelism)()));
/** The ZIP of a directory's contents, or of one file, deflated at `level` where it shrinks (0: all stored). */
function zipStream(artifact, path, kind, level) {
    const stats = { entries: 0, stored: 0, deflated: 0 };
    const digest = (0,external_node_crypto_.createHash)('sha256');
    let bytes = 0;
    let sha256;
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
                yield chunk;
            }
        }
        catch (error) {
            throw fail(error);
        }
    }
    return {
        chunks: zip(),
        failed: () => failure,
        stats,
        made: () => ({ bytes, sha256: (sha256 ??= digest.digest('hex')) })
    };
}
async function* zipBytes(artifact, root, sources, level, stats) {
    const ahead = [];
    const reads = new buffer_pool/* BufferPool */.P(READ_CHUNK); // as many as entries read at once: those ahead and the one in turn
    let next = 0;
    const refill = () => {
        while (next < sources.length && ahead.length < AHEAD) {
            const prepared = prepare(sources[next++], level, reads);
            prepared.catch(() => undefined); // awaited in its turn; until then its failure must not go unhandled
            ahead.push(prepared);
        }
    };
    const records = [];
    let offset = 0;
    let current; // closed too when the ZIP stops before its data has been read
    try {
        refill();
        while (ahead.length) {
            const entry = (current = await ahead.shift());
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
        current?.close();
        for (const pending of ahead)
            pending.then(entry => entry.close(), () => undefined);
    }
}
/** Reads what must be known before an entry's header: its method, and for all but deflated streams its CRC. */
async function prepare(source, level, reads) {
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
        const { crc, size } = await crcOf(path, reads);
        const tally = { crc: 0, size: 0 };
        return {
            source,
            header: { ...base, method, zip64, known: { crc, size, compressedSize: size } },
            stream: () => fileChunks(path, tally, reads),
            read: () => tally,
            close: none
        };
    }
    // Deflated from now on, ahead of its turn, into a buffer that makes the deflating wait when it is full. Each
    // read is written once deflate has taken the last (its write callback), so one buffer of the pool serves them.
    const tally = { crc: 0, size: 0 };
    const ready = new external_node_stream_.PassThrough({ highWaterMark: LOOKAHEAD_BYTES });
    const deflater = (0,external_node_zlib_.createDeflateRaw)({ level });
    (0,external_node_stream_promises_.pipeline)(deflater, ready).catch(() => undefined); // the same error reaches whoever reads `ready`
    const fed = async () => {
        for await (const chunk of fileChunks(path, tally, reads)) {
            if (deflater.destroyed)
                return; // closed ahead of its turn: the file closes as the loop ends
            // A deflater destroyed while backed up never calls back: its close ends the wait instead.
            await new Promise((resolve, reject) => {
                const closed = () => reject(new Error('the deflating was stopped'));
                deflater.once('close', closed);
                deflater.write(chunk, e => {
                    deflater.off('close', closed);
                    if (e)
                        reject(e);
                    else
                        resolve();
                });
            });
        }
        deflater.end();
    };
    fed().catch((error) => deflater.destroy(error));
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
/** CRC-32 and size of a file, its chunks read and dropped. */
async function crcOf(path, reads) {
    const tally = { crc: 0, size: 0 };
    const chunks = fileChunks(path, tally, reads);
    while (!(await chunks.next()).done)
        ;
    return tally;
}
/**
 * A file's bytes, with their CRC-32 and size kept in `tally`, read into one buffer of `reads`: each chunk is gone
 * once the next is asked for.
 */
async function* fileChunks(path, tally, reads) {
    const file = await (0,promises_.open)(path);
    const buffer = await reads.take();
    try {
        for (;;) {
            const { bytesRead } = await file.read(buffer, 0, buffer.length, tally.size);
            if (!bytesRead)
                return;
            const chunk = buffer.subarray(0, bytesRead);
            tally.crc = (0,external_node_zlib_.crc32)(chunk, tally.crc);
            tally.size += bytesRead;
            yield chunk;
        }
    }
    finally {
        reads.give(buffer);
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
            const zip = zipStream(name, path, kinds[index], level);
            let uploaded;
            try {
                uploaded = await (0,gc_pacing/* withMinorCollections */.r)(() => store.upload(target, { chunks: zip.chunks, sha256: () => zip.made().sha256 }, data.encryptionKey?.id));
            }
            catch (error) {
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
            const inMetadata = uploaded.withMetadata ||
                (await recordDigest(store, target, uploaded.etag, { name, bytes, sha256 }, settings.region, data));
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
    if (zip.bytes > limits.s3.copyMaxBytes) {
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


/***/ })

};
