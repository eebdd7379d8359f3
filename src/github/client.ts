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
  /** Runs one API call with retries for 429, 5xx and dropped connections; `what` names it in errors. */
  call<T>(what: string, send: (octokit: Octokit) => Promise<T>): Promise<T>
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
    async call(what, send) {
      try {
        return await withRetry(() => send(octokit), { attempts, isTransient, sleep })
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

function isTransient(error: unknown): boolean {
  const status = (error as { status?: number }).status
  // Octokit reports a dropped connection as status 500 with no response, so both land here.
  return status === undefined || status === 429 || status >= 500
}
