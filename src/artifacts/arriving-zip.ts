import type { FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { RandomAccessReader } from 'yauzl'
import type { ArrivingFile } from '../aws/ranged-download.ts'

// yauzl reading a ZIP that is still downloading: each read waits for the bytes it needs (whose ranges the
// download then fetches first), so entries are extracted while the rest of the object arrives. A download that
// fails fails the reads; extractZip then reports the download's own failure (its ArrivingSource's `complete`).

/** What one read takes from the file at a time: a few of these per entry being inflated stay in memory. */
const READ_BYTES = 256 * 1024

/** The bytes of a ZIP, arriving (a download) or all there (a file on disk). */
export type ZipBytes = Pick<ArrivingFile, 'arrived' | 'read'>

export class ArrivingZip extends RandomAccessReader {
  private readonly file: ZipBytes

  constructor(file: ZipBytes) {
    super()
    this.file = file
  }

  /**
   * Copies bytes [start, end) into `out` as they arrive, through `buffer`. Stored entries (most of the bytes in
   * an artifact: what does not compress) take this way: one buffer reused, instead of a new one per read that
   * only the garbage collector frees, which measured 0.3 s of the download of 228 MiB.
   */
  async copy(start: number, end: number, out: FileHandle, buffer: Buffer): Promise<void> {
    for (let at = start; at < end;) {
      const part = await this.fill(buffer.subarray(0, Math.min(buffer.length, end - at)), at)
      for (let written = 0; written < part.length;)
        written += (await out.write(part, written, part.length - written)).bytesWritten
      at += part.length
    }
  }

  /** Fills `buffer` with the bytes at `position`, once they have arrived. */
  private async fill(buffer: Buffer, position: number): Promise<Buffer> {
    await this.file.arrived(position, position + buffer.length)
    const bytes = await this.file.read(buffer, position)
    if (bytes !== buffer.length) throw new Error(`the ZIP file ends at ${position + bytes}`)
    return buffer
  }

  _readStreamForRange(start: number, end: number): Readable {
    const fill = (buffer: Buffer, position: number) => this.fill(buffer, position)
    let at = start
    return new Readable({
      highWaterMark: READ_BYTES,
      read() {
        if (at >= end) return void this.push(null)
        const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, end - at))
        fill(buffer, at)
          .then(filled => this.push(filled))
          .catch((error: unknown) => this.destroy(error as Error))
        at += buffer.length
      }
    })
  }
}

/** A ZIP already on disk, read through `handle`. */
export function zipOnDisk(handle: FileHandle): ArrivingZip {
  return new ArrivingZip({
    arrived: () => Promise.resolve(),
    read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead
  })
}
