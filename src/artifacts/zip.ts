import { createHash } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32, createDeflateRaw } from 'node:zlib'
import { BufferPool } from '../buffer-pool.ts'
import { ArtifactError, misconfigured } from './artifact-error.ts'
import { deflate, methodFor, PROBE_BYTES } from './compression.ts'
import type { LocalPath } from './output-entries.ts'
import { zipSources, type ZipSource } from './zip-entries.ts'
import {
  centralDirectory,
  dataDescriptor,
  DEFLATED,
  localHeader,
  STORED,
  zip64Needed,
  type EntryHeader,
  type EntryRecord
} from './zip-format.ts'

// An output artifact's ZIP, made as it is sent. Entries are written in order, but the next few are read and
// deflated ahead of their turn on zlib's thread pool, so several cores compress while the upload takes what is
// ready. Memory stays bounded: each entry ahead holds at most a small file or LOOKAHEAD_BYTES of deflated data.

/** Files up to this size are read whole: their CRC and sizes go in the local header, and one call deflates them. */
const WHOLE_BYTES = 1024 * 1024
/** How much deflated data an entry ahead of its turn may hold before its deflating waits. */
const LOOKAHEAD_BYTES = 1024 * 1024
/** Reads of a file into buffers used again: the upload copies what it is given at once, deflate what it takes. */
const READ_CHUNK = 1024 * 1024
/** Entries prepared ahead of the one being written: one per core keeps every core deflating. */
const AHEAD = Math.max(2, Math.min(8, availableParallelism()))

export interface ZipStats {
  entries: number
  stored: number
  deflated: number
}

export interface ZipStream {
  /** The ZIP's pieces in order, each valid only until the next is asked for: a stored file is read into one buffer. */
  chunks: AsyncIterable<Buffer>
  /** The ArtifactError that ended the stream, to tell a file that cannot be read from the upload's own failure. */
  failed: () => Error | undefined
  stats: ZipStats
  /** Size and SHA-256 (lowercase hex) of the ZIP, once the stream has ended. */
  made: () => { bytes: number; sha256: string }
}

/** The ZIP of a directory's contents, or of one file, deflated at `level` where it shrinks (0: all stored). */
export function zipStream(
  artifact: string,
  path: LocalPath,
  kind: 'file' | 'directory',
  level: number
): ZipStream {
  const stats: ZipStats = { entries: 0, stored: 0, deflated: 0 }
  const digest = createHash('sha256')
  let bytes = 0
  let sha256: string | undefined
  let failure: Error | undefined
  const fail = (error: unknown) => {
    failure ??= error instanceof ArtifactError ? error : unreadable(artifact, path, error as Error)
    return failure
  }
  // Hashed here, as each piece is made, rather than by a stream in between: a layer less for every chunk.
  async function* zip(): AsyncGenerator<Buffer> {
    try {
      const sources = await zipSources(artifact, path, kind)
      for await (const chunk of zipBytes(artifact, path, sources, level, stats)) {
        digest.update(chunk)
        bytes += chunk.length
        yield chunk
      }
    } catch (error) {
      throw fail(error)
    }
  }
  return {
    chunks: zip(),
    failed: () => failure,
    stats,
    made: () => ({ bytes, sha256: (sha256 ??= digest.digest('hex')) })
  }
}

/** An entry ready for its turn: its header, and its data as a buffer or a stream that checks what it reads. */
interface Prepared {
  header: EntryHeader
  source: ZipSource
  data?: Buffer
  stream?: () => AsyncIterable<Buffer>
  /** CRC and size of a streamed entry, known once its stream has ended. */
  read?: () => { crc: number; size: number }
  close: () => void
}

async function* zipBytes(
  artifact: string,
  root: LocalPath,
  sources: ZipSource[],
  level: number,
  stats: ZipStats
): AsyncGenerator<Buffer> {
  const ahead: Promise<Prepared>[] = []
  const reads = new BufferPool(READ_CHUNK) // as many as entries read at once: those ahead and the one in turn
  let next = 0
  const refill = () => {
    while (next < sources.length && ahead.length < AHEAD) {
      const prepared = prepare(sources[next++], level, reads)
      prepared.catch(() => undefined) // awaited in its turn; until then its failure must not go unhandled
      ahead.push(prepared)
    }
  }
  const records: EntryRecord[] = []
  let offset = 0
  let current: Prepared | undefined // closed too when the ZIP stops before its data has been read
  try {
    refill()
    while (ahead.length) {
      const entry = (current = await (ahead.shift() as Promise<Prepared>))
      refill()
      const header = localHeader(entry.header)
      yield header
      let compressedSize = 0
      if (entry.data) {
        compressedSize = entry.data.length
        if (compressedSize) yield entry.data
      } else if (entry.stream) {
        for await (const chunk of entry.stream()) {
          compressedSize += chunk.length
          yield chunk
        }
      }
      const read = entry.read?.() ?? entry.header.known ?? { crc: 0, size: 0 }
      if (read.size !== entry.source.size || (entry.header.known && read.crc !== entry.header.known.crc))
        throw changed(artifact, root, entry.source)
      const record: EntryRecord = { ...entry.header, crc: read.crc, size: read.size, compressedSize, offset }
      records.push(record)
      offset += header.length + compressedSize
      if (!entry.header.known) {
        const descriptor = dataDescriptor(record)
        yield descriptor
        offset += descriptor.length
      }
      stats.entries += 1
      if (entry.source.path) stats[entry.header.method === DEFLATED ? 'deflated' : 'stored'] += 1
    }
    yield centralDirectory(records, offset)
  } finally {
    current?.close()
    for (const pending of ahead)
      pending.then(
        entry => entry.close(),
        () => undefined
      )
  }
}

/** Reads what must be known before an entry's header: its method, and for all but deflated streams its CRC. */
async function prepare(source: ZipSource, level: number, reads: BufferPool): Promise<Prepared> {
  const base = { mtime: source.mtime, mode: source.mode, name: source.name, zip64: false }
  const none = () => undefined
  if (!source.path) {
    return {
      source,
      header: { ...base, method: STORED, known: { crc: 0, size: 0, compressedSize: 0 } },
      close: none
    }
  }
  const path = source.path
  if (source.size <= WHOLE_BYTES) {
    const data = await readFile(path)
    const crc = crc32(data)
    const method = await methodFor(source.name, data.subarray(0, PROBE_BYTES), level)
    const deflated = method === DEFLATED ? await deflate(data, { level }) : undefined
    const kept = deflated && deflated.length < data.length ? deflated : undefined
    const known = { crc, size: data.length, compressedSize: (kept ?? data).length }
    return {
      source,
      header: { ...base, method: kept ? DEFLATED : STORED, known },
      data: kept ?? data,
      close: none
    }
  }
  const method = await methodFor(source.name, await head(path), level)
  const zip64 = zip64Needed(source.size, method)
  if (method === STORED) {
    // The CRC goes in the local header, so the file is read once for it now and once more in its turn: a data
    // descriptor after stored data is what Java's ZipInputStream refuses.
    const { crc, size } = await crcOf(path, reads)
    const tally = { crc: 0, size: 0 }
    return {
      source,
      header: { ...base, method, zip64, known: { crc, size, compressedSize: size } },
      stream: () => fileChunks(path, tally, reads),
      read: () => tally,
      close: none
    }
  }
  // Deflated from now on, ahead of its turn, into a buffer that makes the deflating wait when it is full. Each
  // read is written once deflate has taken the last (its write callback), so one buffer of the pool serves them.
  const tally = { crc: 0, size: 0 }
  const ready = new PassThrough({ highWaterMark: LOOKAHEAD_BYTES })
  const deflater = createDeflateRaw({ level })
  pipeline(deflater, ready).catch(() => undefined) // the same error reaches whoever reads `ready`
  const fed = async () => {
    for await (const chunk of fileChunks(path, tally, reads)) {
      if (deflater.destroyed) return // closed ahead of its turn: the file closes as the loop ends
      // A deflater destroyed while backed up never calls back: its close ends the wait instead.
      await new Promise<void>((resolve, reject) => {
        const closed = () => reject(new Error('the deflating was stopped'))
        deflater.once('close', closed)
        deflater.write(chunk, e => {
          deflater.off('close', closed)
          if (e) reject(e)
          else resolve()
        })
      })
    }
    deflater.end()
  }
  fed().catch((error: unknown) => deflater.destroy(error as Error))
  return {
    source,
    header: { ...base, method, zip64 },
    stream: () => ready,
    read: () => tally,
    close: () => ready.destroy()
  }
}

async function head(path: string): Promise<Buffer> {
  const file = await open(path)
  try {
    const block = Buffer.alloc(PROBE_BYTES)
    const { bytesRead } = await file.read(block, 0, PROBE_BYTES, 0)
    return block.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
}

/** CRC-32 and size of a file, its chunks read and dropped. */
async function crcOf(path: string, reads: BufferPool): Promise<{ crc: number; size: number }> {
  const tally = { crc: 0, size: 0 }
  const chunks = fileChunks(path, tally, reads)
  while (!(await chunks.next()).done);
  return tally
}

/**
 * A file's bytes, with their CRC-32 and size kept in `tally`, read into one buffer of `reads`: each chunk is gone
 * once the next is asked for.
 */
async function* fileChunks(
  path: string,
  tally: { crc: number; size: number },
  reads: BufferPool
): AsyncGenerator<Buffer> {
  const file = await open(path)
  const buffer = await reads.take()
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, tally.size)
      if (!bytesRead) return
      const chunk = buffer.subarray(0, bytesRead)
      tally.crc = crc32(chunk, tally.crc)
      tally.size += bytesRead
      yield chunk
    }
  } finally {
    reads.give(buffer)
    await file.close()
  }
}

function changed(artifact: string, root: LocalPath, source: ZipSource): ArtifactError {
  return misconfigured(
    `Output artifact "${artifact}": ${source.path} (in ${root.given}) changed while it was being zipped; make ` +
      'sure no step still writes to it when the job reports.'
  )
}

function unreadable(artifact: string, path: LocalPath, error: Error): ArtifactError {
  return misconfigured(
    `Output artifact "${artifact}": could not read ${path.given} to zip it: ${error.message}`,
    { cause: error }
  )
}
