// The poll action looks after the runs earlier polls started: a run that ended without reporting gets its job
// failed (with the run named and linked), a run no runner took is cancelled and its job failed, a job that has
// its answer is left alone, and only the poller's own workflows' runs, for their own jobs, are ever touched.
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import type { Emulator, Job } from '../../emulator/index.ts'
import {
  jobsOutput,
  logOf,
  queue,
  REPO,
  reported,
  runPoll,
  startPollEmulator,
  type PolledJob
} from './poll-fixture.ts'

let emu: Emulator
beforeAll(async () => {
  emu = await startPollEmulator()
  emu.github.addWorkflow(REPO, {
    file: 'release.yml',
    runName: 'Release for CodePipeline job ${{ inputs.codepipeline-job-id }}',
    inputs: { 'codepipeline-job-id': { required: true } }
  })
  emu.github.addWorkflow(REPO, {
    file: 'nameless.yml',
    inputs: { 'codepipeline-job-id': { required: true } }
  })
})
afterAll(() => emu.close())
beforeEach(() => {
  emu.faults.clear()
})

const reconciledOf = (outputs: Record<string, string>): PolledJob[] => JSON.parse(outputs.reconciled)

/** A job dispatched by a first poll run; returns it with the run GitHub started for it. */
async function dispatched(init: Parameters<typeof queue>[1] = {}) {
  const job = queue(emu, init)
  const first = await runPoll(emu)
  expect(first.exitCode).toBe(0)
  const [polled] = jobsOutput(first).filter(j => j.jobId === job.id)
  expect(polled).toMatchObject({ result: 'dispatched' })
  return { job, runId: polled.runId as number }
}

function failureOf(job: Job) {
  return reported(emu, job.id)?.failureDetails as {
    type: string
    message: string
    externalExecutionId?: string
  }
}

test.each([
  [
    'startup_failure',
    'ConfigurationError',
    'could not start (startup_failure), so it never reported on this job'
  ],
  ['success', 'ConfigurationError', "finished (success) without reporting this job's result"],
  ['cancelled', 'JobFailed', "was cancelled before it reported this job's result"],
  ['failure', 'JobFailed', "ended (failure) before it reported this job's result"],
  ['timed_out', 'JobFailed', "ended (timed_out) before it reported this job's result"]
])(
  'a run that ended (%s) without reporting gets its job failed at the next poll',
  async (conclusion, type, text) => {
    const { job, runId } = await dispatched()
    const run = emu.github.setRun(runId, { conclusion: conclusion as never })
    const next = await runPoll(emu)
    expect(next.exitCode).toBe(0)
    expect(failureOf(job)).toEqual({
      type,
      message: expect.stringContaining(text),
      externalExecutionId: String(runId)
    })
    expect(failureOf(job).message).toMatch(
      new RegExp(
        `^GitHub workflow "${run.name}" run #${run.run_number} \\(attempt 1\\) .* Run: ${run.html_url}$`
      )
    )
    expect(reconciledOf(next.outputs)).toEqual([
      expect.objectContaining({ jobId: job.id, runId, result: 'failed', runUrl: run.html_url })
    ])
    expect(next.summary).toContain('### Runs started earlier')
    expect(logOf(next)).toContain(`::warning::Job ${job.id} (my-pipeline / Build / GitHubActions)`)
  }
)

test('a skipped report job: the run is green, so the workflow is what to fix (ConfigurationError)', async () => {
  const { job, runId } = await dispatched()
  emu.github.setRun(runId, {
    conclusion: 'success',
    jobs: [
      { name: 'build', conclusion: 'success' },
      { name: 'report', conclusion: 'skipped' }
    ]
  })
  await runPoll(emu)
  expect(failureOf(job)).toMatchObject({ type: 'ConfigurationError' })
})

test('a run queued past queue-timeout-minutes is cancelled and its job failed as SystemUnavailable', async () => {
  const { job, runId } = await dispatched()
  emu.github.setRun(runId, { createdAt: new Date(Date.now() - 45 * 60_000) })
  const next = await runPoll(emu, { 'queue-timeout-minutes': '30' })
  expect(failureOf(job)).toEqual({
    type: 'SystemUnavailable',
    message: expect.stringContaining(
      'was still queued after 30 minutes (queue-timeout-minutes of the poll action)'
    ),
    externalExecutionId: String(runId)
  })
  expect(emu.github.cancellations.map(c => c.runId)).toContain(runId)
  expect(emu.github.run(runId)).toMatchObject({ status: 'completed', conclusion: 'cancelled' })
  expect(reconciledOf(next.outputs)).toEqual([expect.objectContaining({ jobId: job.id, result: 'failed' })])
})

test('a queued run within the limit, and a running one, are left alone', async () => {
  const queued = await dispatched()
  const running = await dispatched()
  emu.github.setRun(queued.runId, { createdAt: new Date(Date.now() - 10 * 60_000) })
  emu.github.setRun(running.runId, { status: 'in_progress', createdAt: new Date(Date.now() - 50 * 60_000) })
  const cancels = emu.github.cancellations.length
  const next = await runPoll(emu)
  expect([reported(emu, queued.job.id), reported(emu, running.job.id)]).toEqual([undefined, undefined])
  expect(emu.github.cancellations.length).toBe(cancels)
  expect(reconciledOf(next.outputs)).toEqual([])
})

test('a job that already has its answer is left alone: no second result, no warning', async () => {
  const { job, runId } = await dispatched()
  emu.github.setRun(runId, { conclusion: 'success' })
  job.state = 'Succeeded'
  const next = await runPoll(emu)
  expect(next.exitCode).toBe(0)
  expect(job.results).toEqual([])
  expect(reconciledOf(next.outputs)).toEqual([])
  expect(next.commands.filter(c => c.command === 'warning')).toEqual([])
  // It was tried once: CodePipeline's refusal is the expected, silent answer, never retried.
  const tries = emu.requests.filter(
    r => r.operation === 'PutJobFailureResult' && (r.body as { jobId?: string }).jobId === job.id
  )
  expect(tries.length).toBe(1)
})

test('a run of a workflow outside allowed-targets is never touched, even when it names a job', async () => {
  const job = queue(emu, { configuration: { Repository: REPO, Workflow: 'release.yml' } })
  const first = await runPoll(emu, { 'allowed-targets': `${REPO}/release.yml` })
  const runId = jobsOutput(first)[0].runId as number
  emu.github.setRun(runId, { conclusion: 'failure' })
  const next = await runPoll(emu, { 'allowed-targets': `${REPO}/build.yml` })
  expect(reported(emu, job.id)).toBeUndefined()
  expect(reconciledOf(next.outputs)).toEqual([])
})

test("a run whose name shows another pipeline's job cannot get that job failed", async () => {
  // The victim: a job of another repository's workflow, acknowledged by some other worker.
  const victim = emu.codepipeline.addJob({
    configuration: { Repository: 'octo-org/payments', Workflow: 'deploy.yml' }
  })
  const run = emu.github.addRun(REPO, {
    workflow: 'build.yml',
    event: 'workflow_dispatch',
    // Anyone who may start build.yml chooses its inputs, so its run-name can show any job ID.
    inputs: { 'codepipeline-job-id': victim.id },
    conclusion: 'failure'
  })
  const next = await runPoll(emu, { 'allowed-targets': `${REPO}/build.yml` })
  expect(run.display_title).toContain(victim.id)
  expect(victim.results).toEqual([])
  expect(reconciledOf(next.outputs)).toEqual([])
})

test('at dispatch, a workflow whose run-name does not show the job ID gets one warning with the line to add', async () => {
  const jobs = [1, 2].map(() => queue(emu, { configuration: { Repository: REPO, Workflow: 'nameless.yml' } }))
  const result = await runPoll(emu)
  expect(jsonResults(result.outputs.jobs)).toEqual(jobs.map(() => 'dispatched'))
  const advice = result.commands.filter(
    c => c.command === 'warning' && c.message.includes('do not show their CodePipeline job ID')
  )
  expect(advice).toHaveLength(1)
  expect(advice[0].message).toContain(
    `Runs of ${REPO}/.github/workflows/nameless.yml do not show their CodePipeline job ID in their name`
  )
  expect(advice[0].message).toContain(
    'run-name: nameless for CodePipeline job ${{ inputs.codepipeline-job-id }}'
  )
})

test('two pollers reconciling at once answer each job exactly once', async () => {
  const runs = [await dispatched(), await dispatched(), await dispatched()]
  for (const { runId } of runs) emu.github.setRun(runId, { conclusion: 'startup_failure' })
  const [a, b] = await Promise.all([runPoll(emu), runPoll(emu)])
  expect([a.exitCode, b.exitCode]).toEqual([0, 0])
  for (const { job } of runs) {
    expect(job.results).toHaveLength(1)
    expect(failureOf(job)).toMatchObject({ type: 'ConfigurationError' })
  }
  expect(reconciledOf(a.outputs).length + reconciledOf(b.outputs).length).toBe(3)
})

test('reconcile-hours: 0 looks at nothing and makes no GitHub call', async () => {
  const { job, runId } = await dispatched()
  emu.github.setRun(runId, { conclusion: 'failure' })
  emu.requests.length = 0
  const next = await runPoll(emu, { 'reconcile-hours': '0' })
  expect(reported(emu, job.id)).toBeUndefined()
  expect(emu.requests.filter(r => r.service === 'github')).toEqual([])
  expect(next.summary).not.toContain('Runs started earlier')
})

function jsonResults(jobs: string): string[] {
  return (JSON.parse(jobs) as PolledJob[]).map(j => j.result)
}
