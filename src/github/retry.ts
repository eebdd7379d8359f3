// GitHub REST calls' retries (the AWS SDK and @actions/core retry their own calls). Octokit's retry and
// throttling plugins are not bundled with @actions/github, and a dispatch needs a rule of its own (retry only what
// GitHub surely did not act on), so this small loop stays. Only transient failures are retried; a permanent error
// is thrown at once so the user sees it without delay.

export type Sleep = (ms: number) => Promise<void>

export const sleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

export interface RetryOptions {
  attempts: number
  isTransient: (error: unknown) => boolean
  /** Tests pass a recorder here instead of waiting. */
  sleep?: Sleep
}

/** Backoff ceilings: the first, doubled after each attempt, and the most any wait may be. */
const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 10_000

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, isTransient } = options
  const wait = options.sleep ?? sleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error
      // Full jitter, like the AWS SDK, so many runners throttled together do not retry in lockstep.
      await wait(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)))
    }
  }
}
