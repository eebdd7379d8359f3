import type { RunContext } from '../github/context.ts'
import { connectGitHub, GitHubError } from '../github/client.ts'
import { listAttemptJobs, type RunJob } from '../github/runs.ts'
import { findCurrentJob, notJudged, type Outcome } from '../outcome.ts'
import type { ReportSettings } from './settings.ts'

export type Judge = (jobs: RunJob[], current: RunJob | undefined) => Outcome

/**
 * Reads this run attempt's jobs and judges them. When GitHub cannot be read, the outcome says why and is a
 * failure: an unknown result must neither pass as success nor leave the pipeline waiting.
 */
export async function judgeRun(settings: ReportSettings, run: RunContext, judge: Judge): Promise<Outcome> {
  try {
    const jobs = await readJobs(settings, run)
    return judge(jobs, findCurrentJob(jobs, run.runnerName))
  } catch (error) {
    if (isPermissionProblem(error)) return notJudged(error.message, 'ConfigurationError')
    return notJudged(`GitHub's API could not be read: ${(error as Error).message}`, 'SystemUnavailable')
  }
}

export async function readJobs(settings: ReportSettings, run: RunContext): Promise<RunJob[]> {
  const github = await connectGitHub(settings.githubToken, run.apiUrl, settings.aws.maxAttempts)
  try {
    return await listAttemptJobs(github, run, run.runId, run.runAttempt)
  } catch (error) {
    throw explainReadError(error)
  }
}

export function isPermissionProblem(error: unknown): error is GitHubError {
  return error instanceof GitHubError && [401, 403, 404].includes(error.status ?? 0)
}

function explainReadError(error: unknown): unknown {
  if (!(error instanceof GitHubError)) return error
  if (error.status === 401) {
    return new GitHubError(
      `github-token was refused (HTTP 401): pass \${{ github.token }} or a valid token. ${error.message}`,
      401,
      { cause: error }
    )
  }
  if (error.status === 403 || error.status === 404) {
    return new GitHubError(
      `github-token may not read this run's jobs (HTTP ${error.status}): add \`permissions: actions: read\` ` +
        `to the workflow or job. ${error.message}`,
      error.status,
      { cause: error }
    )
  }
  return error
}
