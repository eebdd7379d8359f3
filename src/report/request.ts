import { ArtifactError } from '../artifacts/artifact-error.ts'
import type { RunContext } from '../github/context.ts'
import { failure, success, type JobResult } from '../job-result.ts'
import { codepipeline as limits } from '../limits.ts'
import { failureMessage, runLabel, successSummary } from '../messages.ts'
import type { Outcome } from '../outcome.ts'
import { fit } from '../text.ts'
import type { ReportSettings } from './settings.ts'

export type ReportRequest = JobResult

/**
 * The exact request CodePipeline will receive, within every limit of its API. An artifact that could not be
 * moved is a failure whatever the run did, and says so over a custom message: it is what needs fixing.
 */
export function buildRequest(
  settings: ReportSettings,
  outcome: Outcome | ArtifactError,
  run: RunContext
): ReportRequest {
  const externalExecutionId = settings.externalExecutionId ?? run.runId
  if (outcome instanceof ArtifactError) {
    const message = fit(
      `${runLabel(run)}: `,
      outcome.message,
      ` Run: ${run.runUrl}`,
      limits.failureMessage.max
    )
    return failure(settings.jobId, outcome.failureType, message, externalExecutionId)
  }
  if (outcome.ok) {
    const { summary = successSummary(run), percentComplete, continuationToken, outputVariables } = settings
    return success(
      settings.jobId,
      { summary, externalExecutionId, percentComplete },
      continuationToken,
      outputVariables
    )
  }
  // A run that could not be judged explains why, even over a custom message: that is what needs fixing.
  const message = settings.message && !outcome.unknown ? settings.message : failureMessage(outcome, run)
  return failure(
    settings.jobId,
    outcome.unknown?.failureType ?? settings.failureType,
    message,
    externalExecutionId
  )
}
