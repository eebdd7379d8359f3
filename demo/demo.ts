// The whole bridge on one machine: the project's emulator stands in for CodePipeline, STS, GitHub's REST API and
// its OIDC token service; the bundled actions (dist/) run as separate processes exactly as the runner starts
// them. Four scenarios: a green and a red build in dispatch mode (the workflow reports with the report
// action), then the same pair in track mode (the poller follows the run with continuation tokens).
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator, type Emulator, type GitHubJobInit, type Job } from '../emulator/index.ts'
import { RUNNER_DEFAULTS, runAction, type ActionResult } from '../__tests__/e2e/harness.ts'
import { Printer, printActionLog, printRequests, short } from './timeline.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REPORT_ACTION = join(ROOT, 'action.yml')
const POLL_ACTION = join(ROOT, 'poll', 'action.yml')

export const ACCOUNT = '123456789012'
export const POLLER_REPO = 'octo-org/pipelines'
export const APP_REPO = 'octo-org/app'
export const POLLER_ROLE = `arn:aws:iam::${ACCOUNT}:role/codepipeline-bridge-poller`
export const REPORTER_ROLE = `arn:aws:iam::${ACCOUNT}:role/codepipeline-bridge-reporter`
export const PROVIDER = 'GitHubActions'
export const FAILING_STEP = 'Run unit tests'
const REPORT_STEP = 'Report to CodePipeline'
const RUNNER = RUNNER_DEFAULTS.RUNNER_NAME
const PIPELINE = { pipelineName: 'web-app', stageName: 'Build', actionName: 'UnitTests' }
const COMMIT = '9fceb02d0ae598e95dc970b74767f19372d61af8'

export type Mode = 'dispatch' | 'track'
export interface Scenario {
  mode: Mode
  green: boolean
}
export const SCENARIOS: readonly Scenario[] = [
  { mode: 'dispatch', green: true },
  { mode: 'dispatch', green: false },
  { mode: 'track', green: true },
  { mode: 'track', green: false }
]

export interface DemoOptions {
  /** Receives each line of the timeline; default: nothing is printed. */
  write?: (line: string) => void
  color?: boolean
  /** Runs once the bridge is set up, before the scenarios: lets a test break something on purpose. */
  tamper?: (emu: Emulator) => void
}

export interface DemoResult {
  passed: number
  /** The expectations that did not hold, in words. */
  failed: string[]
  /** The timeline as printed, without colours. */
  output: string
  durationMs: number
}

interface World {
  emu: Emulator
  out: Printer
  oidcIndex: { next: number }
  /** What the poll workflow passes as github-token: may start workflows in APP_REPO, nothing else. */
  dispatchToken: string
  /** The GITHUB_TOKEN of the dispatched runs: actions: read on APP_REPO. */
  appRunToken: string
  pollerRunToken: string
  pollerRuns: number
  checks: { passed: number; failed: string[] }
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now()
  const out = new Printer(options.write ?? (() => {}), options.color ?? false)
  const emu = await startEmulator()
  const world: World = {
    emu,
    out,
    oidcIndex: { next: 0 },
    dispatchToken: 'github_pat_' + randomBytes(24).toString('hex'),
    appRunToken: 'ghs_' + randomBytes(18).toString('hex'),
    pollerRunToken: 'ghs_' + randomBytes(18).toString('hex'),
    pollerRuns: 0,
    checks: { passed: 0, failed: [] }
  }
  try {
    setUp(world)
    options.tamper?.(emu)
    const chains: Array<{ scenario: Scenario; first: Job }> = []
    for (const [index, scenario] of SCENARIOS.entries()) {
      header(world, index, scenario)
      const first =
        scenario.mode === 'dispatch'
          ? await dispatchScenario(world, scenario)
          : await trackScenario(world, scenario)
      chains.push({ scenario, first })
    }
    finalState(world, chains)
    out.line()
    const secrets = secretsOf(world)
    check(
      world,
      secrets.every(secret => !out.text.includes(secret)),
      `no token, key or session credential appears in this timeline (${secrets.length} secrets checked)`
    )
  } finally {
    await emu.close()
  }
  const durationMs = performance.now() - started
  const { passed, failed } = world.checks
  out.line()
  out.line(
    failed.length === 0
      ? out.paint(['bold', 'green'], `All ${passed} expectations held (${(durationMs / 1000).toFixed(1)} s).`)
      : out.paint(['bold', 'red'], `${failed.length} of ${passed + failed.length} expectations failed:`)
  )
  for (const f of failed) out.line(out.paint('red', `  ✗ ${f}`))
  return { passed, failed, output: out.text, durationMs }
}

function setUp(world: World): void {
  const { emu, out } = world
  emu.sts.addRole({ arn: POLLER_ROLE, subject: `repo:${POLLER_REPO}:ref:refs/heads/main` })
  emu.sts.addRole({ arn: REPORTER_ROLE, subject: `repo:${APP_REPO}:ref:refs/heads/main` })
  // Least privilege, as templates/bridge.yml grants it: the reporter may answer jobs, never take them; the
  // poller has no use for GetJobDetails.
  emu.codepipeline.deny(REPORTER_ROLE, 'PollForJobs')
  emu.codepipeline.deny(REPORTER_ROLE, 'AcknowledgeJob')
  emu.codepipeline.deny(POLLER_ROLE, 'GetJobDetails')
  emu.github.addRepo(POLLER_REPO)
  emu.github.addRepo(APP_REPO)
  emu.github.addWorkflow(APP_REPO, {
    file: 'build.yml',
    name: 'Build',
    inputs: { 'codepipeline-job-id': { required: true }, commit: { required: false } }
  })
  emu.github.addToken(world.dispatchToken, { permissions: { actions: 'write' }, repositories: [APP_REPO] })
  emu.github.addToken(world.appRunToken, { permissions: { actions: 'read' }, repositories: [APP_REPO] })
  emu.github.addToken(world.pollerRunToken, { permissions: { actions: 'read' }, repositories: [POLLER_REPO] })

  const label = (text: string) => out.paint('bold', text.padEnd(14))
  out.line(out.paint('bold', 'CodePipeline ⇄ GitHub Actions bridge: local demo'))
  out.line(
    out.paint(
      'dim',
      `AWS and GitHub are emulated on 127.0.0.1; the actions run from dist/ as the runner runs them.`
    )
  )
  out.line()
  out.line(
    `${label('CodePipeline')}custom action type Build/Custom/${PROVIDER}/1, region ${emu.region}, account ${ACCOUNT}`
  )
  out.line(`${label('IAM')}poller role   ${POLLER_ROLE}`)
  out.line(
    `${label('')}  trusts repo:${POLLER_REPO}:ref:refs/heads/main; PollForJobs, AcknowledgeJob, PutJob*Result`
  )
  out.line(`${label('')}reporter role ${REPORTER_ROLE}`)
  out.line(`${label('')}  trusts repo:${APP_REPO}:ref:refs/heads/main; GetJobDetails, PutJob*Result only`)
  out.line(
    `${label('GitHub')}${POLLER_REPO}: the poll workflow (schedule), github-token may start workflows in ${APP_REPO}`
  )
  out.line(
    `${label('')}${APP_REPO}: .github/workflows/build.yml, workflow_dispatch inputs codepipeline-job-id, commit`
  )
}

function header(world: World, index: number, scenario: Scenario): void {
  const { out } = world
  const title = `${index + 1}/${SCENARIOS.length}  ${scenario.mode} mode · ${scenario.green ? 'green build' : `red build ("${FAILING_STEP}" fails)`} `
  out.line()
  out.line(out.paint(['bold', 'magenta'], `━━ ${title}${'━'.repeat(Math.max(4, 78 - title.length))}`))
}

function event(world: World, actor: string, text: string): void {
  world.out.line(` ${world.out.paint('bold', '▸')} ${world.out.paint('bold', actor.padEnd(13))} ${text}`)
}

function check(world: World, ok: boolean, text: string): void {
  const { out } = world
  if (ok) world.checks.passed++
  else world.checks.failed.push(text)
  out.line(
    `   ${ok ? out.paint('green', '✓') : out.paint('red', '✗')} ${ok ? out.paint('dim', text) : out.paint('red', text)}`
  )
}

/** CodePipeline reaches the custom action: a job waits for PollForJobs. */
function queueJob(world: World): Job {
  const job = world.emu.codepipeline.queueJob({
    ...PIPELINE,
    actionTypeId: { provider: PROVIDER },
    configuration: {
      Repository: APP_REPO,
      Workflow: 'build.yml',
      Ref: 'main',
      Inputs: JSON.stringify({ commit: COMMIT })
    }
  })
  const ctx = job.data.pipelineContext
  event(
    world,
    'CodePipeline',
    `pipeline ${ctx.pipelineName} (execution ${short(ctx.pipelineExecutionId)}) reaches ${ctx.stage.name} › ${ctx.action.name}: job ${short(job.id)} queued`
  )
  return job
}

/** One run of the poll workflow: the bundled poll action, as the runner starts it. */
async function poll(world: World, mode: Mode): Promise<ActionResult> {
  const { emu } = world
  const from = emu.requests.length
  const runId = 1700000000 + ++world.pollerRuns
  emu.oidc.subject = `repo:${POLLER_REPO}:ref:refs/heads/main`
  const result = await runAction({
    action: POLL_ACTION,
    githubToken: world.pollerRunToken,
    inputs: {
      provider: PROVIDER,
      mode,
      'role-to-assume': POLLER_ROLE,
      'aws-region': emu.region,
      'github-token': world.dispatchToken
    },
    env: {
      ...emu.env,
      GITHUB_REPOSITORY: POLLER_REPO,
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_WORKFLOW: 'CodePipeline poller',
      GITHUB_WORKFLOW_REF: `${POLLER_REPO}/.github/workflows/codepipeline-poller.yml@refs/heads/main`,
      GITHUB_JOB: 'poll',
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_NUMBER: String(world.pollerRuns)
    }
  })
  event(
    world,
    'poller',
    `${POLLER_REPO}: uses OWNER/REPO/poll@v1 (mode ${mode}) → exit ${result.exitCode}, ${Math.round(result.durationMs)} ms`
  )
  printRequests(world.out, emu, from, world.oidcIndex)
  printActionLog(world.out, result.stdout, result.masked)
  return result
}

/** The step of the dispatched workflow that runs the report action (main or post), as the runner starts it. */
async function reportStep(
  world: World,
  runId: number,
  runNumber: number,
  jobId: string,
  main?: ActionResult
): Promise<ActionResult> {
  const { emu } = world
  const from = emu.requests.length
  emu.oidc.subject = `repo:${APP_REPO}:ref:refs/heads/main`
  const result = await runAction({
    action: REPORT_ACTION,
    ...(main ? { entry: join(ROOT, 'dist', 'report', 'index.js'), state: main.state } : {}),
    githubToken: world.appRunToken,
    inputs: { 'job-id': jobId, 'role-to-assume': REPORTER_ROLE, 'aws-region': emu.region },
    env: {
      ...emu.env,
      ...main?.env,
      GITHUB_REPOSITORY: APP_REPO,
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_WORKFLOW: 'Build',
      GITHUB_WORKFLOW_REF: `${APP_REPO}/.github/workflows/build.yml@refs/heads/main`,
      GITHUB_JOB: 'build',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_NUMBER: String(runNumber),
      GITHUB_RUN_ATTEMPT: '1'
    }
  })
  const what = main ? `Post ${REPORT_STEP}` : `${REPORT_STEP} (uses OWNER/REPO@v1, status: job)`
  event(
    world,
    main ? 'post step' : 'step 1',
    `${what} → exit ${result.exitCode}, ${Math.round(result.durationMs)} ms`
  )
  printRequests(world.out, emu, from, world.oidcIndex)
  printActionLog(world.out, result.stdout, result.masked)
  return result
}

function dispatchedRun(
  world: World,
  poll: ActionResult,
  jobId: string
): { id: number; number: number } | undefined {
  const entry = parseJobs(poll).find(j => j.jobId === jobId)
  const run = entry?.runId ? world.emu.github.run(entry.runId) : undefined
  return run && { id: run.id, number: run.run_number }
}

function parseJobs(result: ActionResult): Array<{ jobId: string; runId: number | null; result: string }> {
  try {
    return JSON.parse(result.outputs.jobs ?? '[]')
  } catch {
    return []
  }
}

async function dispatchScenario(world: World, scenario: Scenario): Promise<Job> {
  const { emu } = world
  const job = queueJob(world)
  const dispatchesBefore = emu.github.dispatches.length
  const polled = await poll(world, 'dispatch')
  check(
    world,
    polled.exitCode === 0 && polled.outputs.dispatched === '1',
    'the poll step succeeded and started one workflow'
  )
  const dispatch = emu.github.dispatches[dispatchesBefore]
  check(
    world,
    emu.github.dispatches.length === dispatchesBefore + 1 &&
      dispatch.repo === APP_REPO &&
      dispatch.inputs['codepipeline-job-id'] === job.id &&
      dispatch.inputs.commit === COMMIT,
    `${APP_REPO} build.yml was dispatched once, with the job ID and the Inputs property (commit) as inputs`
  )
  check(
    world,
    job.state === 'InProgress' && job.results.length === 0,
    `job ${short(job.id)} is InProgress (acknowledged) with no result yet: the workflow will report`
  )
  const run = dispatchedRun(world, polled, job.id)
  if (!run) {
    check(world, false, 'the poll action returned the run it started (jobs output)')
    return job
  }

  // The dispatched workflow: one job on one runner; GitHub records its steps as they go.
  const steps: NonNullable<GitHubJobInit['steps']> = [{ name: 'Set up job', conclusion: 'success' }]
  const setSteps = () =>
    emu.github.setRun(run.id, {
      status: 'in_progress',
      jobs: [{ name: 'build', status: 'in_progress', runnerName: RUNNER, steps: structuredClone(steps) }]
    })
  event(
    world,
    'workflow',
    `${APP_REPO} "Build" run #${run.number} (${run.id}): job "build" starts on runner "${RUNNER}"`
  )

  steps.push({ name: REPORT_STEP, status: 'in_progress' })
  setSteps()
  const main = await reportStep(world, run.id, run.number, job.id)
  steps[steps.length - 1] = { name: REPORT_STEP, conclusion: main.exitCode === 0 ? 'success' : 'failure' }
  check(
    world,
    main.exitCode === 0 && job.results.length === 0,
    'the main step checked the set-up (role, job, read access to the run) and reported nothing yet'
  )

  steps.push({ name: 'Run actions/checkout@v5', conclusion: 'success' })
  event(world, 'step 2', `Run actions/checkout@v5 (ref ${COMMIT.slice(0, 7)}, from the commit input)`)
  steps.push({ name: FAILING_STEP, conclusion: scenario.green ? 'success' : 'failure' })
  event(
    world,
    'step 3',
    `${FAILING_STEP}: ${scenario.green ? out(world, 'green', '48 passed') : out(world, 'red', '47 passed, 1 failed (exit code 1)')}`
  )
  steps.push({ name: `Post ${REPORT_STEP}`, status: 'in_progress' })
  setSteps()
  const post = await reportStep(world, run.id, run.number, job.id, main)
  emu.github.setRun(run.id, {
    conclusion: scenario.green ? 'success' : 'failure',
    jobs: [
      {
        name: 'build',
        conclusion: scenario.green ? 'success' : 'failure',
        runnerName: RUNNER,
        steps: steps.map(s => ({ name: s.name, conclusion: s.conclusion ?? 'success' }))
      }
    ]
  })
  check(world, post.exitCode === 0, 'the post step delivered the result')

  const result = job.results[0]
  const reporter = emu.sts.issued.find(c => c.accessKeyId === result?.accessKeyId)?.roleArn
  const runUrl = `https://github.com/${APP_REPO}/actions/runs/${run.id}`
  if (scenario.green) {
    const details = result?.request.executionDetails as Record<string, unknown> | undefined
    check(
      world,
      job.state === 'Succeeded' &&
        String(details?.summary).includes(runUrl) &&
        details?.externalExecutionId === String(run.id),
      `job ${short(job.id)} Succeeded; the summary links the run and externalExecutionId is its ID`
    )
  } else {
    const details = result?.request.failureDetails as Record<string, unknown> | undefined
    check(
      world,
      job.state === 'Failed' &&
        details?.type === 'JobFailed' &&
        details?.externalExecutionId === String(run.id),
      `job ${short(job.id)} Failed (JobFailed, externalExecutionId = run ID)`
    )
    check(
      world,
      String(details?.message).includes(`"${FAILING_STEP}"`) && String(details?.message).includes(runUrl),
      `the failure message names the failed step "${FAILING_STEP}" and links the run`
    )
  }
  check(world, reporter === REPORTER_ROLE, 'the result was sent with the reporter role, assumed through OIDC')
  return job
}

async function trackScenario(world: World, scenario: Scenario): Promise<Job> {
  const { emu } = world
  const job = queueJob(world)
  const dispatchesBefore = emu.github.dispatches.length
  const first = await poll(world, 'track')
  const run = dispatchedRun(world, first, job.id)
  check(
    world,
    first.exitCode === 0 && first.outputs.dispatched === '1' && run !== undefined,
    'the poll step started one workflow'
  )
  if (!run) return job
  const token = job.results[0]?.request.continuationToken
  const details = job.results[0]?.request.executionDetails as Record<string, unknown> | undefined
  check(
    world,
    job.state === 'Succeeded' &&
      typeof token === 'string' &&
      details?.externalExecutionId === String(run.id) &&
      details?.percentComplete === 0,
    `job ${short(job.id)} answered "in progress": success with a continuation token, the run ID and 0 %`
  )
  const second = followUp(world, job)
  check(
    world,
    second?.data.continuationToken === token,
    'CodePipeline queued a follow-up job carrying that token'
  )
  if (!second || typeof token !== 'string') return job

  emu.github.setRun(run.id, {
    status: 'in_progress',
    jobs: [
      { name: 'lint', conclusion: 'success' },
      {
        name: 'build',
        runnerName: RUNNER,
        steps: [
          { name: 'Set up job', conclusion: 'success' },
          { name: 'Run actions/checkout@v5', conclusion: 'success' },
          { name: FAILING_STEP, status: 'in_progress' }
        ]
      }
    ]
  })
  event(
    world,
    'workflow',
    `${APP_REPO} "Build" run #${run.number} (${run.id}) runs: "lint" passed, "build" at "${FAILING_STEP}"; no AWS access, no report step`
  )
  const middle = await poll(world, 'track')
  const progress = second.results[0]?.request
  check(
    world,
    middle.exitCode === 0 && second.state === 'Succeeded' && progress?.continuationToken === token,
    `follow-up job ${short(second.id)}: still running, answered with the same token and the progress`
  )
  const third = followUp(world, second)
  if (!third) {
    check(world, false, 'CodePipeline queued another follow-up job')
    return job
  }

  emu.github.setRun(run.id, {
    conclusion: scenario.green ? 'success' : 'failure',
    jobs: [
      { name: 'lint', conclusion: 'success' },
      {
        name: 'build',
        conclusion: scenario.green ? 'success' : 'failure',
        runnerName: RUNNER,
        steps: [
          { name: 'Set up job', conclusion: 'success' },
          { name: 'Run actions/checkout@v5', conclusion: 'success' },
          { name: FAILING_STEP, conclusion: scenario.green ? 'success' : 'failure' }
        ]
      }
    ]
  })
  event(
    world,
    'workflow',
    `${APP_REPO} "Build" run #${run.number} completed: ${scenario.green ? out(world, 'green', 'success') : out(world, 'red', `failure at "${FAILING_STEP}"`)}`
  )
  const last = await poll(world, 'track')
  const final = third.results[0]?.request
  check(world, last.exitCode === 0, 'the poll step succeeded')
  if (scenario.green) {
    const d = final?.executionDetails as Record<string, unknown> | undefined
    check(
      world,
      third.state === 'Succeeded' &&
        final?.continuationToken === undefined &&
        String(d?.summary).includes(`/actions/runs/${run.id}`),
      `follow-up job ${short(third.id)} Succeeded for good: no token, the summary links the run`
    )
  } else {
    const d = final?.failureDetails as Record<string, unknown> | undefined
    check(
      world,
      third.state === 'Failed' && d?.type === 'JobFailed' && String(d?.message).includes(`"${FAILING_STEP}"`),
      `follow-up job ${short(third.id)} Failed (JobFailed), naming the failed step "${FAILING_STEP}"`
    )
  }
  check(world, followUp(world, third) === undefined, 'no further follow-up job: the action is finished')
  check(
    world,
    emu.github.dispatches.length === dispatchesBefore + 1,
    'the workflow was started once, however many polls followed it'
  )
  return job
}

function out(world: World, style: 'green' | 'red', text: string): string {
  return world.out.paint(style, text)
}

function followUp(world: World, job: Job): Job | undefined {
  return world.emu.codepipeline.jobs.find(j => j.previousJobId === job.id)
}

function finalState(world: World, chains: Array<{ scenario: Scenario; first: Job }>): void {
  const { out } = world
  out.line()
  out.line(out.paint('bold', 'What CodePipeline holds now'))
  for (const { scenario, first } of chains) {
    const jobs = [first]
    for (let next = followUp(world, first); next; next = followUp(world, next)) jobs.push(next)
    const last = jobs[jobs.length - 1]
    const ctx = last.data.pipelineContext
    const request = last.results[0]?.request
    const failure = request?.failureDetails as Record<string, unknown> | undefined
    const success = request?.executionDetails as Record<string, unknown> | undefined
    const state = out.paint(
      last.state === 'Succeeded' ? 'green' : last.state === 'Failed' ? 'red' : 'yellow',
      last.state
    )
    const chain = jobs.length > 1 ? ` (${jobs.length} jobs: ${jobs.map(j => j.state).join(' → ')})` : ''
    out.line(
      `  ${`${scenario.mode} · ${scenario.green ? 'green' : 'red'}`.padEnd(16)} ${ctx.pipelineName} › ${ctx.stage.name} › ${ctx.action.name}, execution ${short(ctx.pipelineExecutionId)}: ${state}${chain}`
    )
    if (failure) out.line(out.paint('dim', `      ${String(failure.type)}: ${String(failure.message)}`))
    else if (success?.summary) out.line(out.paint('dim', `      ${String(success.summary)}`))
  }
}

function secretsOf(world: World): string[] {
  const { emu } = world
  return [
    world.dispatchToken,
    world.appRunToken,
    world.pollerRunToken,
    emu.github.token,
    emu.oidc.requestToken,
    ...emu.codepipeline.jobs.flatMap(j => Object.values(j.data.artifactCredentials)),
    ...emu.sts.issued.flatMap(c => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
    ...emu.oidc.issued.map(t => t.token)
  ]
}
