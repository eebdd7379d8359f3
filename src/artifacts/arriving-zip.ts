import { Readable } from 'node:stream'
import { RandomAccessReader } from 'yauzl'
import type { ArrivingFile } from '../aws/ranged-download.ts'

// yauzl reading a ZIP that is still downloading: each read waits for the bytes it needs (whose ranges the
// download then fetches first), so entries are extracted while the rest of the object arrives. A download that
// fails fails the reads; extractZip then reports the download's own failure (its ArrivingSource's `complete`).

/** What one read takes from the file at a time: a few of these per entry being written stay in memory. */
const READ_BYTES = 256 * 1024

export class ArrivingZip extends RandomAccessReader {
  private readonly file: ArrivingFile

  constructor(file: ArrivingFile) {
    super()
    this.file = file
  }

  _readStreamForRange(start: number, end: number): Readable {
    const { file } = this
    let at = start
    return new Readable({
      highWaterMark: READ_BYTES,
      read() {
        if (at >= end) return void this.push(null)
        const from = at
        const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, end - from))
        at += buffer.length
        file
          .arrived(from, from + buffer.length)
          .then(() => file.read(buffer, from))
          .then(bytes => {
            if (bytes !== buffer.length) throw new Error(`the downloaded file ends at ${from + bytes}`)
            this.push(buffer)
          })
          .catch((error: unknown) => this.destroy(error as Error))
      }
    })
  }
}
