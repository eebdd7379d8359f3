import { bodyExcerpt, type HttpResponse } from '../transport/http.ts'

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
  const text = bodyExcerpt(body)
  return `HTTP ${status}${text ? `: ${text}` : ''}`
}

/** The request ID AWS answers with: x-amzn-requestid, or x-amz-request-id on the services that use it. */
export function requestIdOf(response: HttpResponse): string | undefined {
  const id = response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id']
  return Array.isArray(id) ? id[0] : id
}
