// Track mode through whole cycles: dispatch → running → finished, each step a separate run of the bundled
// poll action, with CodePipeline's continuation jobs carrying the run from one poll to the next.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { Emulator, Job } from '../../emulator/index.ts'
import {
  REPO,
  expectNoSecrets,
  jobsOutput,
  logOf,
  queue,
  reported,
  runPoll,
  startPollEmulator
} from './poll-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startPollEmulator()
})
afterEach(() => emu.close())

const track = () => runPoll(emu, { mode: 'track' })

/** The follow-up job CodePipeline created after `job` succeeded with a continuation token. */
function continuationOf(job: Job): Job | undefined {
  return emu.codepipeline.jobs.find(j => j.previousJobId === job.id)
}

async function dispatchAndContinue(): Promise<{ first: Job; runId: number; next: Job }> {
  const first = queue(emu, { pipelineName: 'web', stageName: 'Build', actionName: 'Compile' })
  const result = await track()
  expect(result.exitCode).toBe(0)
  const runId = emu.github.dispatches[0].runId
  const token = `gha-run:1:${REPO}:${runId}`
  expect(reported(emu, first.id)).toEqual({
    jobId: first.id,
    continuationToken: token,
    executionDetails: {
      summary: `Started GitHub workflow build.yml in ${REPO}: https://github.com/${REPO}/actions/runs/${runId}`,
      externalExecutionId: String(runId),
      percentComplete: 0
    }
  })
  expect(result.outputs.dispatched).toBe('1')
  const next = continuationOf(emu.codepipeline.job(first.id)!)
  expect(next?.data.continuationToken).toBe(token)
  return { first, runId, next: next! }
}

describe('poll action: track mode', () => {
  it('dispatch → running (progress, same token) → success with the run URL', async () => {
    const { runId, next } = await dispatchAndContinue()
    const runUrl = `https://github.com/${REPO}/actions/runs/${runId}`

    emu.github.setRun(runId, {
      status: 'in_progress',
      jobs: [{ name: 'lint', conclusion: 'success' }, { name: 'test' }, { name: 'package' }, { name: 'sign' }]
    })
    const running = await track()

    expect(running.exitCode).toBe(0)
    expect(emu.github.dispatches).toHaveLength(1)
    expect(reported(emu, next.id)).toEqual({
      jobId: next.id,
      continuationToken: `gha-run:1:${REPO}:${runId}`,
      executionDetails: {
        summary: `GitHub workflow "build" run #1 (attempt 1) is in progress: 1 of 4 jobs done. ${runUrl}`,
        externalExecutionId: String(runId),
        percentComplete: 25
      }
    })
    expect(jobsOutput(running)[0]).toMatchObject({ result: 'running', runId, runUrl, repository: REPO })
    expect(running.outputs.dispatched).toBe('0')
    const last = continuationOf(emu.codepipeline.job(next.id)!)!

    emu.github.setRun(runId, {
      conclusion: 'success',
      jobs: ['lint', 'test', 'package', 'sign'].map(name => ({ name, conclusion: 'success' as const }))
    })
    const done = await track()

    expect(done.exitCode).toBe(0)
    expect(reported(emu, last.id)).toEqual({
      jobId: last.id,
      executionDetails: {
        summary: `GitHub workflow "build" run #1 (attempt 1) succeeded: ${runUrl}`,
        externalExecutionId: String(runId)
      }
    })
    expect(continuationOf(emu.codepipeline.job(last.id)!)).toBeUndefined()
    expect(logOf(done)).toContain(
      `Job ${last.id} (web / Build / Compile) → ${REPO} build.yml@main: succeeded`
    )
    expect(done.summary).toContain('✅ succeeded')
    expect(done.outputs).toMatchObject({ dispatched: '0', failed: '0' })
    expectNoSecrets(emu, done)
  })

  it('dispatch → failed: PutJobFailureResult names the failed jobs and steps and links the run', async () => {
    const { runId, next } = await dispatchAndContinue()

    emu.github.setRun(runId, {
      conclusion: 'failure',
      jobs: [
        { name: 'lint', conclusion: 'success' },
        {
          name: 'test',
          conclusion: 'failure',
          steps: [
            { name: 'Set up job', conclusion: 'success' },
            { name: 'Run tests', conclusion: 'failure' }
          ]
        },
        {
          name: 'package',
          conclusion: 'cancelled',
          steps: [{ name: 'Build image', conclusion: 'cancelled' }]
        }
      ]
    })
    const result = await track()

    expect(result.exitCode).toBe(0)
    expect(reported(emu, next.id)).toEqual({
      jobId: next.id,
      failureDetails: {
        type: 'JobFailed',
        message:
          'GitHub workflow "build" run #1 (attempt 1) failed: job "test" failed at step "Run tests"; ' +
          'job "package" was cancelled at step "Build image" (cancelled). ' +
          `Run: https://github.com/${REPO}/actions/runs/${runId}`,
        externalExecutionId: String(runId)
      }
    })
    expect(emu.codepipeline.job(next.id)?.state).toBe('Failed')
    expect(result.outputs).toMatchObject({ dispatched: '0', failed: '1' })
    expect(result.commands).toContainEqual(
      expect.objectContaining({
        command: 'warning',
        message: expect.stringContaining('failed, JobFailed: GitHub workflow "build"')
      })
    )
  })

  it('a run that failed without a failed job (startup failure) still fails the job', async () => {
    const { runId, next } = await dispatchAndContinue()
    emu.github.setRun(runId, { status: 'completed', conclusion: 'startup_failure' as never, jobs: [] })

    await track()

    expect(reported(emu, next.id)).toMatchObject({
      failureDetails: {
        type: 'JobFailed',
        message: expect.stringMatching(/^GitHub workflow "build" run #1 \(attempt 1\) failed\. Run: /)
      }
    })
  })

  it('GitHub unavailable while tracking keeps the action running with the same token', async () => {
    const { runId, next } = await dispatchAndContinue()
    emu.faults.add({
      service: 'github',
      operation: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
      kind: 'server-error',
      times: 2
    })

    const result = await runPoll(emu, { mode: 'track', 'max-attempts': '2' })

    expect(result.exitCode).toBe(0)
    expect(reported(emu, next.id)).toMatchObject({
      continuationToken: `gha-run:1:${REPO}:${runId}`,
      executionDetails: { summary: expect.stringContaining(`Could not check ${REPO} run ${runId} (`) }
    })
    expect(jobsOutput(result)[0].result).toBe('running')
  })

  it('a token that may not read the run fails the job as a PermissionError', async () => {
    const { runId, next } = await dispatchAndContinue()
    emu.github.addToken('ghs_none', { permissions: { actions: 'none' } })

    await runPoll(emu, { mode: 'track', 'github-token': 'ghs_none' })

    expect(reported(emu, next.id)).toMatchObject({
      failureDetails: {
        type: 'PermissionError',
        message: expect.stringContaining(
          `The poller's github-token may not read ${REPO} run ${runId} (HTTP 403`
        ),
        externalExecutionId: String(runId)
      }
    })
  })

  it('a continuation job polled in dispatch mode is still tracked, never dispatched again', async () => {
    const { runId, next } = await dispatchAndContinue()
    emu.github.setRun(runId, { conclusion: 'success', jobs: [{ name: 'build', conclusion: 'success' }] })

    const result = await runPoll(emu)

    expect(emu.github.dispatches).toHaveLength(1)
    expect(reported(emu, next.id)).toMatchObject({
      executionDetails: { summary: expect.stringContaining('succeeded') }
    })
    expect(result.outputs).toMatchObject({ dispatched: '0', failed: '0' })
  })
})
