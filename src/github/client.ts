import { errorMessage } from '../errors.ts'
import { sleep as realSleep, withRetry, type Sleep } from './retry.ts'

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

export interface GitHubClient {
  octokit: Octokit
  /**
   * Runs one API call with retries for rate limits, 5xx and dropped connections; `what` names it in errors.
   * A call that must not run twice passes `retry: 'unsent'` to retry only what GitHub surely did not act on.
   */
  call<T>(what: string, send: (octokit: Octokit) => Promise<T>, options?: { retry?: 'unsent' }): Promise<T>
}

/** Octokit is loaded only by the paths that talk to GitHub. Its base URL follows GITHUB_API_URL (GHES, tests). */
export async function connectGitHub(
  token: string,
  apiUrl: string,
  attempts: number,
  sleep: Sleep = realSleep
): Promise<GitHubClient> {
  const [{ getOctokit }, { defaults }] = await Promise.all([
    import('@actions/github'),
    import('@actions/github/lib/utils')
  ])
  // @actions/github's own fetch (it follows the runner's proxy settings), given a fresh timeout per request and
  // per page: a timed-out read is then retried like a dropped connection.
  const proxyFetch = defaults.request?.fetch as typeof fetch
  const fetchWithTimeout: typeof fetch = (url, init) => {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    return proxyFetch(url, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    })
  }
  const octokit = getOctokit(token, {
    baseUrl: apiUrl,
    request: { ...defaults.request, fetch: fetchWithTimeout }
  })
  return {
    octokit,
    async call(what, send, options) {
      const retryable = options?.retry === 'unsent' ? isUnsent : isTransient
      // What GitHub asked to wait before the next attempt, and how much of the budget is spent.
      let pause = 0
      let waited = 0
      try {
        return await withRetry(
          async () => {
            try {
              return await send(octokit)
            } catch (error) {
              pause = waitAsked(error)
              throw error
            }
          },
          {
            attempts,
            isTransient: error => retryable(error) && waited + pause <= RATE_LIMIT_WAIT_MAX_MS,
            sleep: ms => {
              const wait = Math.max(ms, pause)
              waited += pause
              return sleep(wait)
            }
          }
        )
      } catch (error) {
        const status = statusOf(error)
        const later =
          pause > 0 && waited + pause > RATE_LIMIT_WAIT_MAX_MS
            ? ` (GitHub asked to wait ${Math.ceil(pause / 1000)} s)`
            : ''
        throw new GitHubError(
          `GitHub API ${what} failed${status ? ` (HTTP ${status})` : ''}: ${errorMessage(error)}${later}`,
          status,
          { cause: error, rateLimited: isRateLimited(error) }
        )
      }
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

/** Milliseconds GitHub asks to wait before trying again: retry-after, the reset of a used-up limit, or a minute. */
function waitAsked(error: unknown): number {
  const retryAfter = header(error, 'retry-after')
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter)
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now()
    return Number.isFinite(ms) ? Math.max(0, ms) : 0
  }
  if (!isRateLimited(error)) return 0
  const reset = Number(header(error, 'x-ratelimit-reset'))
  if (header(error, 'x-ratelimit-remaining') === '0' && reset > 0)
    return Math.max(0, reset * 1000 - Date.now())
  // A secondary limit without retry-after: GitHub's documentation asks to wait at least a minute.
  return statusOf(error) === 403 ? SECONDARY_LIMIT_WAIT_MS : 0
}

const SECONDARY_LIMIT_WAIT_MS = 60_000

/** Rate limited (GitHub did nothing) or the connection was refused (the request never arrived). */
function isUnsent(error: unknown): boolean {
  if (isRateLimited(error)) return true
  for (let e = error as { cause?: unknown; code?: string } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'ECONNREFUSED') return true
  }
  return false
}

function isTransient(error: unknown): boolean {
  const status = statusOf(error)
  // Octokit reports a dropped connection as status 500 with no response, so both land here.
  return status === undefined || isRateLimited(error) || status >= 500
}
