import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline'
import { codepipeline as limits, type FailureType } from './limits.ts'
import { truncate } from './text.ts'

/** What CodePipeline is told about one job, built within every limit of its API (both actions use these). */
export type JobResult =
  { kind: 'success'; input: PutJobSuccessResultInput } | { kind: 'failure'; input: PutJobFailureResultInput }

export function success(
  jobId: string,
  details: { summary: string; externalExecutionId?: string; percentComplete?: number },
  continuationToken?: string,
  outputVariables?: Record<string, string>
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
      ...(continuationToken ? { continuationToken } : {}),
      ...(outputVariables ? { outputVariables } : {})
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

export function operationOf(result: JobResult): 'PutJobSuccessResult' | 'PutJobFailureResult' {
  return result.kind === 'success' ? 'PutJobSuccessResult' : 'PutJobFailureResult'
}
