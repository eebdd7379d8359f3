// A run that will never report: the Test stage's action starts integration.yml, whose job calls a reusable
// workflow at a tag that does not exist, so GitHub ends the run at once with `startup_failure`: no job runs, no
// report step. CodePipeline still waits on the job. The next poll run (here the next scheduled one) finds the run
// by the job ID its run-name shows and fails the job as ConfigurationError, naming the workflow and linking the
// run, instead of leaving it to CodePipeline's action timeout (an hour for a custom action) and its message that
// names no run. Checked against what CodePipeline holds: one failure, of that type, with that message, sent with
// the poller role.
import type { Job } from '../emulator/index.ts'
import { check } from './expectations.ts'
import { dispatchedRun, poll, queueJob, reconciledEntry } from './runs.ts'
import { APP_REPO, INTEGRATION, INTEGRATION_PLACE, MISSING_REUSABLE, POLLER_ROLE } from './setup.ts'
import { printSummaryRows, short } from './timeline.ts'
import { event, out, type World } from './world.ts'

/** CodePipeline's timeout for a custom action's job ("all other actions": 1 hour, CodePipeline quotas). */
const TIMEOUT_MINUTES = 60
/** How often the examples' poll workflow runs on its schedule (examples/poll-dispatch.yml: every 5 minutes). */
const SCHEDULE_MINUTES = 5

export async function startupFailureScenario(world: World): Promise<Job> {
  const { emu } = world
  const job = queueJob(world, INTEGRATION_PLACE)
  const polled = await poll(world, 'dispatch')
  const run = dispatchedRun(world, polled, job.id)
  check(
    world,
    polled.exitCode === 0 &&
      polled.outputs.dispatched === '1' &&
      emu.github.run(run?.id ?? 0)?.path === `.github/workflows/${INTEGRATION.file}`,
    `the scheduled poll step started ${APP_REPO} ${INTEGRATION.file} for job ${short(job.id)}`
  )
  if (!run) return job

  // GitHub cannot start the run: what the admin API's POST /_emulator/runs/{id}/end does, no report involved.
  const ended = emu.github.endRun(run.id, 'startup_failure')
  const endedAt = new Date()
  event(
    world,
    'workflow',
    `${APP_REPO} "${INTEGRATION.name}" run #${run.number} (${run.id}) cannot start: job "${INTEGRATION.job}" ` +
      `calls ${MISSING_REUSABLE}, which does not exist → ${out(world, 'red', ended.conclusion ?? '?')}; ` +
      'no job ran, no report step'
  )
  check(
    world,
    ended.status === 'completed' &&
      ended.conclusion === 'startup_failure' &&
      job.state === 'InProgress' &&
      job.results.length === 0,
    `the run ended startup_failure and nothing reported: job ${short(job.id)} is still InProgress, waiting`
  )

  // The next run of the poll workflow, on its schedule: no new job, but it looks after the runs earlier polls started.
  const next = await poll(world, 'dispatch')
  const result = job.results[0]
  const details = result?.request.failureDetails as Record<string, unknown> | undefined
  const message = String(details?.message)
  check(
    world,
    next.exitCode === 0 &&
      next.outputs.dispatched === '0' &&
      job.state === 'Failed' &&
      job.results.length === 1 &&
      details?.type === 'ConfigurationError' &&
      details.externalExecutionId === String(run.id),
    `the next poll run failed job ${short(job.id)}: ConfigurationError, externalExecutionId = run ID`
  )
  check(
    world,
    message.startsWith(`GitHub workflow "${INTEGRATION.name}" run #${run.number} `) &&
      message.includes('startup_failure') &&
      message.includes(`Run: ${ended.html_url}`),
    `the failure message names the workflow "${INTEGRATION.name}", run #${run.number} and its conclusion, and links the run`
  )
  const sender = emu.sts.issued.find(c => c.accessKeyId === result?.accessKeyId)?.roleArn
  check(world, sender === POLLER_ROLE, 'the failure was sent by the poll run, with the poller role')
  const entry = reconciledEntry(next.outputs.reconciled, job.id)
  const rows = printSummaryRows(world.out, next.summary, job.id)
  check(
    world,
    entry?.result === 'failed' &&
      entry.runUrl === ended.html_url &&
      rows.length === 1 &&
      rows[0].includes(`[${run.id}](${ended.html_url})`),
    "the poll step's reconciled output and its job summary show the job failed, with the run linked"
  )

  if (result) {
    const indent = ' '.repeat(17)
    const took = result.at.getTime() - endedAt.getTime()
    const waited = result.at.getTime() - job.createdAt.getTime()
    const saved = TIMEOUT_MINUTES * 60_000 - waited
    const paint = world.out.paint.bind(world.out)
    event(
      world,
      'latency',
      paint(
        'bold',
        `run ${run.id} startup_failure → job ${short(job.id)} failed: ${took} ms, in the emulator`
      )
    )
    world.out.line(
      `${indent}job queued → failed            ${`${(waited / 1000).toFixed(1)} s`.padStart(8)}  ` +
        paint('dim', 'the next poll run started at once here')
    )
    world.out.line(
      `${indent}without reconciliation   ${`${TIMEOUT_MINUTES} min`.padStart(14)}  ` +
        paint('dim', "InProgress until CodePipeline's action timeout, whose message names no run")
    )
    world.out.line(
      `${indent}time saved                  ${minutes(saved).padStart(11)}  ` +
        paint(
          'dim',
          `on GitHub: the next poll run, within ${SCHEDULE_MINUTES} min on the examples' schedule, ` +
            `so ${TIMEOUT_MINUTES - SCHEDULE_MINUTES} min or more`
        )
    )
  }
  return job
}

function minutes(ms: number): string {
  const s = Math.max(Math.round(ms / 1000), 0)
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}
