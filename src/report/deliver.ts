import * as core from '@actions/core'
import { connectCodePipeline, CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import { describePlace, pipelineContext, type PipelineContext } from '../aws/pipeline-context.ts'
import { DeliveryError, errorMessage, ForeignJobError, UserError } from '../errors.ts'
import { operationOf } from '../job-result.ts'
import { appendSummary } from '../job-summary.ts'
import type { RunContext } from '../github/context.ts'
import type { Outcome } from '../outcome.ts'
import { neutralize } from '../text.ts'
import { checkOwnership } from './ownership.ts'
import { buildRequest, type ReportRequest } from './request.ts'
import type { ReportSettings } from './settings.ts'
import { reportOutputs, reportSummary, type ReportRecord } from './summary.ts'

/**
 * Checks that the job is this workflow's, sends the outcome to CodePipeline, then writes outputs and the job
 * summary. A result that cannot be delivered throws a DeliveryError naming the job left waiting; a job that
 * already has a result is a warning, except when a first attempt finds its failure pre-empted by someone else.
 */
export async function deliver(
  settings: ReportSettings,
  run: RunContext,
  outcome: Outcome,
  known?: { codepipeline?: CodePipeline; verified?: PipelineContext }
): Promise<ReportRecord> {
  const request = buildRequest(settings, outcome, run)
  const record: ReportRecord = {
    jobId: settings.jobId,
    region: settings.aws.region,
    request,
    result: request.kind === 'success' ? 'succeeded' : 'failed',
    pipeline: known?.verified ?? {}
  }
  let preempted: Error | undefined
  if (settings.dryRun) {
    core.info(`Dry run: would call ${operationOf(request)} with\n${JSON.stringify(request.input, null, 2)}`)
    record.result = 'dry-run'
  } else {
    // A client handed in belongs to the caller, who closes it.
    const codepipeline = known?.codepipeline ?? (await connect(settings))
    try {
      record.pipeline = known?.verified ?? (await verifiedJob(codepipeline, settings, run))
      try {
        record.requestId = await codepipeline.putJobResult(request)
      } catch (error) {
        if (!(error instanceof CodePipelineError && error.code === 'InvalidJobStateException')) {
          throw undelivered(settings.jobId, request, error)
        }
        record.result = 'already-reported'
        preempted = alreadyAnswered(error, settings.jobId, request, run.runAttempt)
      }
    } finally {
      if (!known?.codepipeline) codepipeline.destroy()
    }
    if (record.result !== 'already-reported') core.info(neutralize(describe(record)))
  }
  for (const [name, value] of Object.entries(reportOutputs(record))) core.setOutput(name, value)
  await appendSummary(reportSummary(record))
  if (preempted) throw preempted
  return record
}

/**
 * Reads the job and refuses one that is not this workflow's (nothing is sent); returns where it sits in its
 * pipeline, for the outputs and the summary.
 */
export async function verifiedJob(
  codepipeline: CodePipeline,
  settings: ReportSettings,
  run: RunContext
): Promise<PipelineContext> {
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
  return pipelineContext(data)
}

/**
 * The job already had a result. Our own earlier attempt, a re-run or a timeout only warn; but a first attempt
 * whose failure finds a result it did not send means someone else answered this job: that fails the step.
 */
function alreadyAnswered(
  error: CodePipelineError,
  jobId: string,
  request: ReportRequest,
  runAttempt: number
): Error | undefined {
  if (error.unanswered) {
    core.warning(
      `CodePipeline job ${jobId} already has a result: most likely this ${request.kind} itself, delivered by an ` +
        'earlier attempt whose answer was lost.'
    )
    return undefined
  }
  if (request.kind === 'failure' && runAttempt === 1) {
    return new UserError(
      `Another party answered CodePipeline job ${jobId} first (or CodePipeline timed it out): this run's failure ` +
        'was not recorded, and the pipeline may have gone on with a result this workflow did not send. Check who ' +
        "else can report on this job: the reporter role's trust policy, and every step of this job if it has " +
        '`id-token: write`.'
    )
  }
  core.warning(
    `CodePipeline job ${jobId} already has a result (a re-run, or the job timed out); this ${request.kind} was ` +
      'not recorded.'
  )
  return undefined
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
