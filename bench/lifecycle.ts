// Issue 14's two figures, against the emulator, with the bundled poll action run as the runner runs it:
// - abandon → run cancelled: from the stop rule's delivery (GitHub accepted the poll workflow's dispatch) to
//   GitHub cancelling the stopped execution's run, in the poll run the stop woke;
// - unreported run → job failed: from the start of the next scheduled poll run to CodePipeline recording the
//   failure of the job whose run ended (startup_failure) without reporting;
// both with 100 recent runs of the build workflow in the repository (their jobs answered), so reconciliation
// has its usual work, and side by side with a bare poll run (nothing queued, nothing to reconcile). Runs are
// interleaved and each figure is a median. The GitHub calls of the reconciling run are counted from the requests
// the emulator received.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startEmulator, type Emulator } from '../emulator/index.ts'
import { pollEnv, POLLER_ROLE, type PollStep } from './runner-env.ts'
import { median, timed } from './spawn-timed.ts'

const ENTRY = resolve('dist/poll/index.js')
const POLLER_REPO = 'octo-org/pipelines'
const POLL_WORKFLOW = 'codepipeline-poller.yml'
const APP = 'octo-org/app'
const HISTORY = 100
const BASE = {
  provider: 'GitHubActions',
  'role-to-assume': POLLER_ROLE,
  'allowed-targets': `${APP}/build.yml`
}

export interface LifecycleBench {
  runs: number
  history: number
  ms: { abandonToCancel: number; unreportedToFailed: number; reconcilingPoll: number; barePoll: number }
  /** GitHub calls of one reconciling poll run with `history` recent runs (the largest seen). */
  githubCalls: number
  checked: { cancelled: number; failed: number; bare: number }
}

export async function lifecycleBench(runs = 7): Promise<LifecycleBench> {
  const emu = await startEmulator()
  const dir = mkdtempSync(join(tmpdir(), 'bench-lifecycle-'))
  try {
    setUp(emu)
    const checked = { cancelled: 0, failed: 0, bare: 0 }
    const times = {
      abandonToCancel: [] as number[],
      unreportedToFailed: [] as number[],
      reconcilingPoll: [] as number[],
      barePoll: [] as number[]
    }
    let githubCalls = 0
    const kinds = ['abandon', 'unreported', 'bare'] as const
    const once = async (kind: (typeof kinds)[number], keep: boolean) => {
      if (kind === 'abandon') {
        const ms = await abandonToCancel(emu, dir)
        checked.cancelled++
        if (keep) times.abandonToCancel.push(ms)
      } else if (kind === 'unreported') {
        const { ms, whole, calls } = await unreportedToFailed(emu, dir)
        checked.failed++
        githubCalls = Math.max(githubCalls, calls)
        if (keep) times.unreportedToFailed.push(ms)
        if (keep) times.reconcilingPoll.push(whole)
      } else {
        const ms = await barePoll(emu, dir)
        checked.bare++
        if (keep) times.barePoll.push(ms)
      }
    }
    for (const kind of kinds) await once(kind, false) // warm-up
    for (let round = 0; round < runs; round++) {
      const order = round % 2 === 0 ? kinds : [...kinds].reverse()
      for (const kind of order) await once(kind, true)
    }
    return {
      runs,
      history: HISTORY,
      ms: {
        abandonToCancel: median(times.abandonToCancel),
        unreportedToFailed: median(times.unreportedToFailed),
        reconcilingPoll: median(times.reconcilingPoll),
        barePoll: median(times.barePoll)
      },
      githubCalls,
      checked
    }
  } finally {
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function setUp(emu: Emulator): void {
  emu.sts.addRole({ arn: POLLER_ROLE })
  const text = { required: false, type: 'string' as const }
  emu.github.addRepo(POLLER_REPO)
  emu.github.addWorkflow(POLLER_REPO, {
    file: POLL_WORKFLOW,
    name: 'CodePipeline poller',
    inputs: {
      'stopped-pipeline': text,
      'stopped-execution-id': text,
      'stopped-stage': text,
      'stopped-action': text
    }
  })
  emu.github.addWorkflow(APP, {
    file: 'build.yml',
    runName: 'Build for CodePipeline job ${{ inputs.codepipeline-job-id }}',
    inputs: { 'codepipeline-job-id': { required: true } }
  })
  emu.wakeUp.configureStop({ repository: POLLER_REPO, workflow: POLL_WORKFLOW, ref: 'main' })
  // The recent past: builds that reported, as most do.
  for (let i = 0; i < HISTORY; i++) {
    const job = emu.codepipeline.addJob({
      state: 'Succeeded',
      configuration: { Repository: APP, Workflow: 'build.yml' }
    })
    emu.github.addRun(APP, {
      workflow: 'build.yml',
      event: 'workflow_dispatch',
      inputs: { 'codepipeline-job-id': job.id },
      conclusion: 'success',
      createdAt: new Date(Date.now() - (i + 1) * 60_000)
    })
  }
}

/** A deploy in progress whose pipeline execution someone stops; the woken poll run cancels its run. */
async function abandonToCancel(emu: Emulator, dir: string): Promise<number> {
  const job = emu.codepipeline.addJob({
    pipelineName: 'web',
    stageName: 'Deploy',
    actionName: 'Ship',
    configuration: { Repository: APP, Workflow: 'build.yml' }
  })
  const run = emu.github.addRun(APP, {
    workflow: 'build.yml',
    event: 'workflow_dispatch',
    inputs: { 'codepipeline-job-id': job.id },
    status: 'in_progress'
  })
  const executionId = job.data.pipelineContext.pipelineExecutionId
  emu.codepipeline.stopPipelineExecution('web', executionId, { abandon: true })
  const delivery = await emu.wakeUp.forStop(executionId)
  const pollRun = delivery.dispatch && emu.github.run(delivery.dispatch.runId)
  if (!delivery.ok || !delivery.deliveredAt || !pollRun)
    throw new Error('bench: the stop rule did not start the poll workflow')
  const inputs = delivery.dispatch?.inputs as Record<string, string>
  await timed({
    command: process.execPath,
    args: [ENTRY],
    env: {
      ...pollEnv(emu, dir, step('workflow_dispatch', { ...BASE, ...inputs })),
      GITHUB_RUN_ID: String(pollRun.id)
    },
    exitCode: 0,
    verify: () => {
      if (emu.github.run(run.id)?.conclusion !== 'cancelled')
        throw new Error(`run ${run.id} was not cancelled`)
      if (job.results.length) throw new Error(`abandoned job ${job.id} got a result`)
    }
  })
  const cancelled = emu.github.cancellations.find(c => c.runId === run.id)
  return (cancelled?.at.getTime() ?? NaN) - delivery.deliveredAt.getTime()
}

/** A build whose workflow could not start; the next scheduled poll run fails its job. */
async function unreportedToFailed(
  emu: Emulator,
  dir: string
): Promise<{ ms: number; whole: number; calls: number }> {
  const job = emu.codepipeline.addJob({ configuration: { Repository: APP, Workflow: 'build.yml' } })
  const run = emu.github.addRun(APP, {
    workflow: 'build.yml',
    event: 'workflow_dispatch',
    inputs: { 'codepipeline-job-id': job.id },
    conclusion: 'startup_failure' as never
  })
  const env = pollEnv(emu, dir, step('schedule', BASE))
  const before = emu.requests.length
  const start = Date.now()
  const whole = await timed({
    command: process.execPath,
    args: [ENTRY],
    env: { ...env, GITHUB_RUN_ID: '1700000002' },
    exitCode: 0,
    verify: () => {
      const failure = job.results[0]?.request.failureDetails as { type?: string } | undefined
      if (job.results.length !== 1 || failure?.type !== 'ConfigurationError')
        throw new Error(`job ${job.id} of run ${run.id} was not failed once as ConfigurationError`)
    }
  })
  const calls = emu.requests.slice(before).filter(r => r.service === 'github').length
  return { ms: job.results[0].at.getTime() - start, whole, calls }
}

/** Nothing queued and nothing to reconcile: starting, authenticating and polling once. */
function barePoll(emu: Emulator, dir: string): Promise<number> {
  const env = pollEnv(emu, dir, step('schedule', { ...BASE, 'reconcile-hours': '0' }))
  const before = emu.requests.length
  return timed({
    command: process.execPath,
    args: [ENTRY],
    env: { ...env, GITHUB_RUN_ID: '1700000001' },
    exitCode: 0,
    verify: () => {
      const operations = emu.requests.slice(before).map(r => r.operation)
      if (
        operations.filter(o => o === 'PollForJobs').length !== 1 ||
        emu.requests.slice(before).some(r => r.service === 'github')
      )
        throw new Error(`a bare poll did more than poll once: ${operations.join(', ')}`)
    }
  })
}

function step(event: PollStep['event'], inputs: Record<string, string>): PollStep {
  return { repository: POLLER_REPO, workflow: POLL_WORKFLOW, event, inputs }
}
