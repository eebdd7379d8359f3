// Output artifacts, on the bundled report action against the emulator's CodePipeline and S3: what the pipeline's
// later stages find in the artifact store, how it was encrypted and signed, and what CodePipeline is told when
// an artifact cannot be stored.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Emulator } from '../../emulator/index.ts'
import {
  artifactSecrets,
  onlyArtifactCredentials,
  reportStep,
  timeline,
  workspace
} from './report-artifacts-fixture.ts'
import { expectNoLeak, resultOf, RUN_URL, startReportEmulator } from './report-fixture.ts'

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'
const RUN = `GitHub workflow "Build" run #42 (attempt 1)`

let emu: Emulator
let ws: Awaited<ReturnType<typeof workspace>>
beforeEach(async () => {
  emu = await startReportEmulator()
  ws = await workspace()
})
afterEach(async () => {
  await emu.close()
  await ws.remove()
})

async function files(tree: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(join(ws.dir, path, '..'), { recursive: true })
    await writeFile(join(ws.dir, path), content)
  }
}

const text = (files: Record<string, Buffer>) =>
  Object.fromEntries(Object.entries(files).map(([path, data]) => [path, data.toString()]))

test('one output artifact from a bare path: its files at the ZIP root, SSE-KMS, uploaded before the success', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await files({
    'build-output/template.yml': 'Resources: {}\n',
    'build-output/app/index.js': 'exports.x = 1\n'
  })

  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'build-output'
  })

  expect(step.exitCode).toBe(0)
  expect(text(await emu.artifacts.outputFiles(job.id, 'BuildOutput'))).toEqual({
    'app/index.js': 'exports.x = 1\n',
    'template.yml': 'Resources: {}\n'
  })
  // No encryptionKey on the job: aws:kms with the account's AWS managed key, no key ID.
  expect(emu.artifacts.output(job.id, 'BuildOutput')?.sse).toEqual({ serverSideEncryption: 'aws:kms' })
  // A ZIP of one part goes up in one PutObject that carries its SHA-256: no copy to add the metadata.
  expect(timeline(emu)).toEqual(['GetJobDetails', 'PutObject', 'PutJobSuccessResult'])
  expect(resultOf(emu, job.id).kind).toBe('success')
  const stored = emu.artifacts.output(job.id, 'BuildOutput')
  const location = job.data.outputArtifacts[0].location.s3Location
  // The digest is the SHA-256 of the bytes stored, wherever it is told.
  const sha256 = createHash('sha256')
    .update(await emu.artifacts.outputBytes(job.id, 'BuildOutput'))
    .digest('hex')
  expect(stored?.metadata).toEqual({ sha256 })
  expect(step.summary).toContain(
    `| Output artifact \`BuildOutput\` | ${stored?.size} bytes ZIP of build-output in ` +
      `\`s3://${location.bucketName}/${location.objectKey}\`, SHA-256 \`${sha256}\` (also its x-amz-meta-sha256) |`
  )
  expect(step.outputs['output-artifact-digests']).toBe(JSON.stringify({ BuildOutput: sha256 }))
  expect(resultOf(emu, job.id).request).toMatchObject({
    outputVariables: { ARTIFACT_BuildOutput_SHA256: sha256 }
  })
  expect(step.stdout).toContain(
    `Uploading output artifact "BuildOutput" from build-output to s3://${location.bucketName}/`
  )
  // Signed by the job's artifact credentials only (the reporter role's session would be refused and recorded),
  // which were masked before anything could print them.
  onlyArtifactCredentials(emu, job)
  expect(stored?.uploadedBy?.accessKeyId).toBe(job.data.artifactCredentials.accessKeyId)
  expectNoLeak(step, artifactSecrets(job))
})

test("several output artifacts by name, with the job's KMS key; a large one goes up in parts", async () => {
  const job = await emu.artifacts.addJob({
    outputArtifacts: ['BuildOutput', 'ImageDefinitions'],
    encryptionKey: { id: KEY }
  })
  const big = randomBytes(12 * 1024 * 1024) // incompressible: a ZIP of three parts (5 MiB, 5 MiB, the rest)
  await files({ 'dist/blob.bin': big, 'dist/readme.txt': 'hi', 'imagedefinitions.json': '[{"name":"web"}]' })

  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'ImageDefinitions=imagedefinitions.json\nBuildOutput=dist'
  })

  expect(step.exitCode).toBe(0)
  expect(text(await emu.artifacts.outputFiles(job.id, 'ImageDefinitions'))).toEqual({
    'imagedefinitions.json': '[{"name":"web"}]'
  })
  const build = await emu.artifacts.outputFiles(job.id, 'BuildOutput')
  expect(Object.keys(build)).toEqual(['blob.bin', 'readme.txt'])
  expect(build['blob.bin'].equals(big)).toBe(true)
  for (const name of ['BuildOutput', 'ImageDefinitions']) {
    expect(emu.artifacts.output(job.id, name)?.sse).toEqual({
      serverSideEncryption: 'aws:kms',
      kmsKeyId: KEY
    })
  }
  // In the job's order, each complete before the success.
  expect(timeline(emu)).toEqual([
    'GetJobDetails',
    'CreateMultipartUpload',
    'UploadPart',
    'UploadPart',
    'UploadPart',
    'CompleteMultipartUpload',
    'CopyObject',
    'PutObject',
    'PutJobSuccessResult'
  ])
  // Parts of S3's smallest size but the last, each with a CRC32 that S3 checked.
  const MiB = 1024 * 1024
  const size = emu.artifacts.output(job.id, 'BuildOutput')?.size ?? 0
  expect(
    emu.s3.requests
      .filter(r => r.operation === 'UploadPart')
      .map(r => [r.bytes, r.upload?.checksum?.algorithm])
  ).toEqual([
    [5 * MiB, 'CRC32'],
    [5 * MiB, 'CRC32'],
    [size - 10 * MiB, 'CRC32']
  ])
  onlyArtifactCredentials(emu, job)
  expectNoLeak(step, artifactSecrets(job))
})

test('a missing path is a ConfigurationError naming the artifact and the path; nothing is uploaded', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'BuildOutput=build-output'
  })

  const problem =
    `Output artifact "BuildOutput": build-output (${join(ws.dir, 'build-output')}) does not exist. Make the ` +
    'build write it before the job ends, or correct its path in output-artifacts.'
  expect(resultOf(emu, job.id).request).toEqual({
    jobId: job.id,
    failureDetails: {
      type: 'ConfigurationError',
      message: `${RUN}: ${problem} Run: ${RUN_URL}`,
      externalExecutionId: RUN_URL.split('/').pop()
    }
  })
  expect(step.exitCode).toBe(1)
  expect(step.stdout).toContain(`::error::${problem}%0AReported to CodePipeline as a ConfigurationError.`)
  expect(step.outputs.result).toBe('failed')
  expect(emu.s3.requests).toEqual([])
})

test('a name the job does not declare, and a declared artifact without an entry, fail before anything is uploaded', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput', 'Docs'] })
  await files({ 'dist/a.txt': 'a' })
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'BuildOutput=dist\nBuidlOutput=dist'
  })

  expect(step.exitCode).toBe(1)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message:
        `${RUN}: output-artifacts names "BuidlOutput", which this job does not declare; its output artifacts ` +
        `are "BuildOutput", "Docs". Output artifact "Docs" has no entry in output-artifacts: add a line ` +
        `Docs=PATH. Run: ${RUN_URL}`
    }
  })
  expect(emu.s3.requests).toEqual([])
})

test('a job that declares an output artifact is never reported a success without it', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const step = await reportStep(emu, ws.dir, { 'job-id': job.id, status: 'success' })
  expect(step.exitCode).toBe(1)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining(
        'This job declares output artifact(s) "BuildOutput", but output-artifacts is empty: add BuildOutput=PATH'
      )
    }
  })
})

test('a failure uploads nothing', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await files({ 'dist/a.txt': 'a' })
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'failure',
    message: 'Tests failed',
    'output-artifacts': 'dist'
  })
  expect(step.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { type: 'JobFailed', message: 'Tests failed' }
  })
  expect(emu.s3.requests).toEqual([])
})

test('an S3 outage after the retries is a SystemUnavailable failure naming the artifact and the path', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await files({ 'dist/a.txt': 'a' })
  emu.faults.add({ service: 's3', operation: 'PutObject', kind: 'server-error', times: 3 })

  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'dist',
    'max-attempts': '3'
  })

  expect(step.exitCode).toBe(1)
  const location = job.data.outputArtifacts[0].location.s3Location
  const problem =
    `Output artifact "BuildOutput" (from dist) could not be uploaded to s3://${location.bucketName}/` +
    `${location.objectKey} (InternalError: We encountered an internal error. Please try again). S3 did not ` +
    'take the request after 3 attempts; S3 or the network may be unavailable. Re-run the job when it is back ' +
    '(max-attempts sets how often each request is tried).'
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { type: 'SystemUnavailable', message: `${RUN}: ${problem} Run: ${RUN_URL}` }
  })
  expect(step.stdout).toContain(`::error::${problem}%0AReported to CodePipeline as a SystemUnavailable.`)
  expect(emu.s3.requests.map(r => [r.operation, r.status])).toEqual([
    ['PutObject', 500],
    ['PutObject', 500],
    ['PutObject', 500]
  ])
  expect(emu.artifacts.output(job.id, 'BuildOutput')).toBeUndefined()
})

test('a multipart upload whose parts keep failing is aborted and reported, not left hanging', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await files({ 'dist/blob.bin': randomBytes(12 * 1024 * 1024) })
  emu.faults.add({ service: 's3', operation: 'UploadPart', kind: 'throttle', times: 1000 })

  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'dist',
    'max-attempts': '2'
  })

  expect(step.exitCode).toBe(1)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'SystemUnavailable',
      // The emulator answers 503 SlowDown before reading a part's body, so the SDK may see its connection
      // closed mid-body (EPIPE) instead: transient either way, and retried.
      message: expect.stringMatching(
        /Output artifact "BuildOutput" \(from dist\) could not be uploaded to s3:.*\. S3 did not take the request after 2 attempts/
      )
    }
  })
  expect(emu.s3.requests.filter(r => r.operation === 'UploadPart').every(r => r.fault === 'throttle')).toBe(
    true
  )
  expect(timeline(emu)).toContain('AbortMultipartUpload')
  expect(emu.s3.openUploads()).toEqual([])
  expect(emu.artifacts.output(job.id, 'BuildOutput')).toBeUndefined()
})

test('S3 refusing the artifact credentials is a PermissionError that says whose policy to fix', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'], encryptionKey: { id: KEY } })
  // An explicit deny in the bucket policy, for uploads without the store's required KMS key.
  emu.s3.addBucket(job.data.outputArtifacts[0].location.s3Location.bucketName, { requireKms: 'another-key' })
  await files({ 'dist/a.txt': 'a' })
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'dist'
  })
  expect(step.exitCode).toBe(1)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'PermissionError',
      message: expect.stringMatching(
        /could not be uploaded to s3:\/\/.* \(AccessDenied: User: .* is not authorized to perform: s3:PutObject .* with an explicit deny in a resource-based policy\)\. The job's artifact credentials are CodePipeline's \(a session of the pipeline's service role\), not this action's role: the pipeline's service role needs s3:PutObject on the bucket, and kms:GenerateDataKey on the KMS key arn:aws:kms:eu-west-1:123456789012:key\/1234abcd-12ab-34cd-56ef-1234567890ab, and neither the bucket policy nor the key policy may deny it\./
      )
    }
  })
})

test('inputs are checked before any call: a bad output-artifacts line sends nothing', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'BuildOutput=dist\nBuild Output=x'
  })
  expect(step.exitCode).toBe(1)
  expect(step.stdout).toContain(
    '::error::output-artifacts line 2 is "Build Output=x"; write NAME=PATH on every line'
  )
  expect(emu.requests).toEqual([])
})
