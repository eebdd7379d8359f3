import type { GetObjectCommandOutput } from '@aws-sdk/client-s3'
import { createHash, type Hash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import type { Readable } from 'node:stream'

// An object downloaded into a file in ranges (S3's Range header), several at once, each written at its place as
// it streams in: memory holds what is in flight on the sockets, whatever the object's size. The SHA-256 follows
// in order, reading each range back from the file (the page cache has it) while the next ones still come. (On a
// worker thread the hashing cost more memory, an isolate's worth, for no time the bench could measure.)

/** 8 MiB ranges, as the AWS CLI's parts; four at once keep several connections busy. */
export const RANGE_BYTES = 8 * 1024 * 1024
const RANGES_AHEAD = 4
const HASH_CHUNK = 1024 * 1024

/** One ranged GetObject (end inclusive); `etag` asks that the object still be the one of the first range. */
export type GetRange = (
  start: number,
  end: number,
  etag?: string
) => Promise<GetObjectCommandOutput | undefined>

export interface RangedDownload {
  bytes: number
  /** SHA-256 of the bytes written, lowercase hex. */
  sha256: string
  /** The object's user metadata, from the first answer. */
  metadata: Record<string, string>
}

interface Range {
  start: number
  end: number
}

/**
 * Downloads through `get` into `file`. The first range tells the object's size and ETag; every later range asks
 * for that ETag, so an object replaced meanwhile fails (412) instead of mixing two versions. `get` answers
 * undefined for an empty object (S3's 416 to a range of nothing).
 */
export async function downloadInRanges(get: GetRange, file: string): Promise<RangedDownload> {
  const out = await open(file, 'w+')
  try {
    const first = await get(0, RANGE_BYTES - 1)
    const size = first ? totalSize(first) : 0
    // A store that ignores Range (some S3-compatible ones) sent it whole: one range, then.
    const step = first?.ContentRange ? RANGE_BYTES : size
    const ranges: Range[] = []
    for (let start = 0; start < size; start += step)
      ranges.push({ start, end: Math.min(size, start + step) - 1 })
    const digest = createHash('sha256')
    const buffer = Buffer.allocUnsafe(HASH_CHUNK)
    const writes: Promise<void>[] = []
    const begin = (range: Range) => {
      const answer = writes.length === 0 ? Promise.resolve(first) : get(range.start, range.end, first?.ETag)
      const write = answer.then(body => writeAt(out, body, range))
      write.catch(() => undefined) // awaited in its turn; until then its failure must not go unhandled
      writes.push(write)
    }
    for (const [index, range] of ranges.entries()) {
      while (writes.length < Math.min(ranges.length, index + RANGES_AHEAD)) begin(ranges[writes.length])
      await writes[index]
      await hashRange(out, range, digest, buffer)
    }
    return { bytes: size, sha256: digest.digest('hex'), metadata: first?.Metadata ?? {} }
  } finally {
    await out.close()
  }
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

async function hashRange(out: FileHandle, range: Range, digest: Hash, buffer: Buffer): Promise<void> {
  for (let at = range.start; at <= range.end;) {
    const { bytesRead } = await out.read(buffer, 0, Math.min(buffer.length, range.end + 1 - at), at)
    if (!bytesRead) throw new Error(`the downloaded file ends at ${at}, before ${range.end + 1}`)
    digest.update(buffer.subarray(0, bytesRead))
    at += bytesRead
  }
}

/** The object's size from a ranged answer (`bytes 0-8388607/123456789`), or its length if S3 sent it whole. */
function totalSize(answer: GetObjectCommandOutput): number {
  const total = /\/(\d+)$/.exec(answer.ContentRange ?? '')
  return total ? Number(total[1]) : (answer.ContentLength ?? 0)
}
