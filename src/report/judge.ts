import type { RunContext } from '../github/context.ts'
import { connectGitHub, GitHubError, type GitHubClient } from '../github/client.ts'
import { listAttemptJobs, type RunJob } from '../github/runs.ts'
import { errorMessage } from '../errors.ts'
import { findCurrentJob, notJudged, type Outcome } from '../outcome.ts'
import { sleep as defaultSleep, type Sleep } from '../sleep.ts'
import * as core from '@actions/core'
import type { ReportSettings } from './settings.ts'

/** What GitHub must still record before a verdict holds (names for the message); empty when complete. */
export type Pending = (jobs: RunJob[], current: RunJob | undefined) => string[]

export interface Reading {
  jobs: RunJob[]
  current: RunJob | undefined
  /** Still unrecorded after the settle time: the judge must not call this a success. */
  pending: string[]
}

// GitHub records step and job results a little after they happen; re-reading for a few seconds lets them land.
const SETTLE_DELAYS_MS = [250, 500, 1000, 2000, 2000, 2000]

/** Reads this run attempt's jobs until nothing is pending, or the settle time is over. */
export async function readSettled(
  settings: ReportSettings,
  run: RunContext,
  pending: Pending,
  sleep: Sleep = defaultSleep
): Promise<Reading> {
  const github = await connectGitHub(settings.githubToken, run.apiUrl, settings.aws.maxAttempts)
  for (let reads = 0; ; reads++) {
    const jobs = await readJobs(settings, run, github)
    const current = findCurrentJob(jobs, run.runnerName)
    const waiting = pending(jobs, current)
    if (!waiting.length || reads === SETTLE_DELAYS_MS.length) return { jobs, current, pending: waiting }
    core.debug(`Waiting ${SETTLE_DELAYS_MS[reads]} ms for GitHub to record: ${waiting.join(', ')}`)
    await sleep(SETTLE_DELAYS_MS[reads])
  }
}

/**
 * Reads this run attempt's jobs and judges them. When GitHub cannot be read, the outcome says why and is a
 * failure: an unknown result must neither pass as success nor leave the pipeline waiting.
 */
export async function judgeRun(
  settings: ReportSettings,
  run: RunContext,
  pending: Pending,
  judge: (reading: Reading) => Outcome
): Promise<Outcome> {
  try {
    return judge(await readSettled(settings, run, pending))
  } catch (error) {
    if (isPermissionProblem(error)) return notJudged(error.message, 'ConfigurationError')
    return notJudged(`GitHub's API could not be read: ${errorMessage(error)}`, 'SystemUnavailable')
  }
}

export async function readJobs(
  settings: ReportSettings,
  run: RunContext,
  github?: GitHubClient
): Promise<RunJob[]> {
  github ??= await connectGitHub(settings.githubToken, run.apiUrl, settings.aws.maxAttempts)
  try {
    return await listAttemptJobs(github, run, run.runId, run.runAttempt)
  } catch (error) {
    throw explainReadError(error)
  }
}

/** The token may not read the run: a fix in the workflow. An exhausted rate limit is a 403 too, but passes. */
export function isPermissionProblem(error: unknown): error is GitHubError {
  return error instanceof GitHubError && !error.rateLimited && [401, 403, 404].includes(error.status ?? 0)
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
  if (!error.rateLimited && (error.status === 403 || error.status === 404)) {
    return new GitHubError(
      `github-token may not read this run's jobs (HTTP ${error.status}): add \`permissions: actions: read\` ` +
        `to the workflow or job. ${error.message}`,
      error.status,
      { cause: error }
    )
  }
  return error
}

/** The job running this step, looked up by runner name, is missing from the run's jobs: nothing can be judged. */
export function notFound(settings: ReportSettings, run: RunContext): Outcome {
  return notJudged(
    `this job was not found among the run's jobs in progress on runner "${run.runnerName}"`,
    settings.failureType
  )
}
