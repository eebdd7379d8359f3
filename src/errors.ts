// Errors that reach the user carry the fix in their message, written where the failure is understood.
// main.ts only turns them into setFailed; it never rewrites them.

/** A problem the user can fix (bad input, missing permission); the message says how. */
export class UserError extends Error {
  override name = 'UserError'
}

/** A job that is not this workflow's to answer: nothing was sent, and no job of ours is left waiting. */
export class ForeignJobError extends UserError {
  override name = 'ForeignJobError'
}

/** The pipeline gave up on the job (its execution was stopped, the job timed out): nothing waits for this run. */
export class PipelineGaveUpError extends UserError {
  override name = 'PipelineGaveUpError'
}

/** A result that could not be delivered: the named job waits until CodePipeline times it out. */
export class DeliveryError extends Error {
  override name = 'DeliveryError'

  /** The reason, then the one sentence every undelivered result ends with: which job waits, and what to do. */
  static leftWaiting(reason: string, jobId: string, fix: string, options?: ErrorOptions): DeliveryError {
    return new DeliveryError(
      `${reason}\nCodePipeline job ${jobId} is left waiting until CodePipeline times it out; ${fix}.`,
      options
    )
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
