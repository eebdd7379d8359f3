import type { ActionExecutionDetail, JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { errorMessage } from '../errors.ts'
import type { CodePipeline } from '../aws/codepipeline.ts'

// Why CodePipeline refused a result: the job's action execution says whether the pipeline execution was
// stopped, the job timed out, an earlier attempt of this run answered it, or someone else did. The answer
// decides whether the step fails (the pipeline gave up on this run) or only warns (a re-run, our own answer).

export type Fate =
  | { kind: 'abandoned'; at?: Date }
  | { kind: 'timed-out'; at?: Date }
  /** Answered with this run's external execution ID: an earlier attempt whose answer was lost. */
  | { kind: 'ours' }
  | { kind: 'other'; at?: Date }
  | { kind: 'in-progress' }
  | { kind: 'unknown'; why: string }

/** Pure: what the job's action execution says, and whether the answer it holds is this run's. */
export function fateOf(detail: ActionExecutionDetail | undefined, externalExecutionId: string): Fate {
  if (!detail) return { kind: 'unknown', why: "CodePipeline did not list the job's action execution" }
  const at = detail.lastUpdateTime
  if (detail.status === 'Abandoned') return { kind: 'abandoned', at }
  if (detail.status === 'InProgress') return { kind: 'in-progress' }
  const result = detail.output?.executionResult
  if (result?.externalExecutionId === externalExecutionId) return { kind: 'ours' }
  // A worker's answer carries a summary or an ID; a job CodePipeline gave up on (failed) carries neither.
  const answered = result?.externalExecutionId || result?.externalExecutionSummary
  if (detail.status === 'Failed' && !answered) return { kind: 'timed-out', at }
  return { kind: 'other', at }
}

/** Reads the job's action execution (codepipeline:ListActionExecutions); never throws. */
export async function lookUpFate(
  codepipeline: Pick<CodePipeline, 'listActionExecutions'>,
  data: JobData,
  externalExecutionId: string
): Promise<Fate> {
  const context = data.pipelineContext
  if (!context?.pipelineName || !context.pipelineExecutionId || !context.action?.actionExecutionId) {
    return { kind: 'unknown', why: "the job's details do not name its action execution" }
  }
  try {
    const details = await codepipeline.listActionExecutions(context.pipelineName, context.pipelineExecutionId)
    const detail = details.find(d => d.actionExecutionId === context.action?.actionExecutionId)
    return fateOf(detail, externalExecutionId)
  } catch (error) {
    core.debug(`Could not read the job's action execution: ${errorMessage(error)}`)
    return { kind: 'unknown', why: errorMessage(error) }
  }
}

/** "at 2026-12-06T13:45:02Z", or nothing when the time is unknown. */
export function when(at: Date | undefined): string {
  return at ? ` at ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : ''
}
