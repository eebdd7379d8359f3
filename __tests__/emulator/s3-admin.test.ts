// The artifact store's admin routes, driven the way a shell script would (fetch), with the real S3 client doing
// the job worker's part.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startAdmin } from '../../emulator/admin.ts'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator, Job } from '../../emulator/index.ts'
import { unzip, zipFiles } from '../../emulator/s3-artifacts.ts'

const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'
let emu: Emulator
let admin: { url: string; close(): Promise<void> }

beforeEach(async () => {
  emu = await startEmulator()
  admin = await startAdmin(emu)
})
afterEach(async () => {
  await admin.close()
  await emu.close()
})

async function call(
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${admin.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: res.status, json: await res.json() }
}

function s3For(job: Job): S3Client {
  return new S3Client({
    region: emu.region,
    endpoint: emu.env.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    credentials: job.data.artifactCredentials
  })
}

describe('admin API: jobs with artifacts', () => {
  it('creates a queued job whose input artifacts are stored ZIPs, and shows its artifacts', async () => {
    const created = await call('POST', '/_emulator/artifact-jobs', {
      queue: true,
      pipelineName: 'web',
      inputArtifacts: [
        { name: 'SourceArtifact', files: { 'index.html': '<h1>hi</h1>' } },
        { name: 'Binary', filesBase64: { 'a.bin': Buffer.from([0, 1, 2]).toString('base64') } },
        { name: 'Zipped', zipBase64: (await zipFiles({ 'z.txt': 'z' })).toString('base64') }
      ],
      outputArtifacts: ['BuildArtifact', { name: 'Report', key: 'web/Report/fixed' }],
      encryptionKey: { id: KMS_KEY, type: 'KMS' }
    })
    expect(created.status).toBe(201)
    const view = created.json as Job
    expect(view.state).toBe('Queued')
    expect(view.data.encryptionKey).toEqual({ id: KMS_KEY, type: 'KMS' })
    expect(view.data.inputArtifacts.map(a => a.name)).toEqual(['SourceArtifact', 'Binary', 'Zipped'])
    expect(view.data.outputArtifacts[1].location.s3Location.objectKey).toBe('web/Report/fixed')

    const binary = emu.artifacts.input(view.id, 'Binary')!
    expect((await unzip({ path: binary.path }))['a.bin']).toEqual(Buffer.from([0, 1, 2]))

    const artifacts = await call('GET', `/_emulator/jobs/${view.id}/artifacts`)
    expect(artifacts.status).toBe(200)
    expect(artifacts.json).toMatchObject({
      inputArtifacts: [
        { name: 'SourceArtifact', object: { sse: { serverSideEncryption: 'aws:kms', kmsKeyId: KMS_KEY } } },
        { name: 'Binary' },
        { name: 'Zipped' }
      ],
      outputArtifacts: [
        { name: 'BuildArtifact', object: null },
        { name: 'Report', key: 'web/Report/fixed', object: null }
      ],
      encryptionKey: { id: KMS_KEY, type: 'KMS' }
    })
  })

  it('gives back what the job worker uploaded: the bytes with their SSE headers, and the files of the ZIP', async () => {
    const job = await emu.artifacts.addJob({
      outputArtifacts: ['BuildArtifact'],
      encryptionKey: { id: KMS_KEY }
    })
    const loc = job.data.outputArtifacts[0].location.s3Location
    const zip = await zipFiles({ 'out/app.js': 'ok', 'readme.txt': 'r' })
    await s3For(job).send(
      new PutObjectCommand({
        Bucket: loc.bucketName,
        Key: loc.objectKey,
        Body: zip,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY
      })
    )
    const raw = await fetch(`${admin.url}/_emulator/jobs/${job.id}/artifacts/BuildArtifact`)
    expect(raw.status).toBe(200)
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(zip)
    expect(raw.headers.get('x-amz-server-side-encryption')).toBe('aws:kms')
    expect(raw.headers.get('x-amz-server-side-encryption-aws-kms-key-id')).toBe(KMS_KEY)

    const files = await call('GET', `/_emulator/jobs/${job.id}/artifacts/BuildArtifact/files`)
    expect(files.json).toEqual([
      { path: 'out/app.js', size: 2, base64: Buffer.from('ok').toString('base64') },
      { path: 'readme.txt', size: 1, base64: Buffer.from('r').toString('base64') }
    ])
    const objects = (await call('GET', '/_emulator/s3/objects')).json as Array<{
      key: string
      uploadedBy?: unknown
    }>
    expect(objects).toEqual([
      expect.objectContaining({
        key: loc.objectKey,
        uploadedBy: expect.objectContaining({ jobId: job.id })
      })
    ])
  })

  it('refuses unknown fields and bad artifacts with 400, unknown jobs and missing uploads with 404', async () => {
    const typo = await call('POST', '/_emulator/artifact-jobs', { outputArtifact: ['BuildArtifact'] })
    expect(typo).toEqual({
      status: 400,
      json: { message: expect.stringContaining('unknown field "outputArtifact"') }
    })
    const both = await call('POST', '/_emulator/artifact-jobs', {
      inputArtifacts: [{ name: 'S', files: {}, zipBase64: '' }]
    })
    expect(both.status).toBe(400)
    const name = await call('POST', '/_emulator/artifact-jobs', { outputArtifacts: ['has space'] })
    expect(name).toEqual({
      status: 400,
      json: { message: expect.stringContaining('not a valid artifact name') }
    })
    expect(emu.codepipeline.jobs).toHaveLength(0)

    const none = await call('GET', '/_emulator/jobs/00000000-0000-0000-0000-000000000000/artifacts')
    expect(none.status).toBe(404)
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    expect((await call('GET', `/_emulator/jobs/${job.id}/artifacts/BuildArtifact`)).status).toBe(404)
    expect((await call('GET', `/_emulator/jobs/${job.id}/artifacts/Other`)).status).toBe(404)
  })

  it('adds a bucket that requires SSE-KMS, expires a job’s artifact credentials and lists refusals', async () => {
    const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildArtifact'] })
    const loc = job.data.outputArtifacts[0].location.s3Location
    const bucket = await call('POST', '/_emulator/s3/buckets', { name: loc.bucketName, requireKms: true })
    expect(bucket).toEqual({ status: 201, json: { name: loc.bucketName, requireKms: true } })
    await expect(
      s3For(job).send(new PutObjectCommand({ Bucket: loc.bucketName, Key: loc.objectKey, Body: 'x' }))
    ).rejects.toMatchObject({ name: 'AccessDenied' })

    const expired = await call('POST', `/_emulator/jobs/${job.id}/artifact-credentials/expire`)
    expect(expired).toEqual({ status: 200, json: { expired: job.data.artifactCredentials.accessKeyId } })
    await expect(
      s3For(job).send(
        new PutObjectCommand({
          Bucket: loc.bucketName,
          Key: loc.objectKey,
          Body: 'x',
          ServerSideEncryption: 'aws:kms'
        })
      )
    ).rejects.toMatchObject({ name: 'ExpiredToken' })

    const refusals = (await call('GET', '/_emulator/s3/refusals')).json as Array<{
      code: string
      jobId: string
    }>
    expect(refusals.map(r => [r.code, r.jobId])).toEqual([
      ['AccessDenied', job.id],
      ['ExpiredToken', job.id]
    ])
    expect((await call('GET', '/_emulator/s3/uploads')).json).toEqual([])
  })
})
