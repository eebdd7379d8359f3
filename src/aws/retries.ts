import { withRetry, type Sleep } from '../retry.ts'
import { isConnectionFailure } from '../transport/http.ts'
import { AwsServiceError } from './service-error.ts'

// The AWS SDK's standard retry mode, which users of max-attempts expect: retry throttling, 5xx except 501,
// timeouts and dropped connections; never another 4xx. Full-jitter exponential backoff from 100 ms
// (500 ms after throttling), at most 20 s.

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException'
])
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'])
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504])

export function isThrottling(error: unknown): boolean {
  return error instanceof AwsServiceError && (error.status === 429 || THROTTLING.has(error.name))
}

export function isTransient(error: unknown): boolean {
  if (error instanceof AwsServiceError) {
    return isThrottling(error) || TRANSIENT_STATUS.has(error.status) || TRANSIENT_NAMES.has(error.name)
  }
  return isConnectionFailure(error)
}

export interface AwsRetryOptions {
  attempts: number
  sleep?: Sleep
  /** A service's own transient errors, e.g. STS's IDPCommunicationError. */
  alsoRetry?: (error: unknown) => boolean
}

export function withAwsRetry<T>(call: () => Promise<T>, options: AwsRetryOptions): Promise<T> {
  const { attempts, sleep, alsoRetry } = options
  return withRetry(call, {
    attempts,
    sleep,
    isTransient: error => isTransient(error) || (alsoRetry?.(error) ?? false),
    baseDelayMs: error => (isThrottling(error) ? 500 : 100),
    maxDelayMs: 20_000
  })
}
