// Retries for calls the AWS SDK does not retry itself (GitHub REST, STS's IDPCommunicationError).
// Only transient failures are retried; a permanent error is thrown at once so the user sees it without delay.

export type Sleep = (ms: number) => Promise<void>

export const sleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

export interface RetryOptions {
  attempts: number
  isTransient: (error: unknown) => boolean
  /** Tests pass a recorder here instead of waiting. */
  sleep?: Sleep
  baseDelayMs?: number
  maxDelayMs?: number
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, isTransient, baseDelayMs = 500, maxDelayMs = 10_000 } = options
  const wait = options.sleep ?? sleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error
      // Full jitter, like the AWS SDK, so many runners throttled together do not retry in lockstep.
      await wait(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)))
    }
  }
}
