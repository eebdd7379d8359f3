// The wake-up, with no schedule involved: when CodePipeline queues a job of the action type, an EventBridge rule's
// API destination sends GitHub a workflow_dispatch of the poll workflow (the emulator sends exactly that request,
// over HTTP, to its own GitHub API). The run GitHub starts for it runs the bundled poll action, which takes the job
// and dispatches the build. The demo prints how long that took in the emulator, and its two parts.
import type { Job, WakeUpDelivery } from '../emulator/index.ts'
import { check } from './expectations.ts'
import { poll, queueJob } from './runs.ts'
import { APP_REPO, POLL_WORKFLOW, POLLER_REPO, PROVIDER, SCENARIOS, type Scenario } from './setup.ts'
import { printRequests, short } from './timeline.ts'
import { event, type World } from './world.ts'

const EVENTBRIDGE_AGENT = 'Amazon/EventBridge/ApiDestinations'
/** The examples' wait-seconds: a run woken a moment before its job can be polled still finds it. */
const WAIT_SECONDS = 20

export async function wakeUpScenario(world: World, scenario: Scenario): Promise<Job> {
  const { emu, out } = world
  const wakeUp = emu.wakeUp.configure({
    actionTypeId: { provider: PROVIDER },
    repository: POLLER_REPO,
    workflow: POLL_WORKFLOW,
    ref: 'main',
    token: world.wakeUpToken
  })
  event(
    world,
    'EventBridge',
    `rule on STARTED of Build/Custom/${PROVIDER}/1 → API destination → workflow_dispatch of ${POLLER_REPO} ` +
      `${POLL_WORKFLOW} (token from Secrets Manager)`
  )
  try {
    const from = emu.requests.length
    const job = queueJob(world)
    let delivery: WakeUpDelivery
    try {
      delivery = await emu.wakeUp.forJob(job.id)
    } catch (error) {
      check(world, false, `EventBridge woke the poll workflow (${(error as Error).message})`)
      return job
    }
    event(
      world,
      'EventBridge',
      `the job's STARTED event matches: the API destination calls GitHub ` +
        `(${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'}, answered ${delivery.status})`
    )
    printRequests(out, emu, from, world.oidcIndex)
    const request = emu.requests.find(r => r.requestId === delivery.dispatch?.requestId)
    const pollRun = delivery.dispatch && emu.github.run(delivery.dispatch.runId)
    check(
      world,
      delivery.ok &&
        pollRun?.event === 'workflow_dispatch' &&
        pollRun.path === `.github/workflows/${POLL_WORKFLOW}` &&
        request?.headers['user-agent'] === EVENTBRIDGE_AGENT &&
        request.headers.authorization === `Bearer ${world.wakeUpToken}`,
      `GitHub started ${POLLER_REPO} ${POLL_WORKFLOW} on workflow_dispatch, at EventBridge's request ` +
        "(its User-Agent, the connection's token)"
    )
    if (!pollRun) return job

    // The run GitHub started for the wake-up: its poll step, as the runner starts it (GITHUB_EVENT_NAME
    // workflow_dispatch, this run's ID and number), with the examples' wait-seconds.
    const dispatchesBefore = emu.github.dispatches.length
    const polled = await poll(world, scenario.mode, {
      event: 'workflow_dispatch',
      id: pollRun.id,
      number: pollRun.run_number,
      waitSeconds: WAIT_SECONDS
    })
    const builds = emu.github.dispatches.slice(dispatchesBefore)
    const build = builds[0]
    check(
      world,
      polled.exitCode === 0 &&
        polled.outputs.dispatched === '1' &&
        builds.length === 1 &&
        build.repo === APP_REPO &&
        build.workflow === 'build.yml' &&
        build.inputs['codepipeline-job-id'] === job.id,
      `the woken poll step took job ${short(job.id)} and dispatched ${APP_REPO} build.yml once, with the job ID`
    )
    check(
      world,
      job.state === 'InProgress' && job.results.length === 0,
      `job ${short(job.id)} is InProgress (acknowledged): the build reports its result, as in 1/${SCENARIOS.length}`
    )
    if (!build || !delivery.deliveredAt) return job
    const pollerRuns = emu.github.dispatches.filter(d => d.repo === POLLER_REPO)
    check(
      world,
      build.at >= delivery.deliveredAt && pollerRuns.length === 1 && pollerRuns[0] === delivery.dispatch,
      'no schedule involved: the one poll run that took the job is the one the wake-up started'
    )

    const total = build.at.getTime() - delivery.queuedAt.getTime()
    const toWakeUp = delivery.deliveredAt.getTime() - delivery.queuedAt.getTime()
    const toBuild = build.at.getTime() - delivery.deliveredAt.getTime()
    const ms = (n: number) => `${n} ms`.padStart(8)
    const indent = ' '.repeat(17)
    event(
      world,
      'latency',
      out.paint('bold', `job ${short(job.id)} queued → build.yml dispatched: ${total} ms, in the emulator`)
    )
    out.line(
      `${indent}queued → wake-up delivered      ${ms(toWakeUp)}  ${out.paint('dim', `EventBridge's part: a ${wakeUp.delayMs} ms delay here`)}`
    )
    out.line(
      `${indent}wake-up → poll dispatched build ${ms(toBuild)}  ${out.paint('dim', "the bridge's part: the woken poll step, started at once")}`
    )
    out.line(
      out.paint(
        'dim',
        `${indent}On AWS and GitHub, add EventBridge's delivery and GitHub starting the poll run on a runner`
      )
    )
    out.line(out.paint('dim', `${indent}(not measured here: README, Waking the poller).`))
    return job
  } finally {
    emu.wakeUp.remove({ provider: PROVIDER })
  }
}
