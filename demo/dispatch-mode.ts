// Dispatch mode, as a user runs it: the poller starts the workflow, and the workflow's report action (its main
// step, then its post step after the build) tells CodePipeline how the build went.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitHubJobInit, Job } from '../emulator/index.ts'
import { ARTIFACT_INPUTS, buildStep, checkExtracted, checkStoredOutput } from './artifacts.ts'
import { check } from './expectations.ts'
import { dispatchedRun, poll, queueArtifactJob, queueJob, reportStep } from './runs.ts'
import { APP_REPO, COMMIT, FAILING_STEP, REPORT_STEP, REPORTER_ROLE, RUNNER, type Scenario } from './setup.ts'
import { short } from './timeline.ts'
import { event, out, type World } from './world.ts'

export async function dispatchScenario(world: World, scenario: Scenario): Promise<Job> {
  const { emu } = world
  const job = scenario.artifacts ? await queueArtifactJob(world) : queueJob(world)
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

  // The runner's workspace, shared by the job's steps; the report action's with: reaches main and post alike.
  const workspace = join(world.dir, `run-${run.id}`)
  await mkdir(workspace, { recursive: true })
  const step = { workdir: workspace, ...(scenario.artifacts ? { inputs: ARTIFACT_INPUTS } : {}) }
  steps.push({ name: REPORT_STEP, status: 'in_progress' })
  setSteps()
  const main = await reportStep(world, run.id, run.number, job.id, undefined, step)
  steps[steps.length - 1] = { name: REPORT_STEP, conclusion: main.exitCode === 0 ? 'success' : 'failure' }
  check(
    world,
    main.exitCode === 0 && job.results.length === 0,
    'the main step checked the set-up (role, job, read access to the run) and reported nothing yet'
  )
  if (scenario.artifacts) await checkExtracted(world, workspace, main)

  steps.push({ name: 'Run actions/checkout@v5', conclusion: 'success' })
  event(world, 'step 2', `Run actions/checkout@v5 (ref ${COMMIT.slice(0, 7)}, from the commit input)`)
  steps.push({ name: FAILING_STEP, conclusion: scenario.green ? 'success' : 'failure' })
  event(
    world,
    'step 3',
    `${FAILING_STEP}: ${scenario.green ? out(world, 'green', '48 passed') : out(world, 'red', '47 passed, 1 failed (exit code 1)')}`
  )
  if (scenario.artifacts) {
    const built = await buildStep(world, workspace, steps.length) // step 1 is the report's main step
    steps.push({ name: 'Build image', conclusion: built ? 'success' : 'failure' })
  }
  steps.push({ name: `Post ${REPORT_STEP}`, status: 'in_progress' })
  setSteps()
  const postFrom = emu.requests.length
  const post = await reportStep(world, run.id, run.number, job.id, main, step)
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
  if (scenario.artifacts) await checkStoredOutput(world, job, postFrom)
  return job
}
