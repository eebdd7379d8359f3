// GitHub REST calls. Octokit's plugins own the retries: plugin-retry retries 5xx and dropped connections with its
// backoff, plugin-throttling retries rate limits after the wait GitHub asks for (retry-after, x-ratelimit-reset).
// What stays ours is the policy: how many attempts, how long a call may wait in all, and that a call that must not
// run twice is retried only when GitHub refused it for a rate limit.
import * as core from '@actions/core'
import { errorMessage } from '../errors.ts'
import { sleep as realSleep, type Sleep } from '../sleep.ts'

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>

/**
 * The longest one call waits, in all, for a rate limit GitHub says when it lifts (retry-after, or
 * x-ratelimit-reset once the limit is used up). Our policy: a limit that lifts later gives up at once, since
 * the jobs of a poll must still be answered within the role session.
 */
export const RATE_LIMIT_WAIT_MAX_MS = 60_000

/**
 * One GitHub request, from sending to the last byte: GitHub answers in well under a second, and without a limit
 * a hung connection would hold the jobs of a poll past their deadline (undici alone waits 300 s).
 */
export const REQUEST_TIMEOUT_MS = 30_000

/** The client's own timings; tests shrink them. */
export interface Pace {
  /** plugin-retry waits (n + 1)² of these before retry n + 1: 0.25, 1, 2.25, 4 s for the default 5 attempts. */
  backoffUnitMs: number
  requestTimeoutMs: number
}

const PACE: Pace = { backoffUnitMs: 250, requestTimeoutMs: REQUEST_TIMEOUT_MS }

/** Every 4xx is permanent, except a rate limit, which plugin-throttling recognises and retries itself. */
const NOT_RETRIED = Array.from({ length: 100 }, (_, i) => 400 + i)

/** A GitHub API call that failed; `status` is the HTTP status (undefined when no response came back). */
export class GitHubError extends Error {
  override name = 'GitHubError'
  readonly status: number | undefined
  /** Refused for a rate limit (429, or 403 for a used-up limit): GitHub did nothing with the request. */
  readonly rateLimited: boolean
  constructor(
    message: string,
    status: number | undefined,
    options?: ErrorOptions & { rateLimited?: boolean }
  ) {
    super(message, options)
    this.status = status
    this.rateLimited = options?.rateLimited ?? false
  }
}

export interface CallOptions {
  retry?: 'unsent'
  /**
   * Once aborted, a rate-limit wait ends and the call is not tried again: a poller that was stopped must not
   * start a workflow after the stop, and cannot outwait the runner's kill.
   */
  until?: AbortSignal
}

export interface GitHubClient {
  octokit: Octokit
  /**
   * Runs one API call with retries for rate limits, 5xx and dropped connections; `what` names it in errors.
   * A call that must not run twice passes `retry: 'unsent'` to retry only what GitHub surely did not act on.
   */
  call<T>(what: string, send: (octokit: Octokit) => Promise<T>, options?: CallOptions): Promise<T>
}

/** Octokit is loaded only by the paths that talk to GitHub. Its base URL follows GITHUB_API_URL (GHES, tests). */
export async function connectGitHub(
  token: string,
  apiUrl: string,
  attempts: number,
  sleep: Sleep = realSleep,
  pace: Pace = PACE
): Promise<GitHubClient> {
  const [{ getOctokit }, { defaults }, { retry }, { throttling }, { default: Bottleneck }] =
    await Promise.all([
      import('@actions/github'),
      import('@actions/github/lib/utils'),
      import('@octokit/plugin-retry'),
      import('@octokit/plugin-throttling'),
      import('bottleneck/light.js')
    ])
  // @actions/github's own fetch (it follows the runner's proxy settings), given a fresh timeout per request and
  // per page: a timed-out request then fails like a dropped connection (status 500), and is retried like one.
  const proxyFetch = defaults.request?.fetch as typeof fetch
  const fetchWithTimeout: typeof fetch = (url, init) => {
    const timeout = AbortSignal.timeout(pace.requestTimeoutMs)
    return proxyFetch(url, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    })
  }
  // plugin-throttling spaces writes a second apart, one at a time, in all clients of the process. Dispatches and
  // cancellations keep the concurrency max-concurrency gives them instead; a secondary limit they meet is retried.
  const writes = new Bottleneck.Group()
  // One Octokit per call (about 50 µs to make): the rate-limit handlers then count that call's waits.
  const connect = (limits: RateLimitWaits, unsent: boolean) =>
    getOctokit(
      token,
      {
        baseUrl: apiUrl,
        request: { ...defaults.request, fetch: fetchWithTimeout },
        // A 5xx or a dropped connection may come after GitHub acted: an unsent-only call never retries them.
        retry: unsent
          ? { enabled: false }
          : { retries: attempts - 1, doNotRetry: NOT_RETRIED, retryAfterBaseValue: pace.backoffUnitMs },
        // The handlers wait themselves (on `sleep`), so Bottleneck retries at once when they return true.
        throttle: {
          retryAfterBaseValue: 0,
          write: writes,
          onRateLimit: limits.retry,
          onSecondaryRateLimit: limits.retry
        }
      },
      retry,
      throttling
    )

  return {
    octokit: connect(rateLimitWaits('GitHub API call', attempts, sleep), false),
    async call(what, send, options) {
      const limits = rateLimitWaits(what, attempts, sleep, options?.until)
      try {
        return await send(connect(limits, options?.retry === 'unsent'))
      } catch (error) {
        const status = statusOf(error)
        const later = limits.refused ? ` (GitHub asked to wait ${limits.refused} s)` : ''
        const cut = limits.cutShort ? ' (not tried again: the poll action was stopped during the wait)' : ''
        throw new GitHubError(
          `GitHub API ${what} failed${status ? ` (HTTP ${status})` : ''}: ${errorMessage(error)}${later}${cut}`,
          status,
          { cause: error, rateLimited: isRateLimited(error) }
        )
      }
    }
  }
}

interface RateLimitWaits {
  /** plugin-throttling's handler: waits `seconds` and says to retry, or says not to. */
  retry: (seconds: number, options: unknown, octokit: unknown, retryCount: number) => Promise<boolean>
  /** The wait GitHub asked for that was refused for going over RATE_LIMIT_WAIT_MAX_MS, in seconds. */
  readonly refused: number | undefined
  /** The call's `until` ended a wait (or came before one). */
  readonly cutShort: boolean
}

/** The rate-limit waits of one call: at most `attempts` attempts, and RATE_LIMIT_WAIT_MAX_MS of waiting in all. */
function rateLimitWaits(what: string, attempts: number, sleep: Sleep, until?: AbortSignal): RateLimitWaits {
  let waited = 0
  let refused: number | undefined
  let cutShort = false
  return {
    async retry(seconds, _options, _octokit, retryCount) {
      if (until?.aborted) cutShort = true
      if (cutShort || retryCount + 1 >= attempts) return false
      if (waited + seconds * 1000 > RATE_LIMIT_WAIT_MAX_MS) {
        refused = seconds
        return false
      }
      waited += seconds * 1000
      core.info(`GitHub rate limit on ${what}: waiting ${seconds} s, as GitHub asks, before trying again.`)
      await sleep(seconds * 1000, until)
      cutShort = until?.aborted ?? false
      return !cutShort
    },
    get refused() {
      return refused
    },
    get cutShort() {
      return cutShort
    }
  }
}

interface OctokitFailure {
  status?: number
  message?: string
  response?: { headers?: Record<string, unknown> }
}

function statusOf(error: unknown): number | undefined {
  return (error as OctokitFailure | undefined)?.status
}

function header(error: unknown, name: string): string | undefined {
  const value = (error as OctokitFailure | undefined)?.response?.headers?.[name]
  return value === undefined || value === null ? undefined : String(value)
}

/**
 * GitHub refused for a rate limit, so it did nothing: 429, or 403 for a used-up primary limit
 * (x-ratelimit-remaining: 0) or a secondary limit (the message says "rate limit").
 */
export function isRateLimited(error: unknown): boolean {
  const status = statusOf(error)
  if (status === 429) return true
  if (status !== 403) return false
  const message = (error as OctokitFailure).message
  return /rate limit/i.test(String(message ?? '')) || header(error, 'x-ratelimit-remaining') === '0'
}
