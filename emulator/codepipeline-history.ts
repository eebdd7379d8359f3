// ListActionExecutions: one ActionExecutionDetail per action execution (a job and its continuations), newest first,
// pages of `maxResults` with an opaque `nextToken`. What a timed-out or abandoned action shows is the emulator's
// choice (emulator/README.md, "Stopping a pipeline").
import { isRecord } from './http.ts'
import type { Job, JobState, JobStore } from './codepipeline-jobs.ts'
import {
  executionJobs,
  NotModelled,
  PIPELINE_NAME,
  pipelineJobs,
  ServiceError
} from './codepipeline-executions.ts'
import { JOB_ID } from './codepipeline-validation.ts'
import { Violations } from './validation.ts'

const DEFAULT_MAX_RESULTS = 100
type Body = Record<string, unknown>

/** awsJson sends timestamps as epoch seconds. */
const seconds = (d: Date): number => d.getTime() / 1000

function actionStatus(state: JobState): 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned' {
  if (state === 'Succeeded' || state === 'Abandoned') return state
  return state === 'Failed' || state === 'TimedOut' ? 'Failed' : 'InProgress'
}

/** ListActionExecutions: newest action execution first, `maxResults` a page, an opaque `nextToken`. */
export function listActionExecutions(
  store: JobStore,
  body: Body
): { actionExecutionDetails: unknown[]; nextToken?: string } {
  const v = new Violations()
  v.string(body.pipelineName, 'pipelineName', PIPELINE_NAME)
  const filter = body.filter
  if (filter !== undefined && filter !== null && !isRecord(filter))
    v.custom(filter, 'filter', 'Member must be a structure')
  const executionId = isRecord(filter) ? filter.pipelineExecutionId : undefined
  v.string(executionId, 'filter.pipelineExecutionId', { pattern: JOB_ID })
  v.integer(body.maxResults, 'maxResults', { min: 1, max: 100 })
  v.string(body.nextToken, 'nextToken', { min: 1, max: 2048 })
  if (v.message) throw new ServiceError('ValidationException', v.message)
  if (isRecord(filter) && filter.latestInPipelineExecution !== undefined)
    throw new NotModelled('filter.latestInPipelineExecution is not modelled by the emulator')
  const pipelineName = body.pipelineName as string
  const jobs =
    typeof executionId === 'string'
      ? executionJobs(store, pipelineName, executionId)
      : pipelineJobs(store, pipelineName)
  const scope = `${pipelineName}/${typeof executionId === 'string' ? executionId : '*'}`
  const offset = body.nextToken === undefined ? 0 : readToken(body.nextToken as string, scope)
  const groups = new Map<string, Job[]>()
  for (const job of jobs) {
    const id = job.data.pipelineContext.action.actionExecutionId
    groups.set(id, [...(groups.get(id) ?? []), job])
  }
  // Newest first: by start time, then by creation order for executions started in the same millisecond.
  const all = [...groups.values()].reverse().sort((a, b) => +b[0].createdAt - +a[0].createdAt)
  const size = (body.maxResults as number | undefined) ?? DEFAULT_MAX_RESULTS
  const page = all.slice(offset, offset + size)
  const more = offset + size < all.length
  return {
    actionExecutionDetails: page.map(detail),
    ...(more ? { nextToken: writeToken(scope, offset + size) } : {})
  }
}

/** One ActionExecutionDetail from an action execution's jobs (oldest first). */
function detail(jobs: Job[]): Record<string, unknown> {
  const first = jobs[0]
  const latest = jobs[jobs.length - 1]
  const c = first.data.pipelineContext
  return {
    pipelineExecutionId: c.pipelineExecutionId,
    actionExecutionId: c.action.actionExecutionId,
    pipelineVersion: 1,
    stageName: c.stage.name,
    actionName: c.action.name,
    startTime: seconds(first.createdAt),
    lastUpdateTime: seconds(latest.lastUpdateTime),
    status: actionStatus(latest.state),
    input: {
      actionTypeId: { ...first.data.actionTypeId },
      configuration: { ...first.data.actionConfiguration.configuration }
    },
    ...output(jobs, latest)
  }
}

/** What the last result a worker sent says; nothing from a worker for a time-out or an abandoned action. */
function output(jobs: Job[], latest: Job): { output?: Record<string, unknown> } {
  if (latest.state === 'Abandoned') return {}
  if (latest.state === 'TimedOut') {
    return {
      output: {
        executionResult: {
          errorDetails: {
            code: 'JobTimedOut',
            message: 'The job timed out: no job worker returned a result within the time allowed.'
          }
        }
      }
    }
  }
  const result = jobs.flatMap(j => j.results).at(-1)
  if (!result) return {}
  const r = result.request
  if (result.kind === 'failure') {
    const f = r.failureDetails as { type: string; message: string; externalExecutionId?: string }
    return {
      output: {
        executionResult: {
          ...(f.externalExecutionId !== undefined ? { externalExecutionId: f.externalExecutionId } : {}),
          externalExecutionSummary: f.message,
          errorDetails: { code: f.type, message: f.message }
        }
      }
    }
  }
  const d = isRecord(r.executionDetails) ? r.executionDetails : {}
  return {
    output: {
      executionResult: {
        ...(typeof d.externalExecutionId === 'string' ? { externalExecutionId: d.externalExecutionId } : {}),
        ...(typeof d.summary === 'string' ? { externalExecutionSummary: d.summary } : {})
      },
      ...(isRecord(r.outputVariables) ? { outputVariables: { ...r.outputVariables } } : {})
    }
  }
}

function writeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset })).toString('base64url')
}

/** A token from another query (pipeline, filter) or one nobody issued is refused, as the service refuses it. */
function readToken(token: string, scope: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
    if (isRecord(parsed) && parsed.scope === scope && Number.isInteger(parsed.offset))
      return parsed.offset as number
  } catch {
    // falls through to the refusal
  }
  throw new ServiceError(
    'InvalidNextTokenException',
    'The next token was specified in an invalid format. Make sure that the next token you provide is the token returned by a previous call.'
  )
}
