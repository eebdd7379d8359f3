// Errors that reach the user carry the fix in their message, written where the failure is understood.
// main.ts only turns them into setFailed; it never rewrites them.

/** A problem the user can fix (bad input, missing permission); the message says how. */
export class UserError extends Error {
  override name = 'UserError'
}

/** A result that could not be delivered: the named job waits until CodePipeline times it out. */
export class DeliveryError extends Error {
  override name = 'DeliveryError'
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
