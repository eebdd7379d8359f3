// Pipeline executions as the jobs show them: StopPipelineExecution ("Stop and abandon" / "Stop and wait"), CodePipeline
// cancelling one action execution, and the "CodePipeline Action Execution State Change" events those produce
// (ListActionExecutions: codepipeline-history.ts). A pipeline exists when some job names it; an execution when some job of that pipeline carries its
// pipelineExecutionId; an action execution is the jobs sharing an actionExecutionId (a job and its continuations).
// Where the API reference leaves behaviour open, the choice is written in emulator/README.md ("Stopping a pipeline").
import { FINAL_STATES } from './codepipeline-jobs.ts'
import type { ActionTypeId, Job, JobStore } from './codepipeline-jobs.ts'
import { JOB_ID } from './codepipeline-validation.ts'
import { Violations } from './validation.ts'

export const PIPELINE_NAME = { min: 1, max: 100, pattern: '[A-Za-z0-9.@\\-_]+', required: true }

/** An AWS error the wire answers as `{"__type": type, "message": ...}`; the in-process calls throw it as it is. */
export class ServiceError extends Error {
  readonly type: string

  constructor(type: string, message: string) {
    super(message)
    this.type = type
    this.name = type
  }
}

/** Part of the API the emulator does not model: answered 501 in plain text, never mistaken for AWS's answer. */
export class NotModelled extends Error {}

export type ActionState = 'STARTED' | 'ABANDONED' | 'CANCELED'

/** The `detail` of EventBridge's "CodePipeline Action Execution State Change", plus the job it is about. */
export interface ActionStateChange {
  pipeline: string
  executionId: string
  stage: string
  action: string
  state: ActionState
  type: ActionTypeId
  jobId: string
  at: Date
}

export interface PipelineStop {
  pipelineName: string
  pipelineExecutionId: string
  abandon: boolean
  reason?: string
  at: Date
  /** The jobs this stop abandoned (none for "Stop and wait"). */
  abandonedJobIds: string[]
}

type Body = Record<string, unknown>

/** The jobs of a pipeline, which exists when some job names it: PipelineNotFoundException otherwise. */
export function pipelineJobs(store: JobStore, pipelineName: string): Job[] {
  const jobs = store.jobs.filter(j => j.data.pipelineContext.pipelineName === pipelineName)
  if (jobs.length === 0) {
    throw new ServiceError(
      'PipelineNotFoundException',
      `Account '${store.accountId}' does not have a pipeline with name '${pipelineName}'`
    )
  }
  return jobs
}

/** The jobs of one execution of a pipeline: PipelineExecutionNotFoundException when it has none. */
export function executionJobs(store: JobStore, pipelineName: string, pipelineExecutionId: string): Job[] {
  const jobs = pipelineJobs(store, pipelineName).filter(
    j => j.data.pipelineContext.pipelineExecutionId === pipelineExecutionId
  )
  if (jobs.length === 0) {
    throw new ServiceError(
      'PipelineExecutionNotFoundException',
      `Pipeline execution ${pipelineExecutionId} does not exist in pipeline ${pipelineName}.`
    )
  }
  return jobs
}

export class PipelineExecutions {
  readonly stops: PipelineStop[] = []
  /** Every state change the emulator emits: STARTED (a new action execution queued), ABANDONED, CANCELED. */
  readonly stateChanges: ActionStateChange[] = []
  /** Called with each state change (the stop rule in wakeup.ts listens). */
  readonly stateListeners: Array<(change: ActionStateChange) => void> = []
  private readonly store: JobStore

  constructor(store: JobStore) {
    this.store = store
    store.queuedListeners.push(job => this.emit(job, 'STARTED'))
  }

  /** StopPipelineExecution. Throws ServiceError as the service answers. */
  stop(
    pipelineName: string,
    pipelineExecutionId: string,
    opts: { abandon?: boolean; reason?: string } = {}
  ): PipelineStop {
    const jobs = executionJobs(this.store, pipelineName, pipelineExecutionId)
    const running = jobs.filter(j => !FINAL_STATES.includes(j.state))
    const earlier = this.stops.filter(
      s => s.pipelineName === pipelineName && s.pipelineExecutionId === pipelineExecutionId
    )
    if (running.length === 0) {
      throw new ServiceError(
        'PipelineExecutionNotStoppableException',
        `Pipeline execution ${pipelineExecutionId} cannot be stopped: it is ` +
          (earlier.length > 0 ? 'already Stopped.' : 'no longer in progress.')
      )
    }
    if (earlier.length > 0 && !opts.abandon) {
      throw new ServiceError(
        'DuplicatedStopRequestException',
        `Pipeline execution ${pipelineExecutionId} is already Stopping; only a stop and abandon request can follow.`
      )
    }
    const stop: PipelineStop = {
      pipelineName,
      pipelineExecutionId,
      abandon: opts.abandon === true,
      ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
      at: new Date(),
      abandonedJobIds: []
    }
    this.stops.push(stop)
    if (!stop.abandon) return stop
    for (const job of running) {
      this.abandon(job)
      stop.abandonedJobIds.push(job.id)
    }
    // One event per action execution (a job and its continuations are one).
    const actions = new Map(running.map(j => [j.data.pipelineContext.action.actionExecutionId, j]))
    for (const job of actions.values()) this.emit(job, 'ABANDONED')
    return stop
  }

  /** CodePipeline cancelling an action execution (the pipeline's structure changed under it): event CANCELED. */
  cancelAction(jobId: string): Job {
    const job = this.store.job(jobId)
    if (!job) throw new Error(`no job ${jobId}`)
    if (FINAL_STATES.includes(job.state))
      throw new Error(`job ${jobId} is ${job.state}: only an action execution in progress can be cancelled`)
    this.abandon(job)
    this.emit(job, 'CANCELED')
    return job
  }

  /** StopPipelineExecution's wire request, validated as the model says. */
  stopRequest(body: Body): { pipelineExecutionId: string } {
    const v = new Violations()
    v.string(body.pipelineName, 'pipelineName', PIPELINE_NAME)
    v.string(body.pipelineExecutionId, 'pipelineExecutionId', { pattern: JOB_ID, required: true })
    if (body.abandon !== undefined && body.abandon !== null && typeof body.abandon !== 'boolean')
      v.custom(body.abandon, 'abandon', 'Member must be a boolean')
    v.string(body.reason, 'reason', { max: 200 })
    if (v.message) throw new ServiceError('ValidationException', v.message)
    const stop = this.stop(body.pipelineName as string, body.pipelineExecutionId as string, {
      abandon: body.abandon === true,
      ...(typeof body.reason === 'string' ? { reason: body.reason } : {})
    })
    return { pipelineExecutionId: stop.pipelineExecutionId }
  }

  private abandon(job: Job): void {
    job.state = 'Abandoned'
    job.lastUpdateTime = new Date()
  }

  private emit(job: Job, state: ActionState): void {
    const c = job.data.pipelineContext
    const change: ActionStateChange = {
      pipeline: c.pipelineName,
      executionId: c.pipelineExecutionId,
      stage: c.stage.name,
      action: c.action.name,
      state,
      type: { ...job.data.actionTypeId },
      jobId: job.id,
      at: new Date()
    }
    this.stateChanges.push(change)
    for (const listener of this.stateListeners) listener(change)
  }
}
