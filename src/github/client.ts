import { withRetry, type Sleep } from '../retry.ts'

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>

/** A GitHub API call that failed; `status` is the HTTP status (undefined when no response came back). */
export class GitHubError extends Error {
  override name = 'GitHubError'
  readonly status: number | undefined
  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options)
    this.status = status
  }
}

export interface GitHubClient {
  octokit: Octokit
  /**
   * Runs one API call with retries for 429, 5xx and dropped connections; `what` names it in errors.
   * A call that must not run twice passes `retry: 'unsent'` to retry only what GitHub surely did not act on.
   */
  call<T>(what: string, send: (octokit: Octokit) => Promise<T>, options?: { retry?: 'unsent' }): Promise<T>
}

/** Octokit is loaded only by the paths that talk to GitHub. Its base URL follows GITHUB_API_URL (GHES, tests). */
export async function connectGitHub(
  token: string,
  apiUrl: string,
  attempts: number,
  sleep?: Sleep
): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token, { baseUrl: apiUrl })
  return {
    octokit,
    async call(what, send, options) {
      try {
        return await withRetry(() => send(octokit), {
          attempts,
          isTransient: options?.retry === 'unsent' ? isUnsent : isTransient,
          sleep
        })
      } catch (error) {
        const status = (error as { status?: number }).status
        const message = (error as Error).message
        throw new GitHubError(
          `GitHub API ${what} failed${status ? ` (HTTP ${status})` : ''}: ${message}`,
          status,
          {
            cause: error
          }
        )
      }
    }
  }
}

/** Rate limited (GitHub did nothing) or the connection was refused (the request never arrived). */
function isUnsent(error: unknown): boolean {
  if ((error as { status?: number }).status === 429) return true
  for (let e = error as { cause?: unknown; code?: string } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'ECONNREFUSED') return true
  }
  return false
}

function isTransient(error: unknown): boolean {
  const status = (error as { status?: number }).status
  // Octokit reports a dropped connection as status 500 with no response, so both land here.
  return status === undefined || status === 429 || status >= 500
}
