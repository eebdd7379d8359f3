import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client
} from '@aws-sdk/client-s3'
import { BufferPool } from '../buffer-pool.ts'
import { formatBytes } from '../bytes.ts'
import { UserError } from '../errors.ts'
import { s3 } from '../limits.ts'

// An upload of a body of unknown length, copied chunk by chunk into a few part buffers that are used again and
// again. lib-storage's Upload keeps every chunk it is given until its part is complete, then concatenates them
// into a new part: for a 228 MiB ZIP, 3,600 chunks and 46 parts of new memory, which V8 frees late, and its
// concatenation alone took 0.22 s of the main thread (docs/artifacts.md#speed). Here the maker of a chunk may use
// its memory again as soon as it is copied, and a part buffer goes back to the pool once S3 has the part, so an
// upload holds PART_BUFFERS parts whatever the artifact's size. The SDK signs, checksums and retries each
// request as before: a part is a buffer, so a retry sends it again.

/** S3's smallest part: the fewest bytes held, and as fast as larger ones on the bench. */
const PART_BYTES = s3.minPartBytes
/** Parts sent or being filled at once; up to all of them are in flight while the next waits for a buffer. */
const PART_BUFFERS = 5

/** What every request about the object carries: where it goes and how it is stored. */
export interface ObjectParams {
  Bucket: string
  Key: string
  ContentType: string
  ServerSideEncryption: 'aws:kms'
  SSEKMSKeyId?: string
}

export interface Uploaded {
  etag: string | undefined
  /** Whether the metadata went up with the object: a body of one part is sent in one PutObject, once known. */
  withMetadata: boolean
}

export interface PartOptions {
  /** Most parts an upload may have: S3's 10,000 (tests set fewer). */
  maxParts?: number
}

/**
 * Uploads `chunks` (each read only until the next is asked for) as one object: one PutObject carrying
 * `metadata()` when they fit in a part, otherwise a multipart upload that is aborted if anything fails. Each part
 * is checksummed with CRC32, which S3 checks, and the ETag of the object is returned.
 */
export async function uploadInParts(
  client: S3Client,
  params: ObjectParams,
  chunks: AsyncIterable<Uint8Array>,
  metadata: () => Record<string, string>,
  options: PartOptions = {}
): Promise<Uploaded> {
  const pool = new BufferPool(PART_BYTES, PART_BUFFERS)
  const upload = new MultipartUpload(client, params, pool, options.maxParts ?? s3.maxParts)
  let part = await pool.take()
  let filled = 0
  try {
    for await (const chunk of chunks) {
      for (let at = 0; at < chunk.length;) {
        if (upload.failure) throw upload.failure // no part is sent once one has failed
        // A full part is sent only once more bytes come: a body of exactly one part stays one PutObject.
        if (filled === PART_BYTES) {
          upload.send(part, filled)
          part = await pool.take()
          filled = 0
        }
        const copied = Math.min(chunk.length - at, PART_BYTES - filled)
        part.set(chunk.subarray(at, at + copied), filled)
        filled += copied
        at += copied
      }
    }
    if (!upload.started) {
      const put = await client.send(
        new PutObjectCommand({
          ...params,
          Body: part.subarray(0, filled),
          ChecksumAlgorithm: 'CRC32',
          Metadata: metadata()
        })
      )
      return { etag: put.ETag, withMetadata: true }
    }
    if (upload.failure) throw upload.failure
    upload.send(part, filled)
    return { etag: await upload.complete(), withMetadata: false }
  } catch (error) {
    await upload.abort()
    throw error
  }
}

class MultipartUpload {
  private uploadId: Promise<string> | undefined
  private readonly parts: Promise<CompletedPart>[] = []
  /** The first part (or creation) that failed; the chunks stop at the next one. */
  failure: unknown
  private readonly client: S3Client
  private readonly params: ObjectParams
  private readonly pool: BufferPool
  private readonly maxParts: number

  constructor(client: S3Client, params: ObjectParams, pool: BufferPool, maxParts: number) {
    this.client = client
    this.params = params
    this.pool = pool
    this.maxParts = maxParts
  }

  get started(): boolean {
    return this.uploadId !== undefined
  }

  /** Starts sending `length` bytes of `buffer` as the next part; the buffer returns to the pool once it settles. */
  send(buffer: Buffer, length: number): void {
    const PartNumber = this.parts.length + 1
    if (PartNumber > this.maxParts) {
      throw new UserError(
        `it is larger than the ${formatBytes(this.maxParts * PART_BYTES)} one S3 upload takes in ` +
          `${this.maxParts} parts of ${formatBytes(PART_BYTES)}; split it into several output artifacts.`
      )
    }
    const { Bucket, Key } = this.params
    this.uploadId ??= this.client
      .send(new CreateMultipartUploadCommand({ ...this.params, ChecksumAlgorithm: 'CRC32' }))
      .then(({ UploadId }) => UploadId ?? Promise.reject(new Error('S3 started an upload with no UploadId')))
    const part = this.uploadId
      .then(UploadId =>
        this.client.send(
          new UploadPartCommand({
            Bucket,
            Key,
            UploadId,
            PartNumber,
            Body: buffer.subarray(0, length),
            ChecksumAlgorithm: 'CRC32'
          })
        )
      )
      .then(
        ({ ETag, ChecksumCRC32 }) => ({ PartNumber, ETag, ChecksumCRC32 }),
        (error: unknown) => {
          this.failure ??= error // before the buffer goes back, so whoever takes it sees the failure
          throw error
        }
      )
      .finally(() => this.pool.give(buffer))
    part.catch(() => undefined) // awaited by complete() or abort()
    this.parts.push(part)
  }

  async complete(): Promise<string | undefined> {
    const [UploadId, Parts] = await Promise.all([this.uploadId, Promise.all(this.parts)])
    const done = await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.params.Bucket,
        Key: this.params.Key,
        UploadId,
        MultipartUpload: { Parts }
      })
    )
    return done.ETag
  }

  /** Once every part in flight has settled, so none lands after: S3 then drops the parts it kept. */
  async abort(): Promise<void> {
    if (!this.uploadId) return
    await Promise.allSettled(this.parts)
    const UploadId = await this.uploadId.catch(() => undefined)
    if (!UploadId) return
    const { Bucket, Key } = this.params
    // The failure that got here is what the user must read; parts a failed abort leaves are for the bucket's
    // lifecycle rule (AbortIncompleteMultipartUpload) to clear.
    await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined)
  }
}
