// status: job (the default) runs twice, like runs.main and runs.post; status: workflow judges the other jobs.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  addThisRun,
  operations,
  report,
  reportMainAndPost,
  resultOf,
  RUN_ID,
  RUN_URL,
  RUNNER,
  startReportEmulator
} from './report-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startReportEmulator()
})
afterEach(() => emu.close())

test('job mode: the main step checks the set-up and reports nothing; the post step reports success', async () => {
  addThisRun(emu, [
    { name: 'Set up job', conclusion: 'success' },
    { name: 'Run make test', conclusion: 'success' },
    { name: 'Optional lint', conclusion: 'skipped' }
  ])
  const job = emu.codepipeline.addJob({ pipelineName: 'release', stageName: 'Build', actionName: 'GitHub' })
  const { main, post } = await reportMainAndPost(emu, { 'job-id': job.id })

  expect(main.exitCode).toBe(0)
  expect(main.stdout).toContain(`Set-up checked for CodePipeline job ${job.id} (release / Build / GitHub)`)
  expect(main.state.armed).toBe('true')
  // What the main step checked: credentials, the job, read access to this run's jobs. No result yet.
  expect(main.outputs).toEqual({})
  expect(post?.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    executionDetails: { summary: `GitHub workflow "Build" run #42 (attempt 1) succeeded: ${RUN_URL}` }
  })
  expect(post?.outputs).toMatchObject({
    result: 'succeeded',
    'pipeline-name': 'release',
    'stage-name': 'Build'
  })
  // Each step reads the job to check it is this workflow's before anything is sent (the main step also checks that
  // its pipeline execution still runs); no secret in the saved state.
  expect(operations(emu, 'codepipeline')).toEqual([
    'GetJobDetails',
    'ListActionExecutions',
    'GetJobDetails',
    'PutJobSuccessResult'
  ])
  expect(JSON.stringify(main.state)).not.toMatch(/ASIA|secret|token/i)
  expect([main.env, post?.env]).toEqual([{}, {}])
})

test('job mode: a failed step makes the post step report a failure naming the job, the step and the run', async () => {
  addThisRun(emu, [
    { name: 'Set up job', conclusion: 'success' },
    { name: 'Run make test', conclusion: 'failure' },
    { name: 'Upload logs', conclusion: 'success' }
  ])
  const job = emu.codepipeline.addJob()
  const { main, post } = await reportMainAndPost(emu, { 'job-id': job.id, 'failure-type': 'JobFailed' })
  expect(main.exitCode).toBe(0)
  expect(post?.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toEqual({
    jobId: job.id,
    failureDetails: {
      type: 'JobFailed',
      externalExecutionId: String(RUN_URL.split('/').pop()),
      message: `GitHub workflow "Build" run #42 (attempt 1) failed: job "build" failed at step "Run make test". Run: ${RUN_URL}`
    }
  })
  expect(post?.summary).toContain('❌ Reported failure to CodePipeline')
})

test('job mode without actions: read fails the first step and stops the pipeline at once with a ConfigurationError', async () => {
  addThisRun(emu, [{ name: 'Set up job', conclusion: 'success' }])
  emu.github.addToken('ghs_no_actions_read', { permissions: { actions: 'none' } })
  const job = emu.codepipeline.addJob()
  const { main, post } = await reportMainAndPost(
    emu,
    { 'job-id': job.id },
    { githubToken: 'ghs_no_actions_read' }
  )

  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain('add `permissions: actions: read` to the workflow or job')
  expect(main.stdout).toContain('Reported to CodePipeline as a ConfigurationError')
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining('add `permissions: actions: read`')
    }
  })
  // The post step has nothing left to do.
  expect(post?.exitCode).toBe(0)
  expect(emu.codepipeline.job(job.id)?.results).toHaveLength(1)
})

test('job mode with a wrong job ID fails the first step, before the build runs', async () => {
  addThisRun(emu, [])
  const missing = 'ffffffff-4567-89ab-cdef-0123456789ab'
  const { main, post } = await reportMainAndPost(emu, { 'job-id': missing })
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain(
    `CodePipeline has no job ${missing} in eu-west-1: check the job ID and aws-region`
  )
  expect(post?.exitCode).toBe(0)
  expect(operations(emu, 'codepipeline')).toEqual(['GetJobDetails'])
})

test("job mode: when this job cannot be found among the run's jobs, the first step says so and reports at once", async () => {
  emu.github.addRun('octo-org/octo-repo', {
    id: RUN_ID,
    jobs: [{ name: 'other', status: 'completed', conclusion: 'success', runnerName: 'elsewhere' }]
  })
  const job = emu.codepipeline.addJob()
  const { main, post } = await reportMainAndPost(emu, { 'job-id': job.id, 'failure-type': 'JobFailed' })
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain(
    'this job was not found among the run\'s jobs in progress on runner "GitHub Actions 1"'
  )
  expect(main.stdout).toContain('Reported to CodePipeline as a JobFailed.')
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'JobFailed',
      message: expect.stringContaining(
        'could not be judged: this job was not found among the run\'s jobs in progress on runner "GitHub Actions 1"'
      )
    }
  })
  // Read again over a few seconds first, in case GitHub had not recorded the job yet.
  expect(operations(emu, 'github').length).toBeGreaterThan(1)
  expect(post?.exitCode).toBe(0)
})

test('job mode: the post step waits for GitHub to record a step that just failed, then names it', async () => {
  const steps = (last: 'in_progress' | 'completed') => [
    { name: 'Set up job', conclusion: 'success' as const },
    last === 'completed'
      ? { name: 'Run make test', conclusion: 'failure' as const }
      : { name: 'Run make test', status: 'in_progress' as const },
    { name: 'Post Report to CodePipeline', status: 'in_progress' as const },
    { name: 'Complete job', status: 'pending' as const }
  ]
  addThisRun(emu, steps('in_progress'))
  const job = emu.codepipeline.addJob()
  const main = await report(emu, { 'job-id': job.id })
  expect(main.exitCode).toBe(0)
  // GitHub records the failed step's result only after the post step has started reading.
  const recorded = setTimeout(
    () =>
      emu.github.setRun(RUN_ID, {
        jobs: [{ name: 'build', status: 'in_progress', runnerName: RUNNER, steps: steps('completed') }]
      }),
    600
  )
  const readsBefore = operations(emu, 'github').length
  const post = await report(emu, { 'job-id': job.id }, { state: main.state })
  clearTimeout(recorded)
  // It read again: the first reading still showed the step running.
  expect(operations(emu, 'github').length - readsBefore).toBeGreaterThanOrEqual(2)
  expect(post.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { message: expect.stringContaining('job "build" failed at step "Run make test"') }
  })
})

test('job mode: a step GitHub never records as finished is not taken for a success', async () => {
  addThisRun(emu, [
    { name: 'Set up job', conclusion: 'success' },
    { name: 'Run make test', status: 'in_progress' }
  ])
  const job = emu.codepipeline.addJob()
  const { post } = await reportMainAndPost(emu, { 'job-id': job.id })
  expect(post?.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'SystemUnavailable',
      message: expect.stringContaining(
        'could not be judged: GitHub still showed step(s) "Run make test" of job "build" as unfinished'
      )
    }
  })
})

test('workflow mode judges the other jobs of the attempt: a failed matrix leg and a cancelled job', async () => {
  addThisRun(
    emu,
    [{ name: 'Set up job', conclusion: 'success' }],
    [
      { name: 'build', status: 'completed', conclusion: 'success', runnerName: 'r2' },
      {
        name: 'test (ubuntu-latest)',
        status: 'completed',
        conclusion: 'failure',
        runnerName: 'r3',
        steps: [
          { name: 'Checkout', conclusion: 'success' },
          { name: 'npm test', conclusion: 'failure' }
        ]
      },
      { name: 'test (windows-latest)', status: 'completed', conclusion: 'cancelled', runnerName: 'r4' },
      { name: 'docs', status: 'completed', conclusion: 'skipped', runnerName: null }
    ]
  )
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'workflow' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      message:
        'GitHub workflow "Build" run #42 (attempt 1) failed: job "test (ubuntu-latest)" failed at step "npm test"; ' +
        `job "test (windows-latest)" was cancelled. Run: ${RUN_URL}`
    }
  })
})

test('workflow mode: all other jobs green reports success', async () => {
  addThisRun(emu, [], [{ name: 'build', status: 'completed', conclusion: 'success', runnerName: 'r2' }])
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'workflow' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).kind).toBe('success')
})

test('workflow mode: a job list spread over several pages is read whole', async () => {
  const others = Array.from({ length: 120 }, (_, i) => ({
    name: `shard ${i}`,
    status: 'completed' as const,
    conclusion: i === 117 ? ('failure' as const) : ('success' as const),
    runnerName: `r${i}`
  }))
  addThisRun(emu, [], others)
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'workflow' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: { message: expect.stringContaining('job "shard 117" failed') }
  })
  expect(operations(emu, 'github').length).toBeGreaterThanOrEqual(2)
})

test('job mode: GitHub failing during the set-up check only warns; the post step reads again and reports', async () => {
  addThisRun(emu, [{ name: 'Run make test', conclusion: 'success' }])
  emu.faults.add({ service: 'github', kind: 'server-error', status: 503, times: 2 })
  const job = emu.codepipeline.addJob()
  const { main, post } = await reportMainAndPost(emu, { 'job-id': job.id, 'max-attempts': '2' })
  expect(main.exitCode).toBe(0)
  expect(main.commands).toContainEqual(
    expect.objectContaining({
      command: 'warning',
      message: expect.stringContaining(
        "Could not check read access to this run's jobs now; the post step will try again"
      )
    })
  )
  expect(post?.exitCode).toBe(0)
  expect(resultOf(emu, job.id).kind).toBe('success')
})

test('job mode: credentials failing in the first step say that the job is left waiting', async () => {
  addThisRun(emu, [])
  const job = emu.codepipeline.addJob()
  const { main, post } = await reportMainAndPost(
    emu,
    { 'job-id': job.id },
    { env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined } }
  )
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toContain('add `permissions: id-token: write`')
  expect(main.stdout).toContain(
    `CodePipeline job ${job.id} is left waiting until CodePipeline times it out; fix the set-up and re-run this job.`
  )
  expect(post?.exitCode).toBe(0)
  expect(emu.codepipeline.job(job.id)?.results).toEqual([])
})

test('workflow mode: another job still running is never taken for a success; the fix is needs:', async () => {
  addThisRun(emu, [], [{ name: 'deploy', status: 'in_progress', runnerName: 'r2' }])
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'workflow' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).request).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining(
        'could not be judged: job(s) "deploy" had not finished. Make this job depend on every other job with `needs:`'
      )
    }
  })
})

test('workflow mode: an exhausted GitHub rate limit (a 403) is GitHub being unavailable, not a missing permission', async () => {
  addThisRun(emu, [], [{ name: 'build', status: 'completed', conclusion: 'success', runnerName: 'r2' }])
  emu.faults.add({ service: 'github', kind: 'throttle', status: 403, times: 5 })
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'workflow', 'max-attempts': '2' })
  expect(result.exitCode).toBe(0)
  const { failureDetails } = resultOf(emu, job.id).request as {
    failureDetails: { type: string; message: string }
  }
  expect(failureDetails.type).toBe('SystemUnavailable')
  expect(failureDetails.message).toContain('API rate limit exceeded')
  expect(failureDetails.message).not.toContain('actions: read')
})

test('job mode in a container job: the runner\'s pending "Stop containers" step is no reason to wait or fail', async () => {
  addThisRun(emu, [
    { name: 'Set up job', conclusion: 'success' },
    { name: 'Initialize containers', conclusion: 'success' },
    { name: 'Run make test', conclusion: 'success' },
    { name: 'Post Report to CodePipeline', status: 'in_progress' },
    { name: 'Stop containers', status: 'pending' },
    { name: 'Complete job', status: 'pending' }
  ])
  const job = emu.codepipeline.addJob()
  const { post } = await reportMainAndPost(emu, { 'job-id': job.id })
  expect(post?.exitCode).toBe(0)
  expect(resultOf(emu, job.id).kind).toBe('success')
  expect(post?.durationMs).toBeLessThan(3000)
})

test('workflow mode: when this job cannot be found it says so, rather than asking for needs:', async () => {
  emu.github.addRun('octo-org/octo-repo', {
    id: RUN_ID,
    jobs: [
      { name: 'build', status: 'completed', conclusion: 'success', runnerName: 'r2' },
      { name: 'report', status: 'in_progress', runnerName: 'a runner with another name' }
    ]
  })
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'workflow' })
  expect(result.exitCode).toBe(0)
  const { failureDetails } = resultOf(emu, job.id).request as { failureDetails: { message: string } }
  expect(failureDetails.message).toContain(
    'could not be judged: this job was not found among the run\'s jobs in progress on runner "GitHub Actions 1"'
  )
  expect(failureDetails.message).not.toContain('needs:')
})
