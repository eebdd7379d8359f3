// Track mode: the poller starts the workflow and follows its run through continuation tokens, poll after poll;
// the workflow itself has no AWS access and no report step.
import type { Job } from '../emulator/index.ts'
import { check } from './expectations.ts'
import { dispatchedRun, followUp, poll, queueJob } from './runs.ts'
import { APP_REPO, FAILING_STEP, RUNNER, type Scenario } from './setup.ts'
import { short } from './timeline.ts'
import { event, out, type World } from './world.ts'

export async function trackScenario(world: World, scenario: Scenario): Promise<Job> {
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
