import type { GetObjectCommandOutput } from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import type { Readable } from 'node:stream'

// An object downloaded into a file in ranges (S3's Range header), several at once, each written at its place as
// it streams in: memory holds what is in flight on the sockets, whatever the object's size. Whoever reads the file
// meanwhile (the extraction, through arrived()) waits for the bytes it needs, and their ranges go first. The
// SHA-256 follows in order, reading each range back from the file (the page cache has it).

/**
 * 8 MiB ranges, as the AWS CLI's parts, eight at once (the CLI asks for ten): while one connection waits for its
 * answer or its file writes, the others keep bytes coming. Measured on the bench's 228 MiB, eight rather than
 * four took the download from 2.19 s to 1.85 s (median of 8 interleaved runs), for 3 to 6 MiB more peak RSS.
 */
export const RANGE_BYTES = 8 * 1024 * 1024
const RANGES_AHEAD = 8
const HASH_CHUNK = 1024 * 1024

/** One ranged GetObject (end inclusive); `etag` asks that the object still be the one of the first range. */
export type GetRange = (
  start: number,
  end: number,
  etag: string | undefined,
  signal: AbortSignal
) => Promise<GetObjectCommandOutput | undefined>

export interface ArrivingFile {
  /** The object's size, from the first answer. */
  size: number
  /** The object's user metadata, from the first answer. */
  metadata: Record<string, string>
  /** Resolves once bytes [start, end) are in the file (their ranges are fetched first); rejects if the download fails. */
  arrived(start: number, end: number): Promise<void>
  /** Reads arrived bytes at `position`; returns how many. */
  read(buffer: Buffer, position: number): Promise<number>
  /** The SHA-256 (lowercase hex) of all `size` bytes, once every one is in the file. */
  done: Promise<string>
  /** Stops the download if it is still going, and closes the file once nothing more is written to it. */
  close(): Promise<void>
}

interface Range {
  start: number
  end: number
  written: Promise<void>
  settle: (error?: unknown) => void
  started: boolean
}

/**
 * Starts downloading through `get` into `file`; resolves once the first range has answered. The first range tells
 * the object's size and ETag; every later range asks for that ETag, so an object replaced meanwhile fails (412)
 * instead of mixing two versions. `get` answers undefined for an empty object (S3's 416 to a range of nothing).
 */
export async function startRangedDownload(get: GetRange, file: string): Promise<ArrivingFile> {
  const handle = await open(file, 'w+')
  const stop = new AbortController()
  let first: GetObjectCommandOutput | undefined
  try {
    first = await get(0, RANGE_BYTES - 1, undefined, stop.signal)
  } catch (error) {
    await handle.close()
    throw error
  }
  const size = first ? totalSize(first) : 0
  // A store that ignores Range (some S3-compatible ones) sent it whole: one range, then.
  const ranges = split(size, first?.ContentRange ? RANGE_BYTES : size)
  // The last range next: a ZIP's central directory, which a reader needs before any entry, is at its end.
  const queue = ranges.length > 2 ? [ranges[ranges.length - 1], ...ranges.slice(1, -1)] : ranges.slice(1)
  let inFlight = 0
  let failure: unknown
  const fail = (error: unknown) => {
    failure ??= error
    stop.abort()
    for (const range of ranges) range.settle(failure)
  }
  const writes: Promise<void>[] = []
  const begin = (range: Range, answer: Promise<GetObjectCommandOutput | undefined>) => {
    range.started = true
    inFlight++
    const write = answer
      .then(body => writeAt(handle, body, range))
      .then(() => range.settle(), fail)
      .finally(() => {
        inFlight--
        pump()
      })
    writes.push(write)
  }
  const pump = () => {
    while (failure === undefined && inFlight < RANGES_AHEAD && queue.length) {
      const range = queue.shift() as Range
      begin(range, get(range.start, range.end, first?.ETag, stop.signal))
    }
  }
  if (ranges.length) begin(ranges[0], Promise.resolve(first))
  pump()

  const done = hashInOrder(handle, ranges)
  done.catch(() => undefined) // a reader that stops early may never await it
  return {
    size,
    metadata: first?.Metadata ?? {},
    arrived(start, end) {
      const needed = ranges.filter(range => range.start < end && range.end >= start)
      const waiting = needed.filter(range => !range.started)
      if (waiting.length) {
        queue.splice(0, queue.length, ...waiting, ...queue.filter(range => !waiting.includes(range)))
        pump()
      }
      return Promise.all(needed.map(range => range.written)).then(() => undefined)
    },
    read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
    done,
    async close() {
      if (ranges.some(range => !range.started) || inFlight) fail(new Error('the download was stopped'))
      await Promise.allSettled(writes)
      await handle.close()
    }
  }
}

function split(size: number, step: number): Range[] {
  const ranges: Range[] = []
  for (let start = 0; start < size; start += step) {
    let settle: Range['settle'] = () => {}
    const written = new Promise<void>((resolve, reject) => {
      settle = error => (error === undefined ? resolve() : reject(error))
    })
    written.catch(() => undefined) // awaited by whoever needs it; until then its failure must not go unhandled
    ranges.push({ start, end: Math.min(size, start + step) - 1, written, settle, started: false })
  }
  return ranges
}

async function hashInOrder(handle: FileHandle, ranges: Range[]): Promise<string> {
  const digest = createHash('sha256')
  const buffer = Buffer.allocUnsafe(HASH_CHUNK)
  for (const range of ranges) {
    await range.written
    for (let at = range.start; at <= range.end;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, range.end + 1 - at), at)
      if (!bytesRead) throw new Error(`the downloaded file ends at ${at}, before ${range.end + 1}`)
      digest.update(buffer.subarray(0, bytesRead))
      at += bytesRead
    }
  }
  return digest.digest('hex')
}

/** Streams one answer's body to its place in the file, and checks that it brought the whole range. */
async function writeAt(
  out: FileHandle,
  answer: GetObjectCommandOutput | undefined,
  range: Range
): Promise<void> {
  let at = range.start
  for await (const chunk of (answer?.Body as Readable | undefined) ?? []) {
    const bytes = chunk as Buffer
    await out.write(bytes, 0, bytes.length, at)
    at += bytes.length
  }
  if (at !== range.end + 1)
    throw new Error(
      `S3 sent ${at - range.start} bytes of the ${range.end + 1 - range.start} asked for at ${range.start}`
    )
}

/** The object's size from a ranged answer (`bytes 0-8388607/123456789`), or its length if S3 sent it whole. */
function totalSize(answer: GetObjectCommandOutput): number {
  const total = /\/(\d+)$/.exec(answer.ContentRange ?? '')
  return total ? Number(total[1]) : (answer.ContentLength ?? 0)
}
