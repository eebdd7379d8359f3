// Input artifacts, on the bundled report action against the emulator: job mode's main step extracts them for
// the steps that follow and its post step uploads what they built; a ZIP that would write outside the
// directory, a wrong output name or a missing input stop the pipeline before the build.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Emulator } from '../../emulator/index.ts'
import { zipNaming } from '../artifacts/zips.ts'
import {
  artifactSecrets,
  onlyArtifactCredentials,
  reportStep,
  timeline,
  workspace
} from './report-artifacts-fixture.ts'
import { addThisRun, expectNoLeak, resultOf, RUN_URL, startReportEmulator } from './report-fixture.ts'

const RUN = `GitHub workflow "Build" run #42 (attempt 1)`
const STEPS = [
  { name: 'Set up job', conclusion: 'success' as const },
  { name: 'Report to CodePipeline', conclusion: 'success' as const },
  { name: 'Build', conclusion: 'success' as const }
]

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

test('job mode: the main step extracts the input artifact, a later step builds from it, the post step uploads', async () => {
  addThisRun(emu, STEPS)
  const job = await emu.artifacts.addJob({
    inputArtifacts: [
      {
        name: 'SourceArtifact',
        files: { 'index.html': '<h1>hi</h1>', 'cfn/template.yml': 'Resources: {}\n' }
      }
    ],
    outputArtifacts: ['BuildOutput']
  })
  const inputs = {
    'job-id': job.id,
    'input-artifacts': 'source',
    'output-artifacts': 'BuildOutput=build-output'
  }

  const main = await reportStep(emu, ws.dir, inputs)
  expect(main.exitCode).toBe(0)
  const source = emu.artifacts.input(job.id, 'SourceArtifact')
  const sourceDigest = createHash('sha256')
    .update(await readFile(source?.path ?? ''))
    .digest('hex')
  expect(main.outputs).toEqual({
    'input-artifacts-path': join(ws.dir, 'source'),
    'input-artifact-digests': JSON.stringify({ SourceArtifact: sourceDigest })
  })
  expect(main.stdout).toContain(
    `Downloaded input artifact "SourceArtifact": ${source?.size} bytes, SHA-256 ${sourceDigest}`
  )
  expect(main.stdout).toContain(
    `Extracted input artifact "SourceArtifact" into ${join(ws.dir, 'source')}: 2 files`
  )
  expect(timeline(emu)).toEqual(['GetJobDetails', 'ListActionExecutions', 'GetObject'])
  expect(emu.codepipeline.job(job.id)?.results).toEqual([])

  // The build step: reads what the main step extracted, writes what the post step uploads.
  const page = await readFile(join(main.outputs['input-artifacts-path'], 'index.html'), 'utf8')
  await mkdir(join(ws.dir, 'build-output'))
  await writeFile(join(ws.dir, 'build-output/index.html'), page.replace('hi', 'built'))
  await writeFile(
    join(ws.dir, 'build-output/template.yml'),
    await readFile(join(ws.dir, 'source/cfn/template.yml'))
  )

  const post = await reportStep(emu, ws.dir, inputs, { state: main.state })
  expect(post.exitCode).toBe(0)
  const stored = await emu.artifacts.outputFiles(job.id, 'BuildOutput')
  expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.toString()]))).toEqual({
    'index.html': '<h1>built</h1>',
    'template.yml': 'Resources: {}\n'
  })
  expect(timeline(emu)).toEqual([
    'GetJobDetails',
    'ListActionExecutions',
    'GetObject',
    'GetJobDetails',
    'PutObject', // a small ZIP, with its SHA-256 as metadata
    'PutJobSuccessResult'
  ])
  expect(resultOf(emu, job.id).kind).toBe('success')
  expect(post.outputs.result).toBe('succeeded')
  onlyArtifactCredentials(emu, job)
  expectNoLeak(main, artifactSecrets(job))
  expectNoLeak(post, artifactSecrets(job))
})

test('several input artifacts: one sub-directory each, extracted by the reporting step in the other modes', async () => {
  const job = await emu.artifacts.addJob({
    inputArtifacts: [
      { name: 'App', files: { 'main.go': 'package main' } },
      { name: 'Config', files: { 'prod/settings.json': '{}' } }
    ]
  })
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'input-artifacts': join(ws.dir, 'in')
  })
  expect(step.exitCode).toBe(0)
  expect(step.outputs['input-artifacts-path']).toBe(join(ws.dir, 'in'))
  expect(await readdir(join(ws.dir, 'in'))).toEqual(['App', 'Config'])
  expect(await readFile(join(ws.dir, 'in/App/main.go'), 'utf8')).toBe('package main')
  expect(await readFile(join(ws.dir, 'in/Config/prod/settings.json'), 'utf8')).toBe('{}')
  expect(timeline(emu)).toEqual(['GetJobDetails', 'GetObject', 'GetObject', 'PutJobSuccessResult'])
  onlyArtifactCredentials(emu, job)
})

test('a ZIP with a ../ entry is refused before the build: nothing is extracted, CodePipeline hears at once', async () => {
  addThisRun(emu, STEPS)
  const zip = await zipNaming('../escaped.txt', 'aa/escaped.txt', [{ name: 'index.html', data: 'ok' }])
  const job = await emu.artifacts.addJob({ inputArtifacts: [{ name: 'SourceArtifact', zip }] })
  const inputs = { 'job-id': job.id, 'input-artifacts': 'source' }

  const main = await reportStep(emu, ws.dir, inputs)
  const problem =
    'Input artifact "SourceArtifact": refusing its ZIP entry "../escaped.txt" (invalid relative path), which ' +
    'would be written outside the directory. Nothing was extracted; check the action that produced it.'
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain(`::error::${problem}%0AReported to CodePipeline as a ConfigurationError.`)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { type: 'ConfigurationError', message: `${RUN}: ${problem} Run: ${RUN_URL}` }
  })
  expect(await readdir(ws.dir)).toEqual([])
  // The post step has nothing left to do.
  const post = await reportStep(emu, ws.dir, inputs, { state: main.state })
  expect(post.exitCode).toBe(0)
  expect(emu.codepipeline.job(job.id)?.results).toHaveLength(1)
})

test('an input artifact whose bytes are not the SHA-256 its metadata records is refused: what was extracted is removed', async () => {
  addThisRun(emu, STEPS)
  const job = await emu.artifacts.addJob({
    inputArtifacts: [{ name: 'SourceArtifact', files: { 'index.html': '<h1>hi</h1>' } }]
  })
  const stored = emu.artifacts.input(job.id, 'SourceArtifact')
  if (!stored) throw new Error('no input artifact')
  const actual = createHash('sha256')
    .update(await readFile(stored.path))
    .digest('hex')
  const recorded = 'ab'.repeat(32)
  stored.metadata = { sha256: recorded }
  const inputs = { 'job-id': job.id, 'input-artifacts': 'source' }

  const main = await reportStep(emu, ws.dir, inputs)
  const { bucketName, objectKey } = job.data.inputArtifacts[0].location.s3Location
  const problem =
    `Input artifact "SourceArtifact" from s3://${bucketName}/${objectKey} has the SHA-256 ${actual}, but its ` +
    `x-amz-meta-sha256 says ${recorded}: the object changed after the action that stored it hashed it, or was ` +
    'damaged. What was extracted from it was removed; release the change again, and check who ' +
    'else can write to the artifact store.'
  expect(main.exitCode).toBe(1)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { type: 'RevisionOutOfSync', message: `${RUN}: ${problem} Run: ${RUN_URL}` }
  })
  expect(await readdir(ws.dir)).toEqual([])
})

const RANGE = 8 * 1024 * 1024

/** A job whose input artifact spans three 8 MiB ranges: a small file first, then 20 MiB that deflate cannot shrink. */
async function threeRangeJob() {
  const big = randomBytes(20 * 1024 * 1024)
  const job = await emu.artifacts.addJob({
    inputArtifacts: [{ name: 'SourceArtifact', files: { 'a.txt': 'first', 'big.bin': big } }]
  })
  const stored = emu.artifacts.input(job.id, 'SourceArtifact')
  if (!stored) throw new Error('no input artifact')
  expect(stored.size).toBeGreaterThan(2 * RANGE)
  return { job, big, stored }
}

const getObjects = (emu: Emulator) => emu.s3.requests.filter(r => r.operation === 'GetObject')

test('a large input artifact arrives in parallel ranges pinned to its ETag, a 5xx range is retried, and it is extracted', async () => {
  const { job, big, stored } = await threeRangeJob()
  emu.faults.add({ service: 's3', operation: 'GetObject', kind: 'server-error', after: 1 })
  const step = await reportStep(emu, ws.dir, { 'job-id': job.id, status: 'success', 'input-artifacts': 'in' })
  expect(step.exitCode).toBe(0)
  expect(await readFile(join(ws.dir, 'in/a.txt'), 'utf8')).toBe('first')
  expect((await readFile(join(ws.dir, 'in/big.bin'))).equals(big)).toBe(true)
  const digest = createHash('sha256')
    .update(await readFile(stored.path))
    .digest('hex')
  expect(JSON.parse(step.outputs['input-artifact-digests'])).toEqual({ SourceArtifact: digest })
  const last = stored.size - 1
  // The first range tells the size and ETag; the last (the central directory) comes next, then the middle one.
  expect(getObjects(emu).map(r => [r.headers.range, r.headers['if-match'], r.status])).toEqual([
    [`bytes=0-${RANGE - 1}`, undefined, 206],
    [`bytes=${2 * RANGE}-${last}`, stored.etag, 500],
    [`bytes=${RANGE}-${2 * RANGE - 1}`, stored.etag, 206],
    [`bytes=${2 * RANGE}-${last}`, stored.etag, 206]
  ])
  expect(resultOf(emu, job.id).kind).toBe('success')
  // The fault answered before any signature was read; the rest were signed with the job's artifact key.
  const signers = new Set(
    getObjects(emu)
      .filter(r => !r.fault)
      .map(r => r.accessKeyId)
  )
  expect([...signers]).toEqual([job.data.artifactCredentials.accessKeyId])
})

test('a download that fails part-way removes what was already extracted and names the artifact to CodePipeline', async () => {
  addThisRun(emu, STEPS)
  const { job } = await threeRangeJob()
  // The first and last ranges arrive (a.txt is extracted); the middle one fails every attempt.
  emu.faults.add({ service: 's3', operation: 'GetObject', kind: 'server-error', after: 2, times: 100 })
  const main = await reportStep(emu, ws.dir, { 'job-id': job.id, 'input-artifacts': 'source' })
  expect(main.exitCode).toBe(1)
  const { bucketName, objectKey } = job.data.inputArtifacts[0].location.s3Location
  const failure = resultOf(emu, job.id)
  expect(failure.request).toMatchObject({ failureDetails: { type: 'SystemUnavailable' } })
  const message = (failure.request as { failureDetails: { message: string } }).failureDetails.message
  expect(message).toContain(
    `Input artifact "SourceArtifact" could not be downloaded from s3://${bucketName}/${objectKey}`
  )
  expect(main.stdout).toContain(
    `::error::Input artifact "SourceArtifact" could not be downloaded from s3://${bucketName}/`
  )
  expect(getObjects(emu).filter(r => r.status === 500).length).toBeGreaterThan(1)
  expect(await readdir(ws.dir)).toEqual([])
})

test('job mode: an output name the job does not declare fails the first step, before the build and any download', async () => {
  addThisRun(emu, STEPS)
  const job = await emu.artifacts.addJob({
    inputArtifacts: [{ name: 'SourceArtifact', files: { 'a.txt': 'a' } }],
    outputArtifacts: ['BuildOutput']
  })
  const main = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    'input-artifacts': 'source',
    'output-artifacts': 'Output=dist'
  })
  const problem =
    'output-artifacts names "Output", which this job does not declare; its output artifacts are "BuildOutput". ' +
    'Output artifact "BuildOutput" has no entry in output-artifacts: add a line BuildOutput=PATH.'
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain(`::error::${problem}%0AReported to CodePipeline as a ConfigurationError.`)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { type: 'ConfigurationError', message: `${RUN}: ${problem} Run: ${RUN_URL}` }
  })
  expect(emu.s3.requests).toEqual([])
  expect(main.state.armed).toBeUndefined()
})

test('an input artifact missing from the store is named with its key', async () => {
  addThisRun(emu, STEPS)
  const job = await emu.artifacts.addJob({
    inputArtifacts: [{ name: 'SourceArtifact', files: { 'a.txt': 'a' } }]
  })
  const { bucketName, objectKey } = job.data.inputArtifacts[0].location.s3Location
  emu.s3.objects.delete(`${bucketName}/${objectKey}`) // a lifecycle rule got there first

  const main = await reportStep(emu, ws.dir, { 'job-id': job.id, 'input-artifacts': 'source' })
  expect(main.exitCode).toBe(1)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining(
        `Input artifact "SourceArtifact" could not be downloaded from s3://${bucketName}/${objectKey} ` +
          '(NoSuchKey: The specified key does not exist). The artifact is not in the artifact store'
      )
    }
  })
})

test('job mode: a failed build uploads nothing and reports its failure', async () => {
  addThisRun(emu, [...STEPS.slice(0, 2), { name: 'Build', conclusion: 'failure' }])
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await mkdir(join(ws.dir, 'dist'))
  await writeFile(join(ws.dir, 'dist/half-built.js'), '')
  const inputs = { 'job-id': job.id, 'output-artifacts': 'dist' }

  const main = await reportStep(emu, ws.dir, inputs)
  const post = await reportStep(emu, ws.dir, inputs, { state: main.state })
  expect([main.exitCode, post.exitCode]).toEqual([0, 0])
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { type: 'JobFailed', message: expect.stringContaining('failed at step "Build"') }
  })
  expect(emu.s3.requests).toEqual([])
})
