// The ranged download on its own, against a fake GetObject serving a buffer: what it asks S3 for and in which
// order, what a reader waiting for bytes gets, and what a failed or stopped download leaves.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { RANGE_BYTES, startRangedDownload, type GetRange } from '../../src/aws/ranged-download.ts'

let temp: string
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'ranged-download-'))
})
afterEach(() => rm(temp, { recursive: true, force: true }))

interface Asked {
  start: number
  end: number
  etag?: string
  signal: AbortSignal
}

/** A GetObject of `object` that honours Range, answers in the order asked, and records what it was asked. */
function s3Of(object: Buffer, options: { fail?: (asked: Asked) => Error | undefined; short?: number } = {}) {
  const asked: Asked[] = []
  const get: GetRange = async (start, end, etag, signal) => {
    const request = { start, end, signal, ...(etag ? { etag } : {}) }
    asked.push(request)
    const failure = options.fail?.(request)
    if (failure) throw failure
    const last = Math.min(end, object.length - 1)
    const body = object.subarray(start, last + 1 - (options.short === start ? 1 : 0))
    return {
      Body: Readable.from([body]),
      ContentRange: `bytes ${start}-${last}/${object.length}`,
      ContentLength: body.length,
      ETag: '"v1"',
      Metadata: { sha256: 'recorded' },
      $metadata: {}
    } as unknown as GetObjectCommandOutput
  }
  return { get, asked }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('startRangedDownload', () => {
  it("fetches the first range, then the last (a ZIP's central directory), then the rest in order, pinned to the first ETag", async () => {
    const object = randomBytes(4 * RANGE_BYTES + 100)
    const { get, asked } = s3Of(object)
    const file = join(temp, 'object.zip')
    const download = await startRangedDownload(get, file)
    expect(download.size).toBe(object.length)
    expect(download.metadata).toEqual({ sha256: 'recorded' })
    expect(await download.done).toBe(sha256(object))
    await download.close()
    expect(asked.map(a => [a.start / RANGE_BYTES, a.etag])).toEqual([
      [0, undefined],
      [4, '"v1"'],
      [1, '"v1"'],
      [2, '"v1"'],
      [3, '"v1"']
    ])
    expect(asked[1]).toMatchObject({ start: 4 * RANGE_BYTES, end: object.length - 1 })
    expect((await readFile(file)).equals(object)).toBe(true)
  })

  it('moves the ranges a reader waits for ahead of the others, and lets it read them', async () => {
    const object = randomBytes(16 * RANGE_BYTES)
    const { get, asked } = s3Of(object)
    const download = await startRangedDownload(get, join(temp, 'object.zip'))
    const at = 12 * RANGE_BYTES + 5
    await download.arrived(at, at + 16)
    const read = Buffer.alloc(16)
    expect(await download.read(read, at)).toBe(16)
    expect(read.equals(object.subarray(at, at + 16))).toBe(true)
    await download.done
    await download.close()
    // Eight ranges were already on their way (0, the last, 1 to 6); range 12 went next, before 7.
    expect(asked.map(a => a.start / RANGE_BYTES).slice(0, 9)).toEqual([0, 15, 1, 2, 3, 4, 5, 6, 12])
    expect(asked).toHaveLength(16)
  })

  it('takes an object sent whole by a store that ignores Range as one range', async () => {
    const object = randomBytes(RANGE_BYTES + 3)
    const asked: number[] = []
    const get: GetRange = async start => {
      asked.push(start)
      return {
        Body: Readable.from([object]),
        ContentLength: object.length,
        $metadata: {}
      } as unknown as GetObjectCommandOutput
    }
    const download = await startRangedDownload(get, join(temp, 'object.zip'))
    expect(download.size).toBe(object.length)
    expect(await download.done).toBe(sha256(object))
    await download.close()
    expect(asked).toEqual([0])
  })

  it('an empty object (S3 answers no range) is zero bytes with the SHA-256 of nothing', async () => {
    const download = await startRangedDownload(async () => undefined, join(temp, 'object.zip'))
    expect(download.size).toBe(0)
    expect(await download.done).toBe(sha256(Buffer.alloc(0)))
    await download.close()
  })

  it('a failed range fails the readers and the download with its error, aborts the others, and starts no more', async () => {
    const object = randomBytes(10 * RANGE_BYTES)
    const refused = new Error('PreconditionFailed')
    const { get, asked } = s3Of(object, { fail: a => (a.start === 2 * RANGE_BYTES ? refused : undefined) })
    const download = await startRangedDownload(get, join(temp, 'object.zip'))
    await expect(download.arrived(5 * RANGE_BYTES, 5 * RANGE_BYTES + 1)).rejects.toBe(refused)
    await expect(download.done).rejects.toBe(refused)
    await download.close()
    expect(asked.every(a => a.signal.aborted)).toBe(true)
    expect(asked.length).toBeLessThan(10)
  })

  it('a range that comes short is an error naming what was missing', async () => {
    const object = randomBytes(2 * RANGE_BYTES)
    const { get } = s3Of(object, { short: RANGE_BYTES })
    const download = await startRangedDownload(get, join(temp, 'object.zip'))
    await expect(download.done).rejects.toThrow(
      `S3 sent ${RANGE_BYTES - 1} bytes of the ${RANGE_BYTES} asked for at ${RANGE_BYTES}`
    )
    await download.close()
  })

  it('close() before the end stops the download: no range is started after it, the readers are told', async () => {
    const object = randomBytes(20 * RANGE_BYTES)
    const { get, asked } = s3Of(object)
    const download = await startRangedDownload(get, join(temp, 'object.zip'))
    const reader = expect(download.arrived(18 * RANGE_BYTES, 18 * RANGE_BYTES + 1)).rejects.toThrow(
      'the download was stopped'
    )
    await download.close()
    const started = asked.length
    expect(started).toBeLessThan(20)
    await reader
    await expect(download.done).rejects.toThrow('the download was stopped')
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(asked).toHaveLength(started)
  })
})
