import * as core from '@actions/core'
import { connectCodePipeline, CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import { describePlace, pipelineContext, type PipelineContext } from '../aws/pipeline-context.ts'
import { DeliveryError, errorMessage } from '../errors.ts'
import { operationOf } from '../job-result.ts'
import { appendSummary } from '../job-summary.ts'
import type { RunContext } from '../github/context.ts'
import type { Outcome } from '../outcome.ts'
import { buildRequest, type ReportRequest } from './request.ts'
import type { ReportSettings } from './settings.ts'
import { reportOutputs, reportSummary, type ReportRecord } from './summary.ts'

/**
 * Sends the outcome to CodePipeline, then writes outputs and the job summary. A result that cannot be
 * delivered throws a DeliveryError naming the job left waiting; a job that already has a result is a warning.
 */
export async function deliver(
  settings: ReportSettings,
  run: RunContext,
  outcome: Outcome,
  known?: { codepipeline?: CodePipeline; pipeline?: PipelineContext }
): Promise<ReportRecord> {
  const request = buildRequest(settings, outcome, run)
  const record: ReportRecord = {
    jobId: settings.jobId,
    region: settings.aws.region,
    request,
    result: request.kind === 'success' ? 'succeeded' : 'failed',
    pipeline: known?.pipeline ?? {}
  }
  if (settings.dryRun) {
    core.info(`Dry run: would call ${operationOf(request)} with\n${JSON.stringify(request.input, null, 2)}`)
    record.result = 'dry-run'
  } else {
    // A client handed in belongs to the caller, who closes it.
    const codepipeline = known?.codepipeline ?? (await connect(settings))
    try {
      // The job's place in the pipeline is only for outputs and the summary: fetched alongside, never required.
      const [sent, details] = await Promise.allSettled([
        codepipeline.putJobResult(request),
        known?.pipeline ?? codepipeline.getJobDetails(settings.jobId).then(pipelineContext)
      ])
      if (details.status === 'fulfilled') record.pipeline = details.value
      else core.debug(`GetJobDetails (for the summary only) failed: ${errorMessage(details.reason)}`)
      if (sent.status === 'fulfilled') record.requestId = sent.value
      else if (sent.reason instanceof CodePipelineError && sent.reason.code === 'InvalidJobStateException') {
        core.warning(
          sent.reason.unanswered
            ? `CodePipeline job ${settings.jobId} already has a result: most likely this ${request.kind} itself, ` +
                'delivered by an earlier attempt whose answer was lost.'
            : `CodePipeline job ${settings.jobId} already has a result (a re-run, or the job timed out); ` +
                `this ${request.kind} was not recorded.`
        )
        record.result = 'already-reported'
      } else throw undelivered(settings.jobId, request, sent.reason)
    } finally {
      if (!known?.codepipeline) codepipeline.destroy()
    }
    if (record.result !== 'already-reported') core.info(describe(record))
  }
  for (const [name, value] of Object.entries(reportOutputs(record))) core.setOutput(name, value)
  await appendSummary(reportSummary(record))
  return record
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
