// The report action as the runner runs it: bundled dist/, INPUT_* variables, file commands, against the emulator.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  addThisRun,
  expectNoLeak,
  operations,
  report,
  reportMainAndPost,
  resultOf,
  ROLE,
  RUN_ID,
  RUN_URL,
  startReportEmulator
} from './report-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startReportEmulator()
})
afterEach(() => emu.close())

test('status success: PutJobSuccessResult with the assumed role, outputs and a job summary', async () => {
  const job = emu.codepipeline.addJob({ pipelineName: 'release', stageName: 'Build', actionName: 'GitHub' })
  const result = await report(emu, { 'job-id': job.id, status: 'success', 'percent-complete': '100' })

  expect(result.exitCode).toBe(0)
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
  const sent = resultOf(emu, job.id)
  expect(sent.kind).toBe('success')
  expect(sent.request).toEqual({
    jobId: job.id,
    executionDetails: {
      summary: `GitHub workflow "Build" run #42 (attempt 1) succeeded: ${RUN_URL}`,
      externalExecutionId: String(RUN_ID),
      percentComplete: 100
    }
  })
  // Signed with the role session the action assumed, not with anything ambient.
  const issued = emu.sts.issued
  expect(issued).toHaveLength(1)
  expect(issued[0]).toMatchObject({
    roleArn: ROLE,
    sessionName: `github-actions-run-${RUN_ID}`,
    durationSeconds: 900
  })
  expect(sent.accessKeyId).toBe(issued[0].accessKeyId)

  const putRequest = emu.requests.find(r => r.operation === 'PutJobSuccessResult')
  expect(result.outputs).toEqual({
    result: 'succeeded',
    'job-id': job.id,
    'request-id': putRequest?.requestId,
    'pipeline-name': 'release',
    'pipeline-execution-id': job.data.pipelineContext.pipelineExecutionId,
    'stage-name': 'Build',
    'action-name': 'GitHub'
  })
  expect(result.stdout).toContain(`Reported success of CodePipeline job ${job.id} (release / Build / GitHub)`)
  expect(result.summary).toContain('✅ Reported success to CodePipeline')
  expect(result.summary).toContain(
    `[release](https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/release/executions/${job.data.pipelineContext.pipelineExecutionId}/timeline?region=eu-west-1)`
  )
  const [creds] = issued
  expectNoLeak(result, [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken, emu.github.token])
  // The role's credentials serve this action only: nothing is exported to later steps.
  expect(result.env).toEqual({})
  expect(result.path).toBe('')
  // Artifact credentials from GetJobDetails are secrets too.
  const artifacts = job.data.artifactCredentials
  expectNoLeak(result, [artifacts.secretAccessKey, artifacts.sessionToken])
})

test('status failure with a message and failure type: PutJobFailureResult carries them', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, {
    'job-id': job.id,
    status: 'failure',
    'failure-type': 'RevisionUnavailable',
    message: 'The commit is gone',
    'external-execution-id': 'build-77'
  })
  expect(result.exitCode).toBe(0)
  expect(emu.codepipeline.job(job.id)?.state).toBe('Failed')
  expect(resultOf(emu, job.id).request).toEqual({
    jobId: job.id,
    failureDetails: {
      type: 'RevisionUnavailable',
      message: 'The commit is gone',
      externalExecutionId: 'build-77'
    }
  })
  expect(result.outputs.result).toBe('failed')
  expect(result.summary).toContain('| Reported | PutJobFailureResult (RevisionUnavailable) |')
})

test('status failure without a message names the failed step of this job and links the run', async () => {
  addThisRun(emu, [
    { name: 'Set up job', conclusion: 'success' },
    { name: 'Run make test', conclusion: 'failure' },
    { name: 'Report', status: 'in_progress' }
  ])
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'failure' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'JobFailed',
      message: `GitHub workflow "Build" run #42 (attempt 1) failed: job "build" failed at step "Run make test". Run: ${RUN_URL}`
    }
  })
})

test('status cancelled is reported as a failure that says it was cancelled', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'cancelled', 'github-token': '' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { message: `GitHub workflow "Build" run #42 (attempt 1) was cancelled. Run: ${RUN_URL}` }
  })
})

test('output variables and a custom summary are sent with a success', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, {
    'job-id': job.id,
    status: 'success',
    summary: 'Image pushed',
    'output-variables': 'IMAGE_TAG=v1.2.3\nDIGEST=sha256:abc'
  })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    executionDetails: { summary: 'Image pushed' },
    outputVariables: { IMAGE_TAG: 'v1.2.3', DIGEST: 'sha256:abc' }
  })
  expect(result.summary).toContain('`IMAGE_TAG`, `DIGEST`')
})

test('a continuation token keeps the action running: CodePipeline queues a follow-up job carrying it', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'success', 'continuation-token': 'step-2' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({ continuationToken: 'step-2' })
  const followUp = emu.codepipeline.jobs.find(j => j.id !== job.id)
  expect(followUp?.data.continuationToken).toBe('step-2')
})

test('on a re-run attempt, a job that already has a result is a warning and result=already-reported', async () => {
  const job = emu.codepipeline.addJob({ state: 'Succeeded' })
  const result = await report(
    emu,
    { 'job-id': job.id, status: 'failure', message: 'again' },
    { env: { GITHUB_RUN_ATTEMPT: '2' } }
  )
  expect(result.exitCode).toBe(0)
  expect(result.outputs.result).toBe('already-reported')
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'warning',
      message: expect.stringContaining(`CodePipeline job ${job.id} already has a result`)
    })
  )
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
})

test('on attempt 1, a failure that finds the job answered by someone else fails the step', async () => {
  // Someone else (say, a build step with its own OIDC token) sent a success before the tests failed.
  const job = emu.codepipeline.addJob({ state: 'Succeeded' })
  const result = await report(emu, { 'job-id': job.id, status: 'failure', message: 'tests failed' })
  expect(result.exitCode).toBe(1)
  expect(result.outputs.result).toBe('already-reported')
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'error',
      message: expect.stringContaining(`Another party answered CodePipeline job ${job.id} first`)
    })
  )
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
})

test.each([
  [
    { Repository: 'other-org/other-repo' },
    'belongs to repository "other-org/other-repo" (its Repository property)'
  ],
  [
    { Workflow: 'deploy.yml' },
    'belongs to workflow "deploy.yml" (its Workflow property), not to this run\'s workflow build.yml'
  ]
])(
  'a job of another repository or workflow (%j) is refused and nothing is sent',
  async (configuration, text) => {
    const job = emu.codepipeline.addJob({ configuration })
    const result = await report(emu, { 'job-id': job.id, status: 'success' })
    expect(result.exitCode).toBe(1)
    expect(result.commands).toContainEqual(
      expect.objectContaining({ command: 'error', message: expect.stringContaining(text) })
    )
    expect(result.stdout).not.toContain('left waiting')
    expect(operations(emu, 'codepipeline')).toEqual(['GetJobDetails'])
    expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
  }
)

test('a job mode main step refuses a job of another repository before the build runs', async () => {
  addThisRun(emu, [{ name: 'Set up job', conclusion: 'success' }])
  const job = emu.codepipeline.addJob({ configuration: { Repository: 'other-org/other-repo' } })
  const { main, post } = await reportMainAndPost(emu, { 'job-id': job.id })
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain('refusing to report on it')
  expect(post?.exitCode).toBe(0)
  expect(operations(emu, 'codepipeline')).toEqual(['GetJobDetails'])
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})

test('a job that names no Repository is reported, with a warning that ownership could not be checked', async () => {
  const job = emu.codepipeline.addJob({ configuration: { Repository: '' } })
  const result = await report(emu, { 'job-id': job.id, status: 'success' })
  expect(result.exitCode).toBe(0)
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'warning',
      message: expect.stringContaining(`Could not check that CodePipeline job ${job.id} is this workflow's`)
    })
  )
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
})

test('a retry that finds a result says it is most likely its own earlier, unanswered attempt', async () => {
  // As when a first attempt landed but its answer was lost: the retry meets a job that has this run's result.
  const job = emu.codepipeline.addJob({ state: 'Failed' })
  job.results.push({
    kind: 'failure',
    request: {
      jobId: job.id,
      failureDetails: { type: 'JobFailed', message: 'x', externalExecutionId: String(RUN_ID) }
    },
    accessKeyId: 'ASIAEARLIERATTEMPT00',
    at: new Date()
  })
  emu.faults.add({ service: 'codepipeline', operation: 'PutJobFailureResult', kind: 'server-error' })
  const result = await report(emu, { 'job-id': job.id, status: 'failure', message: 'x' })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.result).toBe('already-reported')
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'warning',
      message: `CodePipeline job ${job.id} already has a result: most likely this failure itself, delivered by an earlier attempt whose answer was lost.`
    })
  )
})

test('an unknown job fails the step and names the job ID', async () => {
  const missing = '0123abcd-4567-89ab-cdef-0123456789ab'
  const result = await report(emu, { 'job-id': missing, status: 'success' })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(
    `CodePipeline has no job ${missing} in eu-west-1: check the job ID and aws-region`
  )
})

test('dry run validates and prints the request; nothing is sent to AWS', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, {
    'job-id': job.id,
    status: 'failure',
    message: 'nope',
    'dry-run': 'true'
  })
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('Dry run: would call PutJobFailureResult with')
  expect(result.stdout).toContain('"message": "nope"')
  expect(result.outputs.result).toBe('dry-run')
  expect(emu.requests).toEqual([])
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})

test('ambient credentials (no role-to-assume) are used as the SDK finds them', async () => {
  const creds = emu.sts.addStaticCredentials({
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
  })
  const job = emu.codepipeline.addJob()
  const result = await report(
    emu,
    { 'job-id': job.id, status: 'success', 'role-to-assume': '' },
    {
      env: { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey }
    }
  )
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE')
  expect(operations(emu, 'sts')).toEqual([])
  expect(result.stdout).not.toContain(creds.secretAccessKey)
})
