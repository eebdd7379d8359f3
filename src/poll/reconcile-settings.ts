import { UserError } from '../errors.ts'
import { integer, type InputReader } from '../inputs.ts'
import { codepipeline as limits, JOB_ID_PATTERN } from '../limits.ts'

/** The action execution a stop woke this run for (the template's stop rule passes it as workflow inputs). */
export interface StoppedAction {
  pipeline: string
  executionId: string
  stage?: string
  action?: string
}

/** How far reconciliation looks back, and how long a run may stay queued. 0 turns either off. */
export interface ReconcileSettings {
  windowHours: number
  queueTimeoutMinutes: number
  /** Set when the stop rule woke this run: those runs are looked at first, and the poll does not wait. */
  stopped?: StoppedAction
}

// Our policy, not API limits: a week covers any action timeout CodePipeline allows a custom action, and a day
// is the longest GitHub keeps a job queued before it gives up on it itself.
const windowRange = { min: 0, max: 168 }
const queueRange = { min: 0, max: 1440 }

export function parseReconcileSettings(input: InputReader): ReconcileSettings {
  const stopped = parseStopped(input)
  return {
    windowHours: integer(input, 'reconcile-hours', windowRange, 24) as number,
    queueTimeoutMinutes: integer(input, 'queue-timeout-minutes', queueRange, 30) as number,
    ...(stopped ? { stopped } : {})
  }
}

/**
 * The four stopped-* inputs. Whoever can start the poll workflow can set them, so they only say where to look
 * first: a run is cancelled only once CodePipeline itself shows its action execution abandoned.
 */
function parseStopped(input: InputReader): StoppedAction | undefined {
  const pipeline = input('stopped-pipeline')
  const executionId = input('stopped-execution-id')
  const stage = input('stopped-stage')
  const action = input('stopped-action')
  if (!pipeline && !executionId && !stage && !action) return undefined
  if (!pipeline || !executionId) {
    throw new UserError(
      'Inputs stopped-pipeline and stopped-execution-id go together (the stop rule of the bridge template sets ' +
        'both, with stopped-stage and stopped-action): set both, or none.'
    )
  }
  if (!limits.pipelineName.test(pipeline)) {
    throw new UserError(
      `Input stopped-pipeline is ${JSON.stringify(pipeline)}; a pipeline name is 1 to 100 letters, digits and . @ - _.`
    )
  }
  if (!JOB_ID_PATTERN.test(executionId)) {
    throw new UserError(
      `Input stopped-execution-id is ${JSON.stringify(executionId)}, which is not a pipeline execution ID (a ` +
        'lowercase UUID such as 0123abcd-4567-89ab-cdef-0123456789ab).'
    )
  }
  for (const [name, value] of [
    ['stopped-stage', stage],
    ['stopped-action', action]
  ]) {
    if (value && !limits.stageOrActionName.test(value)) {
      throw new UserError(
        `Input ${name} is ${JSON.stringify(value)}; stage and action names are 1 to 100 letters, digits and . @ - _.`
      )
    }
  }
  return { pipeline, executionId, ...(stage ? { stage } : {}), ...(action ? { action } : {}) }
}
