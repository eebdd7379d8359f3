// Stopped from CodePipeline mid-run: the Deploy stage's action has started deploy.yml, whose deploy step is
// shipping, when someone chooses "Stop and abandon" on the pipeline execution. CodePipeline abandons the action at
// once; the template's stop rule (EventBridge, on this action type's ABANDONED and CANCELED states) starts the poll
// workflow with the stopped action as inputs; the poll action of that run cancels the run it started for the job;
// the runner then runs the report action's post step (post-if: always()), which reports nothing and says why.
// Checked against what each side holds: the run cancelled once, by the woken poll run; the action execution
// Abandoned as ListActionExecutions shows it; no result on the job; the poll log and summary naming the pipeline,
// the execution and the run.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitHubJobInit, Job, WakeUpDelivery } from '../emulator/index.ts'
import { listActionExecutions } from '../emulator/codepipeline-history.ts'
import { check } from './expectations.ts'
import { dispatchedRun, poll, queueJob, reconciledEntry, reportStep } from './runs.ts'
import {
  APP_REPO,
  COMMIT,
  DEPLOY,
  DEPLOY_PLACE,
  IMAGE_URI,
  PIPELINE,
  POLL_WORKFLOW,
  POLLER_REPO,
  PROVIDER,
  REPORT_STEP,
  RUNNER,
  STOPPED_INPUTS
} from './setup.ts'
import { printRequests, printSummaryRows, short } from './timeline.ts'
import { event, type World } from './world.ts'

/** What the engineer types in the console's "Stop execution" dialog. */
export const STOP_REASON = 'bad release: error rate up on the canary'
const DEPLOY_STEP = 'Deploy to production'

export async function stoppedDeployScenario(world: World): Promise<Job> {
  const { emu } = world
  const rule = emu.wakeUp.configureStop({
    actionTypeId: { provider: PROVIDER },
    repository: POLLER_REPO,
    workflow: POLL_WORKFLOW,
    ref: 'main',
    token: world.wakeUpToken
  })
  event(
    world,
    'EventBridge',
    `stop rule on ABANDONED and CANCELED of Build/Custom/${PROVIDER}/1 → API destination → workflow_dispatch of ` +
      `${POLLER_REPO} ${POLL_WORKFLOW}, inputs ${STOPPED_INPUTS.join(', ')}`
  )
  try {
    return await stopMidRun(world, rule.delayMs)
  } finally {
    emu.wakeUp.removeStop({ provider: PROVIDER })
  }
}

async function stopMidRun(world: World, ruleDelayMs: number): Promise<Job> {
  const { emu, out } = world
  const job = queueJob(world, DEPLOY_PLACE)
  const polled = await poll(world, 'dispatch')
  const run = dispatchedRun(world, polled, job.id)
  const started = run && emu.github.run(run.id)
  check(
    world,
    polled.exitCode === 0 &&
      polled.outputs.dispatched === '1' &&
      started?.path === `.github/workflows/${DEPLOY.file}` &&
      started.display_title.includes(job.id),
    `the scheduled poll step started ${APP_REPO} ${DEPLOY.file} for job ${short(job.id)}; its run-name shows the job ID`
  )
  if (!run || !started) return job

  // The deploy job: the report action's main step checks the set-up, then the deploy step starts shipping.
  const steps: NonNullable<GitHubJobInit['steps']> = [{ name: 'Set up job', conclusion: 'success' }]
  const setSteps = () =>
    emu.github.setRun(run.id, {
      status: 'in_progress',
      jobs: [{ name: DEPLOY.job, status: 'in_progress', runnerName: RUNNER, steps: structuredClone(steps) }]
    })
  event(
    world,
    'workflow',
    `${APP_REPO} "${DEPLOY.name}" run #${run.number} (${run.id}, "${started.display_title.replace(job.id, short(job.id) + '…')}"): ` +
      `job "${DEPLOY.job}" starts on runner "${RUNNER}"`
  )
  const workspace = join(world.dir, `run-${run.id}`)
  await mkdir(workspace, { recursive: true })
  const step = { workdir: workspace, workflow: DEPLOY }
  steps.push({ name: REPORT_STEP, status: 'in_progress' })
  setSteps()
  const main = await reportStep(world, run.id, run.number, job.id, undefined, step)
  steps[steps.length - 1] = { name: REPORT_STEP, conclusion: main.exitCode === 0 ? 'success' : 'failure' }
  check(
    world,
    main.exitCode === 0 && job.results.length === 0,
    'the main step checked the set-up and reported nothing yet'
  )
  steps.push({ name: 'Run actions/checkout@v5', conclusion: 'success' })
  steps.push({ name: DEPLOY_STEP, status: 'in_progress' })
  setSteps()
  event(world, 'step 2', `Run actions/checkout@v5 (ref ${COMMIT.slice(0, 7)}, from the commit input)`)
  event(
    world,
    'step 3',
    `${DEPLOY_STEP}: aws ecs update-service web-app → ${IMAGE_URI}: 2 of 6 tasks replaced, rolling on…`
  )

  // Someone stops the release from CodePipeline. The console sends StopPipelineExecution with abandon: true.
  const execution = job.data.pipelineContext.pipelineExecutionId
  const from = emu.requests.length
  const stop = emu.codepipeline.stopPipelineExecution(PIPELINE.pipelineName, execution, {
    abandon: true,
    reason: STOP_REASON
  })
  event(
    world,
    'engineer',
    `CodePipeline console, ${PIPELINE.pipelineName} execution ${short(execution)}: Stop execution → ` +
      `${out.paint('bold', 'Stop and abandon')}, reason "${STOP_REASON}"`
  )
  const shown = actionExecution(world, job)
  event(
    world,
    'CodePipeline',
    `${DEPLOY_PLACE.stageName} › ${DEPLOY_PLACE.actionName}: ${shown?.status ?? '(not listed)'} at once ` +
      '(ListActionExecutions, what the console shows); the stage unlocks'
  )
  check(
    world,
    job.state === 'Abandoned' &&
      stop.abandonedJobIds.includes(job.id) &&
      shown?.status === 'Abandoned' &&
      emu.github.run(run.id)?.status === 'in_progress',
    `job ${short(job.id)}'s action execution is Abandoned; the GitHub run still runs: nothing told it yet`
  )

  let delivery: WakeUpDelivery
  try {
    delivery = await emu.wakeUp.forStop(execution)
  } catch (error) {
    check(world, false, `EventBridge's stop rule started the poll workflow (${(error as Error).message})`)
    return job
  }
  event(
    world,
    'EventBridge',
    `the action's ${delivery.state} event matches the stop rule: the API destination calls GitHub ` +
      `(${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'}, answered ${delivery.status})`
  )
  printRequests(out, emu, from, world.oidcIndex)
  const pollRun = delivery.dispatch && emu.github.run(delivery.dispatch.runId)
  const inputs = (delivery.dispatch?.inputs ?? {}) as Record<string, string>
  const expected = {
    'stopped-pipeline': PIPELINE.pipelineName,
    'stopped-execution-id': execution,
    'stopped-stage': DEPLOY_PLACE.stageName,
    'stopped-action': DEPLOY_PLACE.actionName
  }
  check(
    world,
    delivery.ok &&
      delivery.state === 'ABANDONED' &&
      pollRun?.event === 'workflow_dispatch' &&
      pollRun.path === `.github/workflows/${POLL_WORKFLOW}` &&
      JSON.stringify(inputs) === JSON.stringify(expected),
    `GitHub started ${POLLER_REPO} ${POLL_WORKFLOW} on workflow_dispatch with the stopped action as inputs ` +
      '(pipeline, execution, stage, action)'
  )
  if (!pollRun) return job

  // The run the stop rule started: its poll step passes the stopped-* inputs on, as examples/poll-dispatch.yml does.
  const cancelsBefore = emu.github.cancellations.length
  const woken = await poll(world, 'dispatch', {
    event: 'workflow_dispatch',
    id: pollRun.id,
    number: pollRun.run_number,
    waitSeconds: 20,
    inputs
  })
  const cancelled = emu.github.run(run.id)
  const cancels = emu.github.cancellations.slice(cancelsBefore).filter(c => c.runId === run.id)
  check(
    world,
    woken.exitCode === 0 &&
      cancelled?.status === 'completed' &&
      cancelled.conclusion === 'cancelled' &&
      cancels.length === 1 &&
      emu.github.cancellations.filter(c => c.runId === run.id).length === 1,
    `the woken poll step cancelled ${APP_REPO} "${DEPLOY.name}" run #${run.number} once: the deploy stops`
  )
  const logLine = `Woken by the stop of pipeline ${PIPELINE.pipelineName} execution ${execution} (action ${DEPLOY_PLACE.actionName}): cancelled run ${run.id}.`
  const entry = reconciledEntry(woken.outputs.reconciled, job.id)
  check(
    world,
    woken.stdout.includes(logLine) &&
      entry?.result === 'cancelled' &&
      entry.runId === run.id &&
      String(entry.detail).includes(`pipeline ${PIPELINE.pipelineName} execution ${execution} was stopped`),
    'its log and its reconciled output name the pipeline, the execution and the run it cancelled, and why'
  )
  const rows = printSummaryRows(out, woken.summary, job.id)
  check(
    world,
    rows.length === 1 &&
      rows[0].includes('⏹️ run cancelled') &&
      rows[0].includes(`[${run.id}](${cancelled?.html_url})`) &&
      rows[0].includes(execution),
    'the job summary has its row: the run (linked), cancelled, the execution that was stopped'
  )
  check(
    world,
    job.state === 'Abandoned' && job.results.length === 0,
    `job ${short(job.id)} stays Abandoned with no result: nothing was reported on a stopped execution`
  )

  // GitHub asks the runner to cancel: it stops the deploy step, then still runs the report action's post step
  // (post-if: always()) before the run ends. The emulator ends a cancelled run at once; the demo plays the
  // runner's part here, as it plays the steps, and ends the run again when the post step is done.
  steps[steps.length - 1] = { name: DEPLOY_STEP, conclusion: 'cancelled' }
  steps.push({ name: `Post ${REPORT_STEP}`, status: 'in_progress' })
  emu.github.setRun(run.id, {
    status: 'in_progress',
    conclusion: null,
    jobs: [{ name: DEPLOY.job, status: 'in_progress', runnerName: RUNNER, steps: structuredClone(steps) }]
  })
  event(world, 'runner', `cancels "${DEPLOY_STEP}" (the rollout stops), then runs the post steps`)
  const post = await reportStep(world, run.id, run.number, job.id, main, step)
  steps[steps.length - 1] = {
    name: `Post ${REPORT_STEP}`,
    conclusion: post.exitCode === 0 ? 'success' : 'failure'
  }
  emu.github.setRun(run.id, {
    conclusion: 'cancelled',
    jobs: [
      {
        name: DEPLOY.job,
        conclusion: 'cancelled',
        runnerName: RUNNER,
        steps: steps.map(s => ({ name: s.name, conclusion: s.conclusion ?? 'cancelled' }))
      }
    ]
  })
  check(
    world,
    post.exitCode === 1 && post.outputs.result === 'abandoned' && job.results.length === 0,
    'the post step found the job abandoned: it reported nothing and fails, saying the pipeline gave up on it'
  )

  const cancel = cancels[0]
  if (cancel && delivery.deliveredAt) {
    const ms = (n: number) => `${n} ms`.padStart(8)
    const indent = ' '.repeat(17)
    const total = cancel.at.getTime() - stop.at.getTime()
    event(
      world,
      'latency',
      out.paint(
        'bold',
        `execution ${short(execution)} stopped → run ${run.id} cancelled: ${total} ms, in the emulator`
      )
    )
    out.line(
      `${indent}stopped → stop rule delivered   ${ms(delivery.deliveredAt.getTime() - stop.at.getTime())}  ` +
        out.paint('dim', `EventBridge's part: a ${ruleDelayMs} ms delay here`)
    )
    out.line(
      `${indent}delivered → run cancelled       ${ms(cancel.at.getTime() - delivery.deliveredAt.getTime())}  ` +
        out.paint('dim', "the bridge's part: the woken poll step, started at once")
    )
    out.line(
      out.paint(
        'dim',
        `${indent}On AWS and GitHub, add EventBridge's delivery and GitHub starting the poll run.`
      )
    )
  }
  return job
}

/** The job's action execution as ListActionExecutions answers it (the console's history of the execution). */
function actionExecution(world: World, job: Job): { status?: string } | undefined {
  const c = job.data.pipelineContext
  const { actionExecutionDetails } = listActionExecutions(world.emu.codepipeline, {
    pipelineName: c.pipelineName,
    filter: { pipelineExecutionId: c.pipelineExecutionId }
  })
  return (actionExecutionDetails as Array<{ actionExecutionId?: string; status?: string }>).find(
    d => d.actionExecutionId === c.action.actionExecutionId
  )
}
