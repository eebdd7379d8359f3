// The bridge's own part of the wake-up path (issue 10): from the emulator's wake-up request, EventBridge's
// workflow_dispatch of the poll workflow as GitHub answered it, to the build workflow's dispatch by the poll action
// that the woken run starts. The poll action is the bundle (dist/poll/index.js) in a fresh process with the
// runner's INPUT_* variables and files, started as soon as GitHub has accepted the wake-up: what GitHub itself
// takes to start a run on a runner is not the bridge's, and not measured here.
//
// Side by side with a bare poll run: the same action finding nothing to do (PollForJobs returns no job), so the
// difference is what taking a job costs beyond starting, authenticating and polling at all. Runs are interleaved
// (the order alternates every round) and each figure is a median.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startEmulator, type Emulator, type WakeUpDelivery } from '../emulator/index.ts'
import { pollEnv, POLLER_ROLE, type PollStep } from './runner-env.ts'
import { median, timed, type Invocation } from './spawn-timed.ts'

const ENTRY = resolve('dist/poll/index.js')
const REPO = 'octo-org/pipelines'
const POLL_WORKFLOW = 'codepipeline-poller.yml'
/** The examples' poll step: examples/poll-dispatch.yml (wait-seconds 20 ends at the first poll that finds a job). */
const WOKEN_INPUTS = { provider: 'GitHubActions', 'role-to-assume': POLLER_ROLE, 'wait-seconds': '20' }
/** A bare poll: polls once and finds nothing (wait-seconds 20 would wait 20 s for nothing). */
const BARE_INPUTS = { provider: 'GitHubActions', 'role-to-assume': POLLER_ROLE, 'wait-seconds': '0' }

export interface WakeUpBench {
  runs: number
  /** Medians, in milliseconds. */
  ms: {
    /** Job queued → wake-up delivered: the emulator standing in for EventBridge (a fixed delay and one request). */
    queuedToWakeUp: number
    /** Wake-up delivered → the build workflow dispatched: the bridge's part. */
    wakeUpToBuild: number
    /** The woken poll run, spawn to exit (for reference: it exits after the dispatch). */
    wokenPoll: number
    /** A bare poll run, spawn to exit. */
    barePoll: number
  }
  /** The wake-up's modelled EventBridge delay. */
  delayMs: number
  checked: { woken: number; bare: number }
}

export async function wakeUpBench(runs = 15): Promise<WakeUpBench> {
  const emu = await startEmulator()
  const dir = mkdtempSync(join(tmpdir(), 'bench-wakeup-'))
  try {
    emu.sts.addRole({ arn: POLLER_ROLE })
    emu.github.addRepo(REPO)
    emu.github.addWorkflow(REPO, { file: POLL_WORKFLOW, name: 'CodePipeline poller' })
    emu.github.addWorkflow(REPO, { file: 'build.yml', inputs: { 'codepipeline-job-id': { required: true } } })
    const { delayMs } = emu.wakeUp.configure({ repository: REPO, workflow: POLL_WORKFLOW, ref: 'main' })
    const step = (event: PollStep['event'], inputs: Record<string, string>): PollStep => ({
      repository: REPO,
      workflow: POLL_WORKFLOW,
      event,
      inputs
    })
    const checked = { woken: 0, bare: 0 }
    const woken = () => wokenRun(emu, dir, step('workflow_dispatch', WOKEN_INPUTS), () => checked.woken++)
    const bare = () => bareRun(emu, dir, step('schedule', BARE_INPUTS), () => checked.bare++)

    // One warm-up of each, so the file system cache is not what is measured.
    await woken()
    await bare()
    const times = {
      queuedToWakeUp: [] as number[],
      wakeUpToBuild: [] as number[],
      wokenPoll: [] as number[],
      barePoll: [] as number[]
    }
    for (let round = 0; round < runs; round++) {
      for (const which of round % 2 === 0 ? ['woken', 'bare'] : ['bare', 'woken']) {
        if (which === 'bare') times.barePoll.push(await bare())
        else {
          const run = await woken()
          times.queuedToWakeUp.push(run.queuedToWakeUp)
          times.wakeUpToBuild.push(run.wakeUpToBuild)
          times.wokenPoll.push(run.wokenPoll)
        }
      }
    }
    return {
      runs,
      ms: {
        queuedToWakeUp: median(times.queuedToWakeUp),
        wakeUpToBuild: median(times.wakeUpToBuild),
        wokenPoll: median(times.wokenPoll),
        barePoll: median(times.barePoll)
      },
      delayMs,
      checked
    }
  } finally {
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** CodePipeline queues a job; once the wake-up is delivered, the woken run's poll step runs at once. */
async function wokenRun(
  emu: Emulator,
  dir: string,
  step: PollStep,
  passed: () => void
): Promise<{ queuedToWakeUp: number; wakeUpToBuild: number; wokenPoll: number }> {
  // Everything the runner prepares for the step is ready before the job is queued, so none of it is timed.
  const env = pollEnv(emu, dir, step)
  const dispatchesBefore = emu.github.dispatches.length
  const job = emu.codepipeline.queueJob({
    configuration: { Repository: REPO, Workflow: 'build.yml', Ref: 'main' }
  })
  const delivery: WakeUpDelivery = await emu.wakeUp.forJob(job.id)
  const pollRun = delivery.dispatch && emu.github.run(delivery.dispatch.runId)
  if (!delivery.ok || !delivery.deliveredAt || !pollRun || pollRun.event !== 'workflow_dispatch')
    throw new Error(
      `bench: the wake-up for job ${job.id} did not start the poll workflow (${delivery.status})`
    )
  const invocation: Invocation = {
    command: process.execPath,
    args: [ENTRY],
    env: { ...env, GITHUB_RUN_ID: String(pollRun.id), GITHUB_RUN_NUMBER: String(pollRun.run_number) },
    exitCode: 0,
    verify: () => {
      const builds = emu.github.dispatches.slice(dispatchesBefore).filter(d => d.workflow === 'build.yml')
      if (builds.length !== 1 || builds[0].inputs['codepipeline-job-id'] !== job.id)
        throw new Error(`job ${job.id}: expected one dispatch of build.yml with its ID, got ${builds.length}`)
      if (job.state !== 'InProgress') throw new Error(`job ${job.id} is ${job.state}, not acknowledged`)
      passed()
    }
  }
  const wokenPoll = await timed(invocation)
  const build = emu.github.dispatches.slice(dispatchesBefore).find(d => d.workflow === 'build.yml')!
  return {
    queuedToWakeUp: delivery.deliveredAt.getTime() - delivery.queuedAt.getTime(),
    wakeUpToBuild: build.at.getTime() - delivery.deliveredAt.getTime(),
    wokenPoll
  }
}

/** A run of the poll workflow with nothing queued: one PollForJobs, no job, nothing acknowledged or started. */
function bareRun(emu: Emulator, dir: string, step: PollStep, passed: () => void): Promise<number> {
  const env = pollEnv(emu, dir, step)
  const requestsBefore = emu.requests.length
  const dispatchesBefore = emu.github.dispatches.length
  return timed({
    command: process.execPath,
    args: [ENTRY],
    env: { ...env, GITHUB_RUN_ID: '1700000001', GITHUB_RUN_NUMBER: '1' },
    exitCode: 0,
    verify: () => {
      const operations = emu.requests.slice(requestsBefore).map(r => r.operation)
      const polls = operations.filter(o => o === 'PollForJobs').length
      if (
        polls !== 1 ||
        operations.includes('AcknowledgeJob') ||
        emu.github.dispatches.length !== dispatchesBefore
      )
        throw new Error(`a bare poll did more than poll once and find nothing: ${operations.join(', ')}`)
      passed()
    }
  })
}
