// Issue 10 end to end: CodePipeline queues a job, EventBridge (the emulator's wake-up) starts the poll workflow
// with a workflow_dispatch, and that run of the bundled poll action (dist/poll/index.js) dispatches the build.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { DISPATCH_ROUTE, REPO, jobsOutput, queue, runPoll, startPollEmulator } from './poll-fixture.ts'

const POLL_WORKFLOW = 'codepipeline-poller.yml'

let emu: Emulator
beforeEach(async () => {
  emu = await startPollEmulator()
  // The poller repository's poll workflow: on workflow_dispatch, no inputs (the wake-up sends only a ref).
  emu.github.addWorkflow(REPO, { file: POLL_WORKFLOW })
})
afterEach(() => emu.close())

test('a queued job wakes the poll workflow, whose poll action then dispatches the build with the job ID', async () => {
  emu.wakeUp.configure({ repository: REPO, workflow: POLL_WORKFLOW, ref: 'main' })
  const job = queue(emu)

  const wakeUp = await emu.wakeUp.forJob(job.id)

  expect(wakeUp).toMatchObject({ ok: true, status: 204 })
  expect(wakeUp.dispatch).toMatchObject({ repo: REPO, workflow: POLL_WORKFLOW, ref: 'main', inputs: {} })
  const woken = emu.requests.find(r => r.requestId === wakeUp.dispatch?.requestId)
  expect(woken?.headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations')
  // The run GitHub started for the wake-up is a workflow_dispatch run of the poll workflow.
  expect(emu.github.run(wakeUp.dispatch?.runId ?? 0)).toMatchObject({
    event: 'workflow_dispatch',
    path: `.github/workflows/${POLL_WORKFLOW}`
  })
  expect(wakeUp.latencyMs).toBeLessThan(2000)

  // That run's poll step, as the runner would start it.
  const result = await runPoll(emu)

  expect(result.exitCode).toBe(0)
  expect(result.outputs.dispatched).toBe('1')
  expect(jobsOutput(result).map(j => j.jobId)).toEqual([job.id])
  const builds = emu.github.dispatches.filter(d => d.workflow === 'build.yml')
  expect(builds).toHaveLength(1)
  expect(builds[0]).toMatchObject({ repo: REPO, inputs: { 'codepipeline-job-id': job.id } })
  // The wake-up's dispatch came first, from EventBridge; the build's from the poll action.
  const dispatches = emu.requests.filter(r => r.operation === DISPATCH_ROUTE)
  expect(dispatches.map(r => r.headers['user-agent'])).toEqual([
    'Amazon/EventBridge/ApiDestinations',
    expect.not.stringContaining('EventBridge')
  ])
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})

test('without the poll workflow in the repository, GitHub refuses the wake-up and no job is dispatched', async () => {
  emu.wakeUp.configure({ repository: REPO, workflow: 'not-there.yml', delayMs: 0 })
  const job = queue(emu)

  const wakeUp = await emu.wakeUp.forJob(job.id)

  expect(wakeUp).toMatchObject({ ok: false, status: 404 })
  expect(emu.github.dispatches).toEqual([])
  expect(emu.codepipeline.job(job.id)?.state).toBe('Queued')
})
