import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline'
import { codepipeline as limits, type FailureType } from '../limits.ts'
import { truncate } from '../text.ts'

/** What the poller tells CodePipeline about one job, within every limit of the API. */
export type JobResult =
  { kind: 'success'; input: PutJobSuccessResultInput } | { kind: 'failure'; input: PutJobFailureResultInput }

export function success(
  jobId: string,
  details: { summary: string; externalExecutionId?: string; percentComplete?: number },
  continuationToken?: string
): JobResult {
  return {
    kind: 'success',
    input: {
      jobId,
      executionDetails: {
        summary: truncate(details.summary, limits.summary.max),
        ...externalId(details.externalExecutionId),
        ...(details.percentComplete !== undefined ? { percentComplete: details.percentComplete } : {})
      },
      ...(continuationToken ? { continuationToken } : {})
    }
  }
}

export function failure(
  jobId: string,
  type: FailureType,
  message: string,
  externalExecutionId?: string
): JobResult {
  return {
    kind: 'failure',
    input: {
      jobId,
      failureDetails: {
        type,
        message: truncate(message, limits.failureMessage.max),
        ...externalId(externalExecutionId)
      }
    }
  }
}

function externalId(id: string | undefined) {
  return id ? { externalExecutionId: truncate(id, limits.externalExecutionId.max) } : {}
}
