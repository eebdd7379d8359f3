/**
 * An error answer from an AWS service: `name` is the service's error code (ThrottlingException,
 * AccessDenied, ...), as the SDK names its exceptions. Never carries request content, so never a secret.
 */
export class AwsServiceError extends Error {
  readonly status: number
  readonly requestId: string | undefined

  constructor(code: string, message: string, status: number, requestId: string | undefined) {
    super(message)
    this.name = code
    this.status = status
    this.requestId = requestId
  }
}

/** What an error answer that names no error code is called, as in the SDK. */
export const UNKNOWN_ERROR = 'UnknownError'

/** The start of a body that is not the service's error format (say, a proxy's HTML page), for the message. */
export function unexpectedBody(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim().slice(0, 200)
  return `HTTP ${status}${text ? `: ${text}` : ''}`
}
