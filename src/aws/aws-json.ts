import type { HttpConnection, HttpResponse } from '../transport/http.ts'
import { AwsServiceError, requestIdOf, UNKNOWN_ERROR, unexpectedBody } from './service-error.ts'
import { sha256Hex, sign, type SigningCredentials, type SigningScope } from './sigv4.ts'

// The awsJson1_1 protocol: POST / with the operation in x-amz-target, JSON in and out, SigV4-signed.
// One call here is one attempt (plus at most one clock-skew correction); retries are the caller's.

// Error codes AWS gives a request whose signing time is too far from its own clock.
const SKEW_CODES = new Set([
  'RequestTimeTooSkewed',
  'RequestExpired',
  'RequestInTheFuture',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'AuthFailure'
])
/** AWS refuses signatures more than 15 minutes off; a smaller difference is not what went wrong. */
const SKEW_MS = 5 * 60 * 1000

export interface AwsJsonResult {
  output: Record<string, unknown>
  requestId: string
}

export interface AwsJsonOptions {
  connection: HttpConnection
  /** e.g. CodePipeline_20150709 */
  targetPrefix: string
  scope: SigningScope
  credentials: SigningCredentials
  now?: () => number
}

export class AwsJsonClient {
  private readonly options: AwsJsonOptions
  private readonly now: () => number
  /** Server time minus local time, learnt from a skew refusal; AWS compares signing time with its clock. */
  private clockOffsetMs = 0

  constructor(options: AwsJsonOptions) {
    this.options = options
    this.now = options.now ?? Date.now
  }

  async call(operation: string, input: object): Promise<AwsJsonResult> {
    const body = JSON.stringify(input)
    let response = await this.send(operation, body)
    let error = response.status === 200 ? undefined : parseError(response)
    if (error && this.correctClock(error, response)) {
      response = await this.send(operation, body)
      error = response.status === 200 ? undefined : parseError(response)
    }
    if (error) throw error
    const requestId = requestIdOf(response) ?? ''
    if (response.body.trim() === '') return { output: {}, requestId }
    try {
      return { output: JSON.parse(response.body) as Record<string, unknown>, requestId }
    } catch {
      // Not quoted: a successful answer may hold job data with artifact credentials, not yet masked.
      throw new AwsServiceError(UNKNOWN_ERROR, `The answer to ${operation} is not JSON`, 200, requestId)
    }
  }

  private send(operation: string, body: string): Promise<HttpResponse> {
    const { connection, targetPrefix, scope, credentials } = this.options
    const unsigned = {
      method: 'POST',
      path: connection.endpoint.pathname,
      headers: {
        host: connection.endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${targetPrefix}.${operation}`,
        'x-amz-content-sha256': sha256Hex(body)
      },
      body
    }
    const at = new Date(this.now() + this.clockOffsetMs)
    return connection.request('POST', sign(unsigned, credentials, scope, at), body)
  }

  /** True when the refusal was about time and the server's Date shows our clock is off: retry once. */
  private correctClock(error: AwsServiceError, response: HttpResponse): boolean {
    const serverMs = Date.parse(response.headers.date ?? '')
    if (!SKEW_CODES.has(error.name) || Number.isNaN(serverMs)) return false
    const local = this.now()
    if (Math.abs(serverMs - (local + this.clockOffsetMs)) < SKEW_MS) return false
    this.clockOffsetMs = serverMs - local
    return true
  }
}

/** `{"__type": "ns#Name:extra", "message": ...}` (or `Message`), the code possibly in x-amzn-errortype. */
function parseError(response: HttpResponse): AwsServiceError {
  let body: { __type?: unknown; code?: unknown; message?: unknown; Message?: unknown } = {}
  try {
    body = JSON.parse(response.body) ?? {}
  } catch {
    // Not the service talking (a proxy or load balancer); the status decides whether to retry.
  }
  const header = response.headers['x-amzn-errortype']
  const raw = [Array.isArray(header) ? header[0] : header, body.code, body.__type].find(
    (v): v is string => typeof v === 'string' && v !== ''
  )
  const code = raw?.split(':')[0].split('#').pop() || UNKNOWN_ERROR
  const message = [body.message, body.Message].find((v): v is string => typeof v === 'string')
  return new AwsServiceError(
    code,
    message ?? unexpectedBody(response.status, raw ? '' : response.body),
    response.status,
    requestIdOf(response)
  )
}
