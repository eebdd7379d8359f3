import * as core from '@actions/core'
import type { CodePipeline } from '../aws/codepipeline.ts'
import { errorMessage } from '../errors.ts'
import { failure } from '../job-result.ts'
import type { JobPlan } from './job.ts'

// The runner cancels or times out a job with SIGINT, then SIGTERM, then kills it a few seconds later. Jobs this
// poller acknowledged but has not answered would otherwise wait silently until CodePipeline times them out.

/** How long the answers may take before the process exits anyway (the runner kills it soon after). */
const ANSWER_WITHIN_MS = 4000

export function failHeldJobsOnStop(held: Map<string, JobPlan>, codepipeline: CodePipeline): () => void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    void answerAndExit(signal, [...held.values()], codepipeline)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

async function answerAndExit(signal: NodeJS.Signals, plans: JobPlan[], codepipeline: CodePipeline) {
  const message =
    `The poll action was stopped (${signal}: its GitHub job was cancelled or timed out) after acknowledging this ` +
    'job and before its workflow was started or followed. Retry the stage.'
  const answers = plans.map(async plan => {
    try {
      await codepipeline.putJobResult(failure(plan.jobId, 'SystemUnavailable', message))
      core.warning(
        `Job ${plan.jobId}: failed as SystemUnavailable, since the poller was stopped (${signal}).`
      )
    } catch (error) {
      core.error(
        `Job ${plan.jobId} could not be answered and waits until CodePipeline times it out: ${errorMessage(error)}`
      )
    }
  })
  const timer = new Promise(resolve => setTimeout(resolve, ANSWER_WITHIN_MS).unref())
  await Promise.race([Promise.allSettled(answers), timer])
  core.setFailed(
    `The poll action was stopped (${signal}) with ${plans.length} acknowledged job(s) not yet answered; each was ` +
      'failed as SystemUnavailable so that its pipeline does not wait.'
  )
  process.exit(1)
}
