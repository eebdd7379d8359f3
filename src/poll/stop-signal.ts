import * as core from '@actions/core'
import { CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import { errorMessage } from '../errors.ts'
import { failure } from '../job-result.ts'
import type { JobPlan } from './job.ts'
import { StopGate, watchStopSignals } from './stop-gate.ts'

// What a stop signal does to a poll run: the gate (stop-gate.ts) decides which jobs are failed from here; this
// sends those failures and, should calls already in flight hang, ends the process before the runner kills it.

/**
 * How long calls in flight may take after a stop before the process exits anyway. The runner sends SIGINT, then
 * SIGTERM 7.5 s later, then kills the process 2.5 s after that: the exit must come before the kill.
 */
const EXIT_WITHIN_MS: Record<string, number> = { SIGINT: 6000, SIGTERM: 2000 }
/** Once nothing is on its way, the run's own ending (outputs, summary) gets this long before the process exits. */
const IDLE_GRACE_MS = 300

export interface StopWatch {
  gate: StopGate
  /** Stops listening for signals (and the exit timer): the run is over. */
  release: () => void
}

/** Listens for SIGINT and SIGTERM for the rest of the run. */
export function watchForStop(codepipeline: Pick<CodePipeline, 'putJobResult'>): StopWatch {
  const gate = new StopGate((plan, signal) => failStopped(codepipeline, plan, signal))
  let timer: NodeJS.Timeout | undefined
  const unwatch = watchStopSignals(gate, signal => {
    core.warning(
      `The poll action was stopped (${signal}): it takes no new job and starts no workflow; acknowledged jobs ` +
        'that were not started yet are failed as SystemUnavailable.'
    )
    const deadline = Date.now() + (EXIT_WITHIN_MS[signal] ?? EXIT_WITHIN_MS.SIGTERM)
    let idleSince: number | undefined
    // Workers the stop took may still wait on GitHub; once every answer is in, they need not be waited for.
    timer = setInterval(() => {
      idleSince = gate.idle() ? (idleSince ?? Date.now()) : undefined
      const idleLongEnough = idleSince !== undefined && Date.now() - idleSince >= IDLE_GRACE_MS
      if (!idleLongEnough && Date.now() < deadline) return
      const left = idleLongEnough ? '' : ' Calls still in flight were abandoned at exit.'
      core.setFailed(`${stopMessage(gate)}${left}`)
      process.exit(1)
    }, 50)
  })
  return {
    gate,
    release: () => {
      unwatch()
      clearInterval(timer)
    }
  }
}

/** The step's error after a stop: names every job the stop failed. Pure. */
export function stopMessage(gate: Pick<StopGate, 'stoppedBy' | 'failedJobs'>): string {
  const failed = gate.failedJobs()
  const head = `The poll action was stopped (${gate.stoppedBy}: its GitHub job was cancelled or timed out).`
  if (!failed.length) return `${head} No acknowledged job was waiting to be started.`
  return (
    `${head} ${failed.length} acknowledged job(s) not yet started were failed as SystemUnavailable, so that ` +
    `their pipelines do not wait: ${failed.join(', ')}. Jobs whose workflow had already been asked to start ` +
    'were left to it.'
  )
}

async function failStopped(
  codepipeline: Pick<CodePipeline, 'putJobResult'>,
  plan: JobPlan,
  signal: NodeJS.Signals
): Promise<boolean> {
  const message =
    `The poll action was stopped (${signal}: its GitHub job was cancelled or timed out) after acknowledging this ` +
    'job and before its workflow was started. Retry the stage.'
  try {
    await codepipeline.putJobResult(failure(plan.jobId, 'SystemUnavailable', message))
    core.warning(`Job ${plan.jobId}: failed as SystemUnavailable, since the poller was stopped (${signal}).`)
    return true
  } catch (error) {
    if (error instanceof CodePipelineError && error.code === 'InvalidJobStateException') {
      core.warning(`Job ${plan.jobId}: already had a result when the poller was stopped (${signal}).`)
      return true
    }
    core.error(
      `Job ${plan.jobId} could not be answered and waits until CodePipeline times it out: ${errorMessage(error)}`
    )
    return false
  }
}
