// The upload of a body of unknown length against the emulator's S3: what S3 receives when the maker of the
// chunks uses its memory again, where parts begin and end, and what a failure leaves behind.
import { describe, expect, it } from '@jest/globals'
import { S3Client } from '@aws-sdk/client-s3'
import { createHash, randomBytes } from 'node:crypto'
import { createClient } from '../../src/aws/clients.ts'
import { uploadInParts, type ObjectParams } from '../../src/aws/part-upload.ts'
import { UserError } from '../../src/errors.ts'
import type { Emulator, Job } from '../../emulator/index.ts'
import { settings, useEmulator } from './fixtures.ts'

const MiB = 1024 * 1024
const { emulator } = useEmulator()

async function target(emu: Emulator): Promise<{ job: Job; client: S3Client; params: ObjectParams }> {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const client = await createClient(S3Client, settings(emu, { maxAttempts: 2 }), {
    credentials: job.data.artifactCredentials,
    serviceConfig: { forcePathStyle: true }
  })
  const { bucketName, objectKey } = job.data.outputArtifacts[0].location.s3Location
  return {
    job,
    client,
    params: {
      Bucket: bucketName,
      Key: objectKey,
      ContentType: 'application/zip',
      ServerSideEncryption: 'aws:kms'
    }
  }
}

/**
 * `data` in pieces of `piece` bytes, each written into the same buffer, which is overwritten with zeros when the
 * next is asked for: what reaches S3 is right only if every piece was copied in its turn. `pulled` counts them.
 */
function reusing(data: Buffer, piece: number, failAfter = Infinity) {
  const state = { pulled: 0, closed: false }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const buffer = Buffer.alloc(piece)
    try {
      for (let at = 0; at < data.length; at += piece) {
        if (state.pulled === failAfter) throw new Error('the build output changed')
        const length = data.copy(buffer, 0, at, at + piece)
        state.pulled += 1
        yield buffer.subarray(0, length)
        buffer.fill(0)
      }
    } finally {
      state.closed = true
    }
  }
  return { chunks: chunks(), state }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const uploads = (emu: Emulator) =>
  emu.s3.requests.filter(r => r.operation === 'UploadPart').map(r => [r.bytes, r.upload?.checksum?.algorithm])

describe('uploadInParts', () => {
  it('sends a body larger than a part as 5 MiB parts and the rest, each copied before the next piece is made', async () => {
    const emu = emulator()
    const { job, client, params } = await target(emu)
    const data = randomBytes(12 * MiB + 12345)
    const { chunks, state } = reusing(data, 300_007) // pieces that straddle the parts' edges
    let askedForMetadata = false
    const uploaded = await uploadInParts(client, params, chunks, () => {
      askedForMetadata = true
      return {}
    })
    const stored = emu.artifacts.output(job.id, 'BuildOutput')
    expect(sha256(await emu.artifacts.outputBytes(job.id, 'BuildOutput'))).toBe(sha256(data))
    expect(uploaded).toEqual({ etag: stored?.etag, withMetadata: false })
    expect(askedForMetadata).toBe(false) // a multipart upload's metadata is set at its start: it is not known then
    expect(uploads(emu)).toEqual([
      [5 * MiB, 'CRC32'],
      [5 * MiB, 'CRC32'],
      [2 * MiB + 12345, 'CRC32']
    ])
    expect(stored?.sse).toEqual({ serverSideEncryption: 'aws:kms' })
    expect(state.closed).toBe(true)
    client.destroy()
  })

  it('sends a body of exactly one part as one PutObject carrying the metadata asked for once it is complete', async () => {
    const emu = emulator()
    const { job, client, params } = await target(emu)
    const data = randomBytes(5 * MiB)
    const { chunks } = reusing(data, 64 * 1024)
    const uploaded = await uploadInParts(client, params, chunks, () => ({ sha256: sha256(data) }))
    expect(emu.s3.requests.map(r => r.operation)).toEqual(['PutObject'])
    const stored = emu.artifacts.output(job.id, 'BuildOutput')
    expect(stored?.metadata).toEqual({ sha256: sha256(data) })
    expect(uploaded).toEqual({ etag: stored?.etag, withMetadata: true })
    expect((await emu.artifacts.outputBytes(job.id, 'BuildOutput')).equals(data)).toBe(true)
    client.destroy()
  })

  it('aborts the upload when the chunks fail, and passes their error on', async () => {
    const emu = emulator()
    const { job, client, params } = await target(emu)
    const { chunks, state } = reusing(randomBytes(16 * MiB), MiB, 12)
    await expect(uploadInParts(client, params, chunks, () => ({}))).rejects.toThrow(
      'the build output changed'
    )
    expect(emu.s3.requests.map(r => r.operation)).toEqual([
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPart',
      'AbortMultipartUpload'
    ])
    expect(emu.s3.openUploads()).toEqual([])
    expect(emu.artifacts.output(job.id, 'BuildOutput')).toBeUndefined()
    expect(state.closed).toBe(true)
    client.destroy()
  })

  it('stops taking chunks once a part has failed for good, and aborts after the parts in flight settle', async () => {
    const emu = emulator()
    const { job, client, params } = await target(emu)
    emu.faults.add({ service: 's3', operation: 'UploadPart', kind: 'server-error', times: 1000 })
    const { chunks, state } = reusing(randomBytes(200 * MiB), MiB)
    await expect(uploadInParts(client, params, chunks, () => ({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 }
    })
    // At most the parts in flight and the one being filled were read: far from the 200 MiB on offer.
    expect(state.pulled).toBeLessThanOrEqual(6 * 5)
    expect(state.closed).toBe(true)
    const operations = emu.s3.requests.map(r => r.operation)
    expect(operations.at(-1)).toBe('AbortMultipartUpload')
    expect(operations.filter(o => o === 'AbortMultipartUpload')).toHaveLength(1)
    expect(emu.s3.openUploads()).toEqual([])
    expect(emu.artifacts.output(job.id, 'BuildOutput')).toBeUndefined()
    client.destroy()
  })

  it('refuses a body beyond the parts S3 allows, naming the limit, and aborts what it sent', async () => {
    const emu = emulator()
    const { client, params } = await target(emu)
    const { chunks, state } = reusing(randomBytes(11 * MiB), MiB)
    const refused = uploadInParts(client, params, chunks, () => ({}), { maxParts: 2 })
    await expect(refused).rejects.toThrow(UserError)
    await expect(refused).rejects.toThrow(
      'it is larger than the 10.0 MiB one S3 upload takes in 2 parts of 5.0 MiB; split it into several output artifacts.'
    )
    expect(uploads(emu)).toHaveLength(2)
    expect(emu.s3.openUploads()).toEqual([])
    expect(state.closed).toBe(true)
    client.destroy()
  })
})
