import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline'
import type { RunContext } from '../github/context.ts'
import { codepipeline as limits } from '../limits.ts'
import { failureMessage, successSummary } from '../messages.ts'
import { truncate } from '../text.ts'
import type { Outcome } from '../outcome.ts'
import type { ReportSettings } from './settings.ts'

export type ReportRequest =
  { kind: 'success'; input: PutJobSuccessResultInput } | { kind: 'failure'; input: PutJobFailureResultInput }

/** The exact request CodePipeline will receive, within every limit of its API. */
export function buildRequest(settings: ReportSettings, outcome: Outcome, run: RunContext): ReportRequest {
  const externalExecutionId = truncate(
    settings.externalExecutionId ?? run.runId,
    limits.externalExecutionId.max
  )
  if (outcome.ok) {
    return {
      kind: 'success',
      input: {
        jobId: settings.jobId,
        executionDetails: {
          summary: truncate(settings.summary ?? successSummary(run), limits.summary.max),
          externalExecutionId,
          ...(settings.percentComplete !== undefined ? { percentComplete: settings.percentComplete } : {})
        },
        ...(settings.continuationToken ? { continuationToken: settings.continuationToken } : {}),
        ...(settings.outputVariables ? { outputVariables: settings.outputVariables } : {})
      }
    }
  }
  return {
    kind: 'failure',
    input: {
      jobId: settings.jobId,
      failureDetails: {
        type: outcome.unknown?.failureType ?? settings.failureType,
        // A run that could not be judged explains why, even over a custom message: that is what needs fixing.
        message:
          settings.message && !outcome.unknown
            ? truncate(settings.message, limits.failureMessage.max)
            : failureMessage(outcome, run),
        externalExecutionId
      }
    }
  }
}
