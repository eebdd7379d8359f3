// What happens on each side of the wire, as the demo stages it: CodePipeline queues a job, the poll workflow runs
// the bundled poll action (on its schedule, or woken by EventBridge), a dispatched workflow's step runs the bundled
// report action (main or post).
import { join } from 'node:path'
import type { Job } from '../emulator/index.ts'
import { runAction, type ActionResult } from '../__tests__/e2e/harness.ts'
import {
  APP_REPO,
  BUILD,
  COMMIT,
  DEPLOY,
  INTEGRATION,
  PIPELINE,
  POLL_ACTION,
  POLL_WORKFLOW,
  POLLER_REPO,
  POLLER_ROLE,
  PROVIDER,
  REPORT_ACTION,
  REPORT_STEP,
  REPORTER_ROLE,
  ROOT,
  BUILD_ARTIFACT,
  kmsKey,
  SOURCE_ARTIFACT,
  SOURCE_FILES,
  type AppWorkflow,
  type Mode
} from './setup.ts'
import { printActionLog, printRequests, short } from './timeline.ts'
import { event, type World } from './world.ts'

/** Where in the pipeline a job's action is, and the workflow its configuration names; default the Build stage's. */
export interface Place {
  stageName: string
  actionName: string
  workflow: AppWorkflow
}

function jobInit(place?: Place) {
  return {
    ...PIPELINE,
    ...(place ? { stageName: place.stageName, actionName: place.actionName } : {}),
    actionTypeId: { provider: PROVIDER },
    configuration: {
      Repository: APP_REPO,
      Workflow: (place?.workflow ?? BUILD).file,
      Ref: 'main',
      Inputs: JSON.stringify({ commit: COMMIT })
    }
  }
}

function announce(world: World, job: Job): void {
  const ctx = job.data.pipelineContext
  event(
    world,
    'CodePipeline',
    `pipeline ${ctx.pipelineName} (execution ${short(ctx.pipelineExecutionId)}) reaches ${ctx.stage.name} › ${ctx.action.name}: job ${short(job.id)} queued`
  )
}

/** CodePipeline reaches the custom action: a job waits for PollForJobs. */
export function queueJob(world: World, place?: Place): Job {
  const job = world.emu.codepipeline.queueJob(jobInit(place))
  announce(world, job)
  return job
}

/**
 * The same, for a pipeline whose Source stage produced SOURCE_ARTIFACT and whose Deploy stage reads
 * BUILD_ARTIFACT: the job carries the one (its ZIP already in the artifact store, SSE-KMS with the pipeline's
 * key) and declares the other, with artifact credentials of its own.
 */
export async function queueArtifactJob(world: World): Promise<Job> {
  const { emu, out } = world
  const job = await emu.artifacts.queueJob({
    ...jobInit(),
    inputArtifacts: [{ name: SOURCE_ARTIFACT, files: { ...SOURCE_FILES } }],
    outputArtifacts: [BUILD_ARTIFACT],
    encryptionKey: { id: kmsKey(emu.region) }
  })
  announce(world, job)
  const indent = ' '.repeat(17)
  const url = (a: Job['data']['inputArtifacts'][number]) =>
    `s3://${a.location.s3Location.bucketName}/${a.location.s3Location.objectKey}`
  const input = job.data.inputArtifacts[0]
  const stored = emu.artifacts.input(job.id, SOURCE_ARTIFACT)
  out.line(
    `${indent}input  ${input.name.padEnd(15)} ${url(input)} ` +
      out.paint(
        'dim',
        `(the Source stage's ZIP, ${stored?.size ?? '?'} bytes: ${Object.keys(SOURCE_FILES).join(', ')})`
      )
  )
  const output = job.data.outputArtifacts[0]
  out.line(
    `${indent}output ${output.name.padEnd(15)} ${url(output)} ` +
      out.paint('dim', '(declared, empty: the Deploy stage reads it)')
  )
  out.line(
    `${indent}${out.paint('dim', `encryptionKey ${kmsKey(emu.region)}; artifactCredentials for this job only`)}`
  )
  return job
}

/** The run of the poll workflow a poll step belongs to: a scheduled one by default. */
export interface PollerRun {
  event: 'schedule' | 'workflow_dispatch'
  id: number
  number: number
  /** The poll action's wait-seconds input (the examples' 20 for a woken run); default the action's 0. */
  waitSeconds?: number
  /** More inputs of the poll step: the stopped-* inputs the stop rule's run passes on. */
  inputs?: Record<string, string>
}

/** One run of the poll workflow: the bundled poll action, as the runner starts it. */
export async function poll(world: World, mode: Mode, run?: PollerRun): Promise<ActionResult> {
  const { emu } = world
  const from = emu.requests.length
  world.pollerRuns++
  const {
    event: trigger,
    id: runId,
    number: runNumber,
    waitSeconds,
    inputs
  } = run ?? {
    event: 'schedule',
    id: 1700000000 + world.pollerRuns,
    number: world.pollerRuns
  }
  emu.oidc.subject = `repo:${POLLER_REPO}:ref:refs/heads/main`
  const result = await runAction({
    action: POLL_ACTION,
    githubToken: world.pollerRunToken,
    inputs: {
      provider: PROVIDER,
      mode,
      'role-to-assume': POLLER_ROLE,
      'aws-region': emu.region,
      'github-token': world.dispatchToken,
      // The workflows live in another repository: the poller may start only these, on main.
      'allowed-targets': [BUILD, DEPLOY, INTEGRATION].map(w => `${APP_REPO}/${w.file}@main`).join('\n'),
      ...(waitSeconds !== undefined ? { 'wait-seconds': String(waitSeconds) } : {}),
      ...inputs
    },
    env: {
      ...emu.env,
      GITHUB_REPOSITORY: POLLER_REPO,
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_WORKFLOW: 'CodePipeline poller',
      GITHUB_WORKFLOW_REF: `${POLLER_REPO}/.github/workflows/${POLL_WORKFLOW}@refs/heads/main`,
      GITHUB_JOB: 'poll',
      GITHUB_EVENT_NAME: trigger,
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_NUMBER: String(runNumber)
    }
  })
  const given = inputs ? `, ${Object.keys(inputs).join(', ')} from its inputs` : ''
  const woken = trigger === 'workflow_dispatch' ? ` run #${runNumber} (${runId}, workflow_dispatch)` : ''
  event(
    world,
    'poller',
    `${POLLER_REPO}${woken}: uses OWNER/REPO/poll@v1 (mode ${mode}${given}) → exit ${result.exitCode}, ${Math.round(result.durationMs)} ms`
  )
  printRequests(world.out, emu, from, world.oidcIndex)
  printActionLog(world.out, result.stdout, result.masked)
  return result
}

/** The step of the dispatched workflow that runs the report action (main or post), as the runner starts it. */
export async function reportStep(
  world: World,
  runId: number,
  runNumber: number,
  jobId: string,
  main?: ActionResult,
  step: { workdir?: string; inputs?: Record<string, string>; workflow?: AppWorkflow } = {}
): Promise<ActionResult> {
  const workflow = step.workflow ?? BUILD
  const { emu } = world
  const from = emu.requests.length
  emu.oidc.subject = `repo:${APP_REPO}:ref:refs/heads/main`
  const result = await runAction({
    action: REPORT_ACTION,
    ...(main ? { entry: join(ROOT, 'dist', 'report', 'index.js'), state: main.state } : {}),
    githubToken: world.appRunToken,
    inputs: { 'job-id': jobId, 'role-to-assume': REPORTER_ROLE, 'aws-region': emu.region, ...step.inputs },
    ...(step.workdir ? { workdir: step.workdir } : {}),
    env: {
      ...emu.env,
      ...main?.env,
      GITHUB_REPOSITORY: APP_REPO,
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_WORKFLOW: workflow.name,
      GITHUB_WORKFLOW_REF: `${APP_REPO}/.github/workflows/${workflow.file}@refs/heads/main`,
      GITHUB_JOB: workflow.job,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_NUMBER: String(runNumber),
      GITHUB_RUN_ATTEMPT: '1'
    }
  })
  const withs = Object.entries(step.inputs ?? {}).map(([name, value]) => `, ${name}: ${value}`)
  const what = main
    ? `Post ${REPORT_STEP}`
    : `${REPORT_STEP} (uses OWNER/REPO@v1, status: job${withs.join('')})`
  event(
    world,
    main ? 'post step' : 'step 1',
    `${what} → exit ${result.exitCode}, ${Math.round(result.durationMs)} ms`
  )
  printRequests(world.out, emu, from, world.oidcIndex)
  printActionLog(world.out, result.stdout, result.masked)
  return result
}

export function dispatchedRun(
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

/** The poll step's `reconciled` output entry for a job, if any. */
export function reconciledEntry(
  output: string | undefined,
  jobId: string
): Record<string, unknown> | undefined {
  try {
    const entries = JSON.parse(output ?? '[]') as Array<Record<string, unknown>>
    return entries.find(e => e.jobId === jobId)
  } catch {
    return undefined
  }
}

/** The follow-up job CodePipeline queued after a success with a continuation token, if any. */
export function followUp(world: World, job: Job): Job | undefined {
  return world.emu.codepipeline.jobs.find(j => j.previousJobId === job.id)
}
