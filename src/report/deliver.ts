import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { asArtifactError, type ArtifactError } from '../artifacts/artifact-error.ts'
import { connectCodePipeline, CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import { describePlace, pipelineContext, type PipelineContext } from '../aws/pipeline-context.ts'
import { DeliveryError, errorMessage, ForeignJobError, UserError } from '../errors.ts'
import { operationOf } from '../job-result.ts'
import { appendSummary } from '../job-summary.ts'
import type { RunContext } from '../github/context.ts'
import type { Outcome } from '../outcome.ts'
import { neutralize } from '../text.ts'
import { describeArtifacts, moveArtifacts } from './artifacts.ts'
import { lookUpFate } from './job-fate.ts'
import { checkOwnership } from './ownership.ts'
import { refusal } from './refused.ts'
import { buildRequest, withDigestVariables, type ReportRequest } from './request.ts'
import type { ReportSettings } from './settings.ts'
import { reportOutputs, reportSummary, type ReportRecord } from './summary.ts'

/** A job read with GetJobDetails and found to be this workflow's; `data` holds its (masked) artifact credentials. */
export interface VerifiedJob {
  pipeline: PipelineContext
  data: JobData
}

/**
 * Checks that the job is this workflow's, moves its artifacts (outputs only before a success, which becomes a
 * failure naming the artifact if they cannot be stored), sends the outcome to CodePipeline, then writes outputs
 * and the job summary. A result that cannot be delivered throws a DeliveryError naming the job left waiting; a
 * job that already has a result is a warning, except when a first attempt finds its failure pre-empted by
 * someone else. An artifact that could not be moved fails the step once CodePipeline has been told.
 */
export async function deliver(
  settings: ReportSettings,
  run: RunContext,
  outcome: Outcome | ArtifactError,
  known?: { codepipeline?: CodePipeline; job?: VerifiedJob }
): Promise<ReportRecord> {
  const request = buildRequest(settings, outcome, run)
  const record: ReportRecord = {
    jobId: settings.jobId,
    region: settings.aws.region,
    request,
    result: request.kind === 'success' ? 'succeeded' : 'failed',
    pipeline: known?.job?.pipeline ?? {}
  }
  let preempted: Error | undefined
  let unmoved: ArtifactError | undefined
  if (settings.dryRun) {
    for (const plan of describeArtifacts(settings)) core.info(neutralize(`Dry run: would ${plan}`))
    core.info(`Dry run: would call ${operationOf(request)} with\n${JSON.stringify(request.input, null, 2)}`)
    record.result = 'dry-run'
  } else {
    // A client handed in belongs to the caller, who closes it.
    const codepipeline = known?.codepipeline ?? (await connect(settings))
    try {
      const job = known?.job ?? (await verifiedJob(codepipeline, settings, run))
      record.pipeline = job.pipeline
      try {
        record.artifacts = await moveArtifacts(settings, job.data, request.kind === 'success')
        record.request = withDigestVariables(record.request, record.artifacts)
      } catch (error) {
        unmoved = asArtifactError(error)
        if (request.kind === 'success') {
          record.request = buildRequest(settings, unmoved, run)
          record.result = 'failed'
        }
      }
      try {
        record.requestId = await codepipeline.putJobResult(record.request)
      } catch (error) {
        if (!isRefusal(error)) throw undelivered(settings.jobId, record.request, error)
        const fate = await lookUpFate(codepipeline, job.data, externalIdOf(record.request))
        const refused = refusal(error, fate, settings.jobId, record.request, run.runAttempt, job.pipeline)
        record.result = refused.result
        if (refused.warning) core.warning(neutralize(refused.warning))
        preempted = refused.error
      }
    } finally {
      if (!known?.codepipeline) codepipeline.destroy()
    }
    if (record.result === 'succeeded' || record.result === 'failed') core.info(neutralize(describe(record)))
  }
  for (const [name, value] of Object.entries(reportOutputs(record))) core.setOutput(name, value)
  await appendSummary(reportSummary(record))
  if (preempted) throw preempted
  if (unmoved) throw reportedProblem(unmoved.message, record)
  return record
}

/** The step's error for a problem that CodePipeline has been told of (or that found the job already answered). */
export function reportedProblem(reason: string, record: ReportRecord): UserError {
  const { request } = record
  const told =
    record.result === 'already-reported'
      ? 'CodePipeline already had a result for the job.'
      : `Reported to CodePipeline as a ${request.kind === 'failure' ? request.input.failureDetails?.type : 'success'}.`
  return new UserError(`${reason}\n${told}`)
}

/**
 * Reads the job and refuses one that is not this workflow's (nothing is sent); returns where it sits in its
 * pipeline, for the outputs and the summary, and its data, for its artifacts.
 */
export async function verifiedJob(
  codepipeline: CodePipeline,
  settings: ReportSettings,
  run: RunContext
): Promise<VerifiedJob> {
  let data
  try {
    data = await codepipeline.getJobDetails(settings.jobId)
  } catch (error) {
    if (error instanceof CodePipelineError && error.code === 'JobNotFoundException') throw error
    throw DeliveryError.leftWaiting(
      `Could not read CodePipeline job ${settings.jobId} to check that it is this workflow's: ${errorMessage(error)}`,
      settings.jobId,
      REPORT_AGAIN,
      { cause: error }
    )
  }
  const ownership = checkOwnership(settings.jobId, data, run)
  if (ownership.kind === 'foreign') throw new ForeignJobError(ownership.reason)
  if (ownership.kind === 'unchecked') core.warning(ownership.reason)
  return { pipeline: pipelineContext(data), data }
}

/** The job already has a result, or is gone (an abandoned job may be): CodePipeline will take nothing more. */
function isRefusal(error: unknown): error is CodePipelineError {
  return (
    error instanceof CodePipelineError &&
    (error.code === 'InvalidJobStateException' || error.code === 'JobNotFoundException')
  )
}

function externalIdOf(request: ReportRequest): string {
  const input = request.input as {
    executionDetails?: { externalExecutionId?: string }
    failureDetails?: { externalExecutionId?: string }
  }
  return input.executionDetails?.externalExecutionId ?? input.failureDetails?.externalExecutionId ?? ''
}

const REPORT_AGAIN = 're-run this workflow job to report again'

async function connect(settings: ReportSettings): Promise<CodePipeline> {
  try {
    return await connectCodePipeline(settings.aws)
  } catch (error) {
    throw DeliveryError.leftWaiting(errorMessage(error), settings.jobId, REPORT_AGAIN, { cause: error })
  }
}

function undelivered(jobId: string, request: ReportRequest, error: unknown): DeliveryError {
  const reason = `Could not deliver the ${request.kind} of CodePipeline job ${jobId}: ${errorMessage(error)}`
  return DeliveryError.leftWaiting(reason, jobId, REPORT_AGAIN, { cause: error })
}

function describe(record: ReportRecord): string {
  const place = describePlace(record.pipeline)
  const where = `CodePipeline job ${record.jobId}${place ? ` (${place})` : ''}`
  const request = record.request
  return request.kind === 'success'
    ? `Reported success of ${where}: ${request.input.executionDetails?.summary}`
    : `Reported failure (${request.input.failureDetails?.type}) of ${where}: ${request.input.failureDetails?.message}`
}
