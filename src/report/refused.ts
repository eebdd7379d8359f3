import type { CodePipelineError } from '../aws/codepipeline.ts'
import { describePlace, type PipelineContext } from '../aws/pipeline-context.ts'
import { PipelineGaveUpError, UserError } from '../errors.ts'
import { when, type Fate } from './job-fate.ts'
import type { ReportRequest } from './request.ts'
import type { ReportResult } from './summary.ts'

// CodePipeline refused the result: the job already had one, or is gone. What the step then says. A first attempt
// fails when the pipeline gave up on this run (stopped, timed out) or when someone else answered its failure;
// a re-run attempt, or our own earlier answer, only warns. Pure.

export interface Refusal {
  result: ReportResult
  /** Fails the step. */
  error?: Error
  warning?: string
}

export function refusal(
  error: CodePipelineError,
  fate: Fate,
  jobId: string,
  request: ReportRequest,
  runAttempt: number,
  pipeline: PipelineContext
): Refusal {
  const job = `CodePipeline job ${jobId}`
  const place = describePlace(pipeline)
  const named = `${job}${place ? ` (${place})` : ''}`
  const notRecorded = `this run's ${request.kind} was not recorded`
  const rerun: Refusal = {
    result: 'already-reported',
    warning: `${job} already has a result (a re-run, or the job timed out); ${notRecorded}.`
  }
  if (fate.kind === 'abandoned' || fate.kind === 'timed-out') {
    if (runAttempt > 1) return rerun
    const why =
      fate.kind === 'abandoned'
        ? `${named} was abandoned${when(fate.at)}: its pipeline execution ${pipeline.pipelineExecutionId ?? ''} was ` +
          'stopped (Stop and abandon), or CodePipeline cancelled the action, so the pipeline gave up on this job. ' +
          `Nothing was reported: ${notRecorded}.`
        : `CodePipeline timed out job ${jobId}${place ? ` (${place})` : ''}${when(fate.at)}, before this run reported: the pipeline gave up on this ` +
          `job, and ${notRecorded}. A custom action's job times out after an hour unless it is answered or renewed ` +
          'with a continuation token: start the run sooner (the wake-up), or report from a job that ends sooner.'
    return { result: fate.kind, error: new PipelineGaveUpError(why) }
  }
  if (fate.kind === 'ours' || (fate.kind === 'unknown' && error.unanswered)) {
    return {
      result: 'already-reported',
      warning:
        `${job} already has a result: most likely this ${request.kind} itself, delivered by an earlier attempt ` +
        'whose answer was lost.'
    }
  }
  if (request.kind === 'failure' && runAttempt === 1) {
    return {
      result: 'already-reported',
      error: new UserError(
        `Another party answered ${job} first (or CodePipeline timed it out): this run's failure was not recorded, ` +
          'and the pipeline may have gone on with a result this workflow did not send. Check who else can report ' +
          "on this job: the reporter role's trust policy, and every step of this job if it has `id-token: write`."
      )
    }
  }
  return rerun
}
