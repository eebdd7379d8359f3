// Stopping the pipeline stops the run: the template's stop rule wakes the poll workflow with the stopped action,
// and the bundled poll action cancels that execution's runs; without the rule, the report step says plainly that
// the pipeline gave up. A forged stop cancels nothing, and a stopped job's report never lands on a newer job.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import type { Emulator, Job } from '../../emulator/index.ts'
import { runAction } from './harness.ts'
import { jobsOutput, queue, REPO, runPoll, startPollEmulator } from './poll-fixture.ts'
import { ROLE as REPORTER } from './report-fixture.ts'

let emu: Emulator
beforeAll(async () => {
  emu = await startPollEmulator()
  emu.sts.addRole({ arn: REPORTER, subject: 'repo:octo-org/octo-repo:*' })
  const stopped = { required: false, type: 'string' as const }
  emu.github.addWorkflow(REPO, {
    file: 'poll.yml',
    name: 'CodePipeline poller',
    inputs: {
      'stopped-pipeline': stopped,
      'stopped-execution-id': stopped,
      'stopped-stage': stopped,
      'stopped-action': stopped
    }
  })
})
afterAll(() => emu.close())

/** A deploy job dispatched by a poll run, whose run is now in progress. */
async function deploying(): Promise<{ job: Job; runId: number }> {
  const job = queue(emu, { pipelineName: 'web', stageName: 'Deploy', actionName: 'Ship' })
  const first = await runPoll(emu)
  const runId = jobsOutput(first).find(j => j.jobId === job.id)?.runId as number
  emu.github.setRun(runId, { status: 'in_progress' })
  return { job, runId }
}

function stop(job: Job): string {
  const executionId = job.data.pipelineContext.pipelineExecutionId
  emu.codepipeline.stopPipelineExecution('web', executionId, { abandon: true, reason: 'bad release' })
  return executionId
}

test('Stop and abandon: the stop rule wakes the poller, which cancels the run and says why', async () => {
  emu.wakeUp.configureStop({ repository: REPO, workflow: 'poll.yml' })
  const { job, runId } = await deploying()
  const executionId = stop(job)
  expect(job.state).toBe('Abandoned')
  const delivery = await emu.wakeUp.forStop(executionId)
  expect(delivery).toMatchObject({ ok: true, state: 'ABANDONED' })
  // The poll workflow passes its inputs to the action, as examples/poll-dispatch.yml does.
  const inputs = delivery.dispatch?.inputs as Record<string, string>
  expect(inputs).toEqual({
    'stopped-pipeline': 'web',
    'stopped-execution-id': executionId,
    'stopped-stage': 'Deploy',
    'stopped-action': 'Ship'
  })
  const woken = await runPoll(emu, inputs)
  expect(woken.exitCode).toBe(0)
  expect(emu.github.run(runId)).toMatchObject({ status: 'completed', conclusion: 'cancelled' })
  expect(emu.github.cancellations.filter(c => c.runId === runId)).toHaveLength(1)
  const [entry] = JSON.parse(woken.outputs.reconciled)
  expect(entry).toMatchObject({ jobId: job.id, runId, result: 'cancelled', pipeline: 'web' })
  expect(entry.detail).toContain(
    `pipeline web execution ${executionId} was stopped: its action Ship (stage Deploy) was abandoned at`
  )
  expect(woken.stdout).toContain(
    `Woken by the stop of pipeline web execution ${executionId} (action Ship): cancelled run ${runId}.`
  )
  expect(woken.summary).toContain('⏹️ run cancelled')
  // Nothing is reported on an abandoned job, and a second poll does not cancel twice.
  expect(job.results).toEqual([])
  await runPoll(emu)
  expect(emu.github.cancellations.filter(c => c.runId === runId)).toHaveLength(1)
}, 60_000)

test('a forged stop (the pipeline is still running) cancels nothing', async () => {
  const { job, runId } = await deploying()
  const woken = await runPoll(emu, {
    'stopped-pipeline': 'web',
    'stopped-execution-id': job.data.pipelineContext.pipelineExecutionId,
    'stopped-stage': 'Deploy',
    'stopped-action': 'Ship'
  })
  expect(woken.exitCode).toBe(0)
  expect(emu.github.run(runId)).toMatchObject({ status: 'in_progress' })
  expect(woken.stdout).toContain('no run of it was queued or running')
})

/** The bundled report action, run as the dispatched run's own job would run it. */
function reportAs(runId: number, jobId: string, inputs: Record<string, string> = {}) {
  return runAction({
    action: 'action.yml',
    githubToken: emu.github.token,
    inputs: { 'role-to-assume': REPORTER, 'job-id': jobId, status: 'success', ...inputs },
    env: { ...emu.env, GITHUB_RUN_ID: String(runId) }
  })
}

test('without the stop rule, the report step says the pipeline execution was stopped and fails the run', async () => {
  const { job, runId } = await deploying()
  const executionId = stop(job)
  const result = await reportAs(runId, job.id)
  expect(result.exitCode).toBe(1)
  expect(result.outputs.result).toBe('abandoned')
  const error = result.commands.find(c => c.command === 'error')?.message ?? ''
  expect(error).toMatch(
    new RegExp(
      `^CodePipeline job ${job.id} \\(web / Deploy / Ship\\) was abandoned at \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z: its pipeline execution ${executionId} was stopped`
    )
  )
  expect(error).toContain("Nothing was reported: this run's success was not recorded.")
  expect(error).not.toContain('left waiting')
  expect(result.summary).toContain('The pipeline execution was stopped: nothing was reported')
  expect(job.results).toEqual([])
  // A re-run attempt only warns, as for any job that already has a result.
  const rerun = await runAction({
    action: 'action.yml',
    githubToken: emu.github.token,
    inputs: { 'role-to-assume': REPORTER, 'job-id': job.id, status: 'success' },
    env: { ...emu.env, GITHUB_RUN_ID: String(runId), GITHUB_RUN_ATTEMPT: '2' }
  })
  expect([rerun.exitCode, rerun.outputs.result]).toEqual([0, 'already-reported'])
})

test("a stopped job's report never lands on the newer job of the same action", async () => {
  const { job, runId } = await deploying()
  stop(job)
  // The stage is retried: CodePipeline creates a new job for the same action.
  const newer = queue(emu, { pipelineName: 'web', stageName: 'Deploy', actionName: 'Ship' })
  const result = await reportAs(runId, job.id, { status: 'failure' })
  expect(result.exitCode).toBe(1)
  expect([job.results, newer.results]).toEqual([[], []])
  expect(newer.state).toBe('Queued')
})

test("job mode: the main step stops before the build when the job's pipeline execution was already stopped", async () => {
  const { job, runId } = await deploying()
  stop(job)
  emu.github.setRun(runId, {
    status: 'in_progress',
    jobs: [
      { name: 'deploy', status: 'in_progress', runnerName: 'GitHub Actions 1', steps: [{ name: 'Report' }] }
    ]
  })
  const main = await reportAs(runId, job.id, { status: 'job' })
  expect(main.exitCode).toBe(1)
  expect(main.commands.find(c => c.command === 'error')?.message).toContain(
    'was stopped, so there is nothing to build or report'
  )
  expect(main.state.armed).toBeUndefined()
  expect(job.results).toEqual([])
})
