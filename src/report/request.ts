import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline'
import type { RunContext } from '../github/context.ts'
import { codepipeline as limits } from '../limits.ts'
import { fit, truncate } from '../text.ts'
import type { FailedJob, Outcome } from './outcome.ts'
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

export function runLabel(run: RunContext): string {
  return `GitHub workflow "${run.workflow}" run #${run.runNumber} (attempt ${run.runAttempt})`
}

export function successSummary(run: RunContext): string {
  return `${runLabel(run)} succeeded: ${run.runUrl}`
}

/** Names the workflow, run, failed jobs and steps, and links the run; always within CodePipeline's 5000 characters. */
export function failureMessage(outcome: Outcome, run: RunContext): string {
  if (outcome.unknown) {
    return fit(
      `${runLabel(run)} could not be judged: `,
      outcome.unknown.reason,
      `. Run: ${run.runUrl}`,
      limits.failureMessage.max
    )
  }
  const verb = outcome.cancelled ? 'was cancelled' : 'failed'
  const details = outcome.failedJobs.map(describeJob).join('; ')
  return fit(
    `${runLabel(run)} ${verb}`,
    details ? `: ${details}` : '',
    `. Run: ${run.runUrl}`,
    limits.failureMessage.max
  )
}

function describeJob(job: FailedJob): string {
  const how =
    job.conclusion === 'timed_out' ? 'timed out' : job.conclusion === 'cancelled' ? 'was cancelled' : 'failed'
  if (job.steps.length === 0) return `job "${job.name}" ${how}`
  const steps = job.steps.map(
    s => `"${s.name}"${s.conclusion === 'failure' ? '' : ` (${s.conclusion.replace('_', ' ')})`}`
  )
  return `job "${job.name}" ${how} at step ${steps.join(', ')}`
}
