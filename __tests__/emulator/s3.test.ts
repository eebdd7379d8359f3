// The artifact store seen through the clients a job worker uses: @aws-sdk/client-s3 and @aws-sdk/lib-storage.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { Readable } from 'node:stream'
import { GetJobDetailsCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand
} from '@aws-sdk/client-s3'
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts'
import { Upload } from '@aws-sdk/lib-storage'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator, Job } from '../../emulator/index.ts'
import { unzip, zipFiles } from '../../emulator/s3-artifacts.ts'
import { STATIC, codepipeline, sts } from './clients.ts'
import type { AwsCredentials } from './clients.ts'

const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'
const MiB = 1024 * 1024

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator()
})
afterEach(() => emu.close())

function s3(credentials: AwsCredentials, extra: { maxAttempts?: number; region?: string } = {}): S3Client {
  return new S3Client({
    region: extra.region ?? emu.region,
    endpoint: emu.env.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    credentials,
    maxAttempts: extra.maxAttempts ?? 3
  })
}

function clientFor(job: Job, extra: { maxAttempts?: number } = {}): S3Client {
  return s3(job.data.artifactCredentials, extra)
}

function where(job: Job, name: string): { Bucket: string; Key: string } {
  const a = [...job.data.inputArtifacts, ...job.data.outputArtifacts].find(x => x.name === name)
  if (!a) throw new Error(`no artifact ${name}`)
  return { Bucket: a.location.s3Location.bucketName, Key: a.location.s3Location.objectKey }
}

async function s3Error(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(S3ServiceException)
    return e as S3ServiceException
  }
  throw new Error('expected an S3 error')
}

function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex')
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** `total` bytes of a repeating pattern, in chunks of `chunk` bytes, from a generator (a stream of unknown length). */
function pattern(total: number, chunk = 256 * 1024): { stream: () => Readable; sha256: string } {
  const make = function* (): Generator<Buffer> {
    for (let sent = 0; sent < total; sent += chunk) {
      const n = Math.min(chunk, total - sent)
      yield Buffer.alloc(n, (sent / chunk) % 251)
    }
  }
  const hash = createHash('sha256')
  for (const b of make()) hash.update(b)
  return { stream: () => Readable.from(make()), sha256: hash.digest('hex') }
}

async function reporterCredentials(): Promise<AwsCredentials> {
  const role = 'arn:aws:iam::123456789012:role/github-codepipeline'
  emu.sts.addRole({ arn: role })
  const out = await sts(emu).send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: role,
      RoleSessionName: 'reporter',
      WebIdentityToken: emu.oidc.issue('sts.amazonaws.com')
    })
  )
  const c = out.Credentials!
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken }
}

describe('jobs with artifacts', () => {
  it('hand out the JobData shapes CodePipeline does: artifacts, locations, credentials, encryption key', async () => {
    emu.sts.addStaticCredentials(STATIC)
    const job = await emu.artifacts.addJob({
      pipelineName: 'my-pipeline',
      inputArtifacts: [{ name: 'SourceArtifact', files: { 'README.md': '# hi\n' }, revision: 'abc123' }],
      outputArtifacts: ['BuildArtifact'],
      encryptionKey: { id: KMS_KEY }
    })
    const out = await codepipeline(emu).send(new GetJobDetailsCommand({ jobId: job.id }))
    const data = out.jobDetails?.data
    const bucket = `codepipeline-${emu.region}-123456789012`
    expect(data?.inputArtifacts).toEqual([
      {
        name: 'SourceArtifact',
        revision: 'abc123',
        location: {
          type: 'S3',
          s3Location: {
            bucketName: bucket,
            objectKey: expect.stringMatching(/^my-pipeline\/SourceArti\/\w{7}$/)
          }
        }
      }
    ])
    expect(data?.outputArtifacts).toEqual([
      {
        name: 'BuildArtifact',
        location: {
          type: 'S3',
          s3Location: {
            bucketName: bucket,
            objectKey: expect.stringMatching(/^my-pipeline\/BuildArtif\/\w{7}$/)
          }
        }
      }
    ])
    expect(data?.encryptionKey).toEqual({ id: KMS_KEY, type: 'KMS' })
    expect(data?.artifactCredentials).toEqual(job.data.artifactCredentials)
    const other = emu.codepipeline.addJob()
    expect(other.data.artifactCredentials.accessKeyId).not.toBe(job.data.artifactCredentials.accessKeyId)
    expect(other.data.encryptionKey).toBeUndefined()
  })

  it('input artifacts are ZIP files the job can download with its artifact credentials', async () => {
    const job = await emu.artifacts.addJob({
      inputArtifacts: [
        {
          name: 'SourceArtifact',
          files: { 'src/app.js': 'console.log(1)\n', 'buildspec.yml': 'version: 0.2\n' }
        },
        { name: 'Config', zip: await zipFiles({ 'config.json': '{"a":1}' }) }
      ],
      encryptionKey: { id: KMS_KEY }
    })
    const client = clientFor(job)
    const got = await client.send(new GetObjectCommand(where(job, 'SourceArtifact')))
    const files = await unzip(await got.Body!.transformToByteArray())
    expect(Object.keys(files).sort()).toEqual(['buildspec.yml', 'src/app.js'])
    expect(files['src/app.js'].toString()).toBe('console.log(1)\n')
    // CodePipeline stored it with SSE-KMS under the pipeline's key, and S3 says so.
    expect(got.ServerSideEncryption).toBe('aws:kms')
    expect(got.SSEKMSKeyId).toBe(KMS_KEY)
    const config = await client.send(new GetObjectCommand(where(job, 'Config')))
    expect((await unzip(await config.Body!.transformToByteArray()))['config.json'].toString()).toBe('{"a":1}')
  })

  it('continuing a job gives the follow-up job credentials of its own', async () => {
    emu.sts.addStaticCredentials(STATIC)
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    await codepipeline(emu).send(new PutJobSuccessResultCommand({ jobId: job.id, continuationToken: 't' }))
    const next = emu.codepipeline.jobs.find(j => j.previousJobId === job.id)!
    expect(next.data.outputArtifacts).toEqual(job.data.outputArtifacts)
    expect(next.data.artifactCredentials.accessKeyId).not.toBe(job.data.artifactCredentials.accessKeyId)
    await clientFor(next).send(new PutObjectCommand({ ...where(next, 'BuildArtifact'), Body: 'x' }))
    expect(emu.artifacts.output(next.id, 'BuildArtifact')?.uploadedBy?.jobId).toBe(next.id)
  })
})

describe('PutObject, GetObject and HeadObject through @aws-sdk/client-s3', () => {
  it('stores an upload with its SSE-KMS headers and gives it back, bytes and headers, as S3 does', async () => {
    const job = await emu.artifacts.addJob({
      outputArtifacts: ['BuildArtifact'],
      encryptionKey: { id: KMS_KEY }
    })
    const zip = await zipFiles({ 'imagedefinitions.json': '[{"name":"app","imageUri":"repo:1"}]' })
    const client = clientFor(job)
    const put = await client.send(
      new PutObjectCommand({
        ...where(job, 'BuildArtifact'),
        Body: zip,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY
      })
    )
    expect(put.ETag).toBe(`"${md5(zip)}"`)
    expect(put.ServerSideEncryption).toBe('aws:kms')
    expect(put.SSEKMSKeyId).toBe(KMS_KEY)

    const stored = emu.artifacts.output(job.id, 'BuildArtifact')
    expect(stored).toMatchObject({
      size: zip.length,
      sse: { serverSideEncryption: 'aws:kms', kmsKeyId: KMS_KEY },
      uploadedBy: { accessKeyId: job.data.artifactCredentials.accessKeyId, jobId: job.id }
    })
    expect(await emu.artifacts.outputBytes(job.id, 'BuildArtifact')).toEqual(zip)
    expect(Object.keys(await emu.artifacts.outputFiles(job.id, 'BuildArtifact'))).toEqual([
      'imagedefinitions.json'
    ])

    const got = await client.send(new GetObjectCommand(where(job, 'BuildArtifact')))
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(zip)
    expect(got).toMatchObject({
      ContentLength: zip.length,
      ETag: put.ETag,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
      // the SDK asked for the checksum and verified the body against it
      ChecksumCRC32: expect.any(String)
    })
    const head = await client.send(new HeadObjectCommand(where(job, 'BuildArtifact')))
    expect(head).toMatchObject({
      ContentLength: zip.length,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY
    })

    // x-amz-request-id carries the id the emulator logged, and the log names the job whose credentials signed.
    const logged = emu.s3.requests.map(r => [r.operation, r.status, r.jobId, r.requestId])
    expect(logged).toEqual([
      ['PutObject', 200, job.id, put.$metadata.requestId],
      ['GetObject', 200, job.id, got.$metadata.requestId],
      ['HeadObject', 200, job.id, head.$metadata.requestId]
    ])
    expect(emu.requests.filter(r => r.service === 's3')).toHaveLength(3)
  })

  it('without SSE headers an object is reported as AES256, the bucket default, and recorded as sent', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const client = clientFor(job)
    await client.send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'plain' }))
    expect(emu.artifacts.output(job.id, 'BuildArtifact')?.sse).toEqual({})
    const head = await client.send(new HeadObjectCommand(where(job, 'BuildArtifact')))
    expect(head.ServerSideEncryption).toBe('AES256')
    expect(head.SSEKMSKeyId).toBeUndefined()
  })

  it('decodes a streamed upload sent aws-chunked with a trailing CRC32 checksum', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const data = pattern(300 * 1024, 64 * 1024)
    await clientFor(job).send(
      new PutObjectCommand({
        ...where(job, 'BuildArtifact'),
        Body: data.stream(),
        ContentLength: 300 * 1024,
        ServerSideEncryption: 'aws:kms'
      })
    )
    const put = emu.s3.requests[0]
    expect(put.headers['content-encoding']).toBe('aws-chunked')
    expect(put.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER')
    expect(put.upload?.chunked?.trailers).toHaveProperty('x-amz-checksum-crc32')
    expect(put.upload?.checksum).toMatchObject({ algorithm: 'CRC32', location: 'trailer' })
    const stored = await emu.artifacts.outputBytes(job.id, 'BuildArtifact')
    expect(stored.length).toBe(300 * 1024)
    expect(sha256(stored)).toBe(data.sha256)
    // the aws-chunked framing is not part of the object
    expect(emu.artifacts.output(job.id, 'BuildArtifact')?.contentEncoding).toBeUndefined()
  })

  it.each(['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)(
    'verifies a %s checksum on upload and returns it for the SDK to verify on download',
    async algorithm => {
      const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
      const client = clientFor(job)
      const body = Buffer.from('123456789'.repeat(1000))
      await client.send(
        new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: body, ChecksumAlgorithm: algorithm })
      )
      expect(emu.artifacts.output(job.id, 'BuildArtifact')?.checksum?.algorithm).toBe(algorithm)
      const got = await client.send(
        new GetObjectCommand({ ...where(job, 'BuildArtifact'), ChecksumMode: 'ENABLED' })
      )
      expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body)
      expect(got[`Checksum${algorithm}`]).toBe(emu.artifacts.output(job.id, 'BuildArtifact')?.checksum?.value)
    }
  )

  it('refuses a body whose checksum does not match with BadDigest, and stores nothing', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const e = await s3Error(
      clientFor(job).send(
        new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'data', ChecksumCRC32: 'AAAAAA==' })
      )
    )
    expect(e.name).toBe('BadDigest')
    expect(e.$metadata.httpStatusCode).toBe(400)
    expect(emu.artifacts.output(job.id, 'BuildArtifact')).toBeUndefined()
  })

  it('serves byte ranges', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const client = clientFor(job)
    await client.send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: '0123456789' }))
    const got = await client.send(
      new GetObjectCommand({ ...where(job, 'BuildArtifact'), Range: 'bytes=2-5' })
    )
    expect(await got.Body!.transformToString()).toBe('2345')
    expect(got.ContentRange).toBe('bytes 2-5/10')
    const e = await s3Error(
      client.send(new GetObjectCommand({ ...where(job, 'BuildArtifact'), Range: 'bytes=20-' }))
    )
    expect(e.name).toBe('InvalidRange')
  })

  it('If-Match and CopySourceIfMatch: the version named, or 412 PreconditionFailed once it is replaced', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const client = clientFor(job)
    const at = where(job, 'BuildArtifact')
    const first = await client.send(new PutObjectCommand({ ...at, Body: 'first' }))
    const got = await client.send(new GetObjectCommand({ ...at, IfMatch: first.ETag, Range: 'bytes=0-2' }))
    expect(await got.Body!.transformToString()).toBe('fir')
    await client.send(new PutObjectCommand({ ...at, Body: 'second' }))
    const read = await s3Error(client.send(new GetObjectCommand({ ...at, IfMatch: first.ETag })))
    expect([read.name, read.$metadata.httpStatusCode]).toEqual(['PreconditionFailed', 412])
    const copy = await s3Error(
      client.send(
        new CopyObjectCommand({
          ...at,
          CopySource: `${at.Bucket}/${at.Key}`,
          CopySourceIfMatch: first.ETag,
          MetadataDirective: 'REPLACE',
          Metadata: { sha256: 'x' }
        })
      )
    )
    expect([copy.name, copy.$metadata.httpStatusCode]).toEqual(['PreconditionFailed', 412])
    expect(await (await client.send(new GetObjectCommand(at))).Body!.transformToString()).toBe('second')
  })

  it('answers NoSuchKey, NotFound (HEAD) and NoSuchBucket in S3 form, with the request id', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const client = clientFor(job)
    const missing = await s3Error(client.send(new GetObjectCommand(where(job, 'BuildArtifact'))))
    expect(missing.name).toBe('NoSuchKey')
    expect(missing.$metadata.httpStatusCode).toBe(404)
    expect(missing.$metadata.requestId).toBe(emu.s3.requests[0].requestId)
    expect(missing.message).toBe('The specified key does not exist.')
    const head = await s3Error(client.send(new HeadObjectCommand(where(job, 'BuildArtifact'))))
    expect(head.name).toBe('NotFound')
    expect(head.$metadata.httpStatusCode).toBe(404)
    const bucket = await s3Error(
      client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: where(job, 'BuildArtifact').Key }))
    )
    expect(bucket.name).toBe('NoSuchBucket')
  })
})

describe('multipart uploads through @aws-sdk/lib-storage', () => {
  it('uploads a stream larger than 5 MiB in parts, with SSE-KMS, and S3 puts the parts together', async () => {
    const job = await emu.artifacts.addJob({
      outputArtifacts: ['BuildArtifact'],
      encryptionKey: { id: KMS_KEY }
    })
    const data = pattern(12 * MiB)
    const upload = new Upload({
      client: clientFor(job),
      params: {
        ...where(job, 'BuildArtifact'),
        Body: data.stream(),
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY
      }
    })
    const done = await upload.done()
    const ops = emu.s3.requests.map(r => r.operation)
    expect(ops[0]).toBe('CreateMultipartUpload')
    expect(ops.filter(o => o === 'UploadPart')).toHaveLength(3)
    expect(ops[ops.length - 1]).toBe('CompleteMultipartUpload')
    expect(emu.s3.requests.every(r => r.status === 200)).toBe(true)
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-3"$/)

    const stored = emu.artifacts.output(job.id, 'BuildArtifact')
    expect(stored).toMatchObject({
      size: 12 * MiB,
      parts: 3,
      etag: done.ETag,
      sse: { serverSideEncryption: 'aws:kms', kmsKeyId: KMS_KEY },
      uploadedBy: { jobId: job.id }
    })
    expect(sha256(await emu.artifacts.outputBytes(job.id, 'BuildArtifact'))).toBe(data.sha256)
    expect(emu.s3.openUploads()).toEqual([])

    const head = await clientFor(job).send(new HeadObjectCommand(where(job, 'BuildArtifact')))
    expect(head).toMatchObject({
      ContentLength: 12 * MiB,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY
    })
  })

  it('a throttled part is retried by the SDK and the upload still completes', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    emu.faults.add({ service: 's3', operation: 'UploadPart', kind: 'throttle' })
    const data = pattern(6 * MiB)
    await new Upload({
      client: clientFor(job),
      params: { ...where(job, 'BuildArtifact'), Body: data.stream() }
    }).done()
    const parts = emu.s3.requests.filter(r => r.operation === 'UploadPart')
    expect(parts.map(p => [p.status, p.errorCode])).toEqual(
      expect.arrayContaining([
        [503, 'SlowDown'],
        [200, undefined],
        [200, undefined]
      ])
    )
    expect(parts).toHaveLength(3)
    expect(sha256(await emu.artifacts.outputBytes(job.id, 'BuildArtifact'))).toBe(data.sha256)
  })
})

describe('multipart uploads refused as S3 refuses them', () => {
  it('InvalidPart, InvalidPartOrder, EntityTooSmall, and NoSuchUpload once aborted', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const client = clientFor(job)
    const at = where(job, 'BuildArtifact')
    const { UploadId } = await client.send(new CreateMultipartUploadCommand(at))
    const part = (n: number, body: Buffer) =>
      client.send(new UploadPartCommand({ ...at, UploadId, PartNumber: n, Body: body }))
    const one = await part(1, Buffer.alloc(1024, 1))
    const two = await part(2, Buffer.alloc(1024, 2))
    const complete = (parts: Array<{ PartNumber: number; ETag?: string }>) =>
      s3Error(
        client.send(
          new CompleteMultipartUploadCommand({ ...at, UploadId, MultipartUpload: { Parts: parts } })
        )
      )
    expect((await complete([{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }])).name).toBe(
      'InvalidPart'
    )
    expect((await complete([{ PartNumber: 3, ETag: one.ETag }])).name).toBe('InvalidPart')
    expect(
      (
        await complete([
          { PartNumber: 2, ETag: two.ETag },
          { PartNumber: 1, ETag: one.ETag }
        ])
      ).name
    ).toBe('InvalidPartOrder')
    const small = await complete([
      { PartNumber: 1, ETag: one.ETag },
      { PartNumber: 2, ETag: two.ETag }
    ])
    expect(small.name).toBe('EntityTooSmall')
    expect(emu.s3.openUploads()).toEqual([
      expect.objectContaining({
        uploadId: UploadId,
        parts: [1, 2],
        initiatedBy: job.data.artifactCredentials.accessKeyId
      })
    ])
    await client.send(new AbortMultipartUploadCommand({ ...at, UploadId }))
    expect(emu.s3.openUploads()).toEqual([])
    const gone = await s3Error(part(3, Buffer.alloc(10)))
    expect(gone.name).toBe('NoSuchUpload')
    expect(gone.$metadata.httpStatusCode).toBe(404)
    expect(emu.artifacts.output(job.id, 'BuildArtifact')).toBeUndefined()
  })

  it('a part that keeps failing makes lib-storage give up and abort the upload, leaving nothing behind', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    emu.faults.add({ service: 's3', operation: 'UploadPart', kind: 'server-error', times: 100 })
    const upload = new Upload({
      client: clientFor(job, { maxAttempts: 1 }),
      params: { ...where(job, 'BuildArtifact'), Body: pattern(6 * MiB).stream() }
    })
    const e = await s3Error(upload.done())
    expect(e.name).toBe('InternalError')
    expect(emu.s3.requests.map(r => r.operation)).toContain('AbortMultipartUpload')
    expect(emu.s3.openUploads()).toEqual([])
    expect(emu.artifacts.output(job.id, 'BuildArtifact')).toBeUndefined()
  })

  it('operations the artifact store does not serve are 501 NotImplemented', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const e = await s3Error(clientFor(job).send(new DeleteObjectCommand(where(job, 'BuildArtifact'))))
    expect(e.name).toBe('NotImplemented')
    expect(e.$metadata.httpStatusCode).toBe(501)
  })
})

describe('only a job’s artifact credentials open the artifact store', () => {
  it('refuses the reporter role’s session credentials with AccessDenied and records it', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const reporter = await reporterCredentials()
    const e = await s3Error(
      s3(reporter).send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' }))
    )
    expect(e.name).toBe('AccessDenied')
    expect(e.$metadata.httpStatusCode).toBe(403)
    expect(e.message).toContain('assumed-role/github-codepipeline/reporter')
    expect(emu.artifacts.output(job.id, 'BuildArtifact')).toBeUndefined()
    expect(emu.s3.refusals).toEqual([
      expect.objectContaining({
        operation: 'PutObject',
        accessKeyId: reporter.accessKeyId,
        credentials: 'sts-session',
        principalArn: expect.stringContaining('assumed-role/github-codepipeline/reporter'),
        code: 'AccessDenied',
        status: 403
      })
    ])
    // what a test of the actions asserts: the reporter's keys never reached S3 successfully
    const issued = new Set(emu.sts.issued.map(c => c.accessKeyId))
    expect(emu.s3.requests.filter(r => issued.has(r.accessKeyId ?? '') && r.status < 300)).toEqual([])
  })

  it('refuses static keys (AccessDenied), unknown keys (InvalidAccessKeyId) and unsigned requests', async () => {
    emu.sts.addStaticCredentials(STATIC)
    const job = await emu.artifacts.addJob({
      inputArtifacts: [{ name: 'SourceArtifact', files: { a: 'a' } }]
    })
    const staticErr = await s3Error(s3(STATIC).send(new GetObjectCommand(where(job, 'SourceArtifact'))))
    expect(staticErr.name).toBe('AccessDenied')
    const unknown = await s3Error(
      s3({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(
        new GetObjectCommand(where(job, 'SourceArtifact'))
      )
    )
    expect(unknown.name).toBe('InvalidAccessKeyId')
    expect(unknown.$metadata.httpStatusCode).toBe(403)
    const anonymous = await fetch(
      `${emu.urls.s3}/${where(job, 'SourceArtifact').Bucket}/${where(job, 'SourceArtifact').Key}`
    )
    expect(anonymous.status).toBe(403)
    expect(anonymous.headers.get('x-amz-request-id')).toBe(emu.s3.requests[2].requestId)
    expect(await anonymous.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>\w+<\/RequestId><HostId>.+<\/HostId><\/Error>$/
    )
    expect(emu.s3.refusals.map(r => [r.credentials, r.code])).toEqual([
      ['static', 'AccessDenied'],
      ['unknown', 'InvalidAccessKeyId'],
      ['anonymous', 'AccessDenied']
    ])
  })

  it('a job’s credentials reach only that job’s artifacts: read inputs and outputs, write outputs', async () => {
    const a = await emu.artifacts.addJob({
      inputArtifacts: [{ name: 'SourceArtifact', files: { a: 'a' } }],
      outputArtifacts: ['BuildArtifact']
    })
    const b = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const client = clientFor(a)
    const other = await s3Error(
      client.send(new PutObjectCommand({ ...where(b, 'BuildArtifact'), Body: 'x' }))
    )
    expect(other.name).toBe('AccessDenied')
    const input = await s3Error(
      client.send(new PutObjectCommand({ ...where(a, 'SourceArtifact'), Body: 'x' }))
    )
    expect(input.name).toBe('AccessDenied')
    expect(emu.s3.refusals.map(r => [r.credentials, r.jobId, r.operation])).toEqual([
      ['artifact', a.id, 'PutObject'],
      ['artifact', a.id, 'PutObject']
    ])
    await client.send(new PutObjectCommand({ ...where(a, 'BuildArtifact'), Body: 'ok' }))
    await client.send(new HeadObjectCommand(where(a, 'BuildArtifact')))
    expect(emu.artifacts.output(b.id, 'BuildArtifact')).toBeUndefined()
  })

  it('checks the signature: a wrong secret is SignatureDoesNotMatch, a wrong region is AuthorizationHeaderMalformed', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const creds = job.data.artifactCredentials
    const wrong = await s3Error(
      s3({ ...creds, secretAccessKey: 'not-the-secret' }).send(
        new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' })
      )
    )
    expect(wrong.name).toBe('SignatureDoesNotMatch')
    expect(wrong.$metadata.httpStatusCode).toBe(403)
    const region = await s3Error(
      s3(creds, { region: 'us-east-1' }).send(
        new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' })
      )
    )
    expect(region.name).toBe('AuthorizationHeaderMalformed')
    expect(region.message).toContain(`expecting '${emu.region}'`)
    const token = await s3Error(
      s3({ ...creds, sessionToken: 'other' }).send(
        new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' })
      )
    )
    expect(token.name).toBe('InvalidToken')
  })

  it('answers ExpiredToken once a job’s artifact credentials expire', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    emu.s3.expireArtifactCredentials(job.id)
    const e = await s3Error(
      clientFor(job).send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' }))
    )
    expect(e.name).toBe('ExpiredToken')
    expect(e.$metadata.httpStatusCode).toBe(400)
  })

  it('a bucket that requires SSE-KMS refuses other uploads, as the artifact bucket policy does', async () => {
    const job = await emu.artifacts.addJob({
      outputArtifacts: ['BuildArtifact'],
      encryptionKey: { id: KMS_KEY }
    })
    emu.s3.addBucket(where(job, 'BuildArtifact').Bucket, { requireKms: KMS_KEY })
    const client = clientFor(job)
    const plain = await s3Error(
      client.send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' }))
    )
    expect(plain.name).toBe('AccessDenied')
    expect(plain.message).toContain('explicit deny in a resource-based policy')
    const otherKey = await s3Error(
      client.send(
        new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x', ServerSideEncryption: 'aws:kms' })
      )
    )
    expect(otherKey.name).toBe('AccessDenied')
    const multipart = await s3Error(
      new Upload({
        client,
        params: { ...where(job, 'BuildArtifact'), Body: pattern(6 * MiB).stream() }
      }).done()
    )
    expect(multipart.name).toBe('AccessDenied')
    await client.send(
      new PutObjectCommand({
        ...where(job, 'BuildArtifact'),
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY
      })
    )
    expect(emu.artifacts.output(job.id, 'BuildArtifact')?.sse.kmsKeyId).toBe(KMS_KEY)
  })
})

describe('S3 faults', () => {
  it('a 500 on PutObject is retried by the SDK', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    emu.faults.add({ service: 's3', operation: 'PutObject', kind: 'server-error' })
    const out = await clientFor(job).send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'x' }))
    expect(out.$metadata.attempts).toBe(2)
    expect(emu.s3.requests.map(r => [r.status, r.errorCode, r.fault])).toEqual([
      [500, 'InternalError', 'server-error'],
      [200, undefined, undefined]
    ])
  })

  it('a dropped GetObject is retried; more 503s than attempts reach the caller', async () => {
    const job = await emu.artifacts.addJob({
      inputArtifacts: [{ name: 'SourceArtifact', files: { a: 'a' } }]
    })
    emu.faults.add({ service: 's3', operation: 'GetObject', kind: 'drop' })
    const client = clientFor(job, { maxAttempts: 2 })
    const got = await client.send(new GetObjectCommand(where(job, 'SourceArtifact')))
    expect(got.$metadata.attempts).toBe(2)
    expect(emu.s3.requests.map(r => r.status)).toEqual([0, 200])

    emu.faults.add({ service: 's3', operation: 'GetObject', kind: 'server-error', status: 503, times: 2 })
    const e = await s3Error(
      clientFor(job, { maxAttempts: 2 }).send(new GetObjectCommand(where(job, 'SourceArtifact')))
    )
    expect(e.name).toBe('ServiceUnavailable')
    expect(e.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 2 })
  })
})

describe('the endpoint from the environment', () => {
  it('an S3Client without an endpoint finds the emulator through AWS_ENDPOINT_URL_S3 from emu.env', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const saved = process.env.AWS_ENDPOINT_URL_S3
    process.env.AWS_ENDPOINT_URL_S3 = emu.env.AWS_ENDPOINT_URL_S3
    try {
      const client = new S3Client({
        region: emu.env.AWS_REGION,
        forcePathStyle: true,
        credentials: job.data.artifactCredentials
      })
      await client.send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'via env' }))
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3
      else process.env.AWS_ENDPOINT_URL_S3 = saved
    }
    expect((await emu.artifacts.outputBytes(job.id, 'BuildArtifact')).toString()).toBe('via env')
  })
})

describe('the artifact store on disk', () => {
  it('keeps object data in a temporary directory that close() removes', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    await clientFor(job).send(new PutObjectCommand({ ...where(job, 'BuildArtifact'), Body: 'on disk' }))
    const path = emu.artifacts.output(job.id, 'BuildArtifact')!.path
    expect(path.startsWith(emu.s3.dir)).toBe(true)
    expect(existsSync(path)).toBe(true)
    await emu.close()
    expect(existsSync(emu.s3.dir)).toBe(false)
  })
})
