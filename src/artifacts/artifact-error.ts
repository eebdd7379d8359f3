import { errorMessage, UserError } from '../errors.ts'
import type { FailureType } from '../limits.ts'

/**
 * An artifact that could not be moved. The report turns it into a failure of `failureType` (never a success the
 * pipeline's later stages would trip over), and its message names the artifact and the path: it is what the
 * user reads in CodePipeline and in the step's error.
 */
export class ArtifactError extends Error {
  override name = 'ArtifactError'
  readonly failureType: FailureType

  constructor(message: string, failureType: FailureType, options?: ErrorOptions) {
    super(message, options)
    this.failureType = failureType
  }
}

/** A mistake in the workflow or the pipeline that a re-run alone will not fix. */
export const misconfigured = (message: string, options?: ErrorOptions): ArtifactError =>
  new ArtifactError(message, 'ConfigurationError', options)

/** Any failure while moving artifacts, as an ArtifactError: CodePipeline hears of it, it never waits in vain. */
export function asArtifactError(error: unknown): ArtifactError {
  if (error instanceof ArtifactError) return error
  const type = error instanceof UserError ? 'ConfigurationError' : 'SystemUnavailable'
  return new ArtifactError(`The job's artifacts could not be moved: ${errorMessage(error)}`, type, {
    cause: error
  })
}
