import type { RunJob, RunStatus } from '../github/runs.ts'
import { codepipeline as limits } from '../limits.ts'
import { failureMessage, runLabel, successSummary, type RunRef } from '../messages.ts'
import { judgeOtherJobs, type Outcome } from '../outcome.ts'
import { NAME_SEGMENT } from './settings.ts'
import { failure, success, type JobResult } from '../job-result.ts'

// Track mode keeps a CodePipeline action running while its GitHub run runs: the continuation token names the
// run, and each follow-up job looks it up again. Pure: the run's state comes in, CodePipeline's answer goes out.

/** The run a continuation token stands for. */
export interface TrackedRun {
  owner: string
  repo: string
  runId: number
}

// Versioned so that a later format can still read tokens of actions that were running during an upgrade.
const TOKEN_PREFIX = 'gha-run:1:'
// Names as the Repository property takes them (never `.` or `..`): a forged token must not steer a run lookup
// to another API path.
const TOKEN = new RegExp(`^gha-run:1:(${NAME_SEGMENT})/(${NAME_SEGMENT}):(\\d{1,20})$`)

export function runToken(run: TrackedRun): string {
  const token = `${TOKEN_PREFIX}${run.owner}/${run.repo}:${run.runId}`
  // Owner and repository names are short (39 and 100 characters), so this never trips; kept as a guard.
  if (token.length > limits.continuationToken.max) throw new Error(`continuation token too long: ${token}`)
  return token
}

export function parseRunToken(token: string): TrackedRun | undefined {
  const match = TOKEN.exec(token)
  if (!match) return undefined
  return { owner: match[1], repo: match[2], runId: Number(match[3]) }
}

export function describeRun(run: TrackedRun): string {
  return `${run.owner}/${run.repo} run ${run.runId}`
}

/** The first answer after dispatching in track mode: keep the action running, and remember the run. */
export function startedResult(jobId: string, run: TrackedRun, workflow: string, url: string): JobResult {
  return success(
    jobId,
    {
      summary: `Started GitHub workflow ${workflow} in ${run.owner}/${run.repo}: ${url}`,
      externalExecutionId: String(run.runId),
      percentComplete: 0
    },
    runToken(run)
  )
}

/** GitHub could not be asked: the run goes on regardless, so keep the action running and look again next poll. */
export function uncheckedResult(jobId: string, run: TrackedRun, reason: string): JobResult {
  return success(
    jobId,
    {
      summary: `Could not check ${describeRun(run)} (${reason}); looking again at the next poll.`,
      externalExecutionId: String(run.runId)
    },
    runToken(run)
  )
}

// Conclusions of a finished run that let the pipeline go on; any other (failure, cancelled, timed_out,
// startup_failure, action_required, stale) stops it.
const PASSING = new Set(['success', 'neutral', 'skipped'])

/**
 * What to tell CodePipeline about a tracked run: still running → success with the same token and the progress;
 * passed → plain success; anything else → failure naming the failed jobs and steps.
 * `jobs` are the jobs of the run's current attempt.
 */
export function trackedResult(jobId: string, tracked: TrackedRun, run: RunStatus, jobs: RunJob[]): JobResult {
  const ref = runRef(run)
  const externalExecutionId = String(tracked.runId)
  if (run.status !== 'completed') {
    const done = jobs.filter(job => job.status === 'completed').length
    const progress = jobs.length ? `: ${done} of ${jobs.length} jobs done` : ''
    return success(
      jobId,
      {
        summary: `${runLabel(ref)} is ${run.status.replace(/_/g, ' ')}${progress}. ${ref.runUrl}`,
        externalExecutionId,
        // Never 100 while running: the pipeline would show a finished action that is still waiting.
        percentComplete: jobs.length ? Math.min(99, Math.floor((100 * done) / jobs.length)) : 0
      },
      runToken(tracked)
    )
  }
  if (run.conclusion && PASSING.has(run.conclusion)) {
    return success(jobId, { summary: successSummary(ref), externalExecutionId })
  }
  return failure(jobId, 'JobFailed', failureMessage(runVerdict(run, jobs), ref), externalExecutionId)
}

/** The failed jobs of a run that did not pass; a run can fail with no failed job (e.g. a startup failure). */
function runVerdict(run: RunStatus, jobs: RunJob[]): Outcome {
  const judged = judgeOtherJobs(jobs, undefined)
  if (!judged.ok) return judged
  return { ok: false, cancelled: run.conclusion === 'cancelled', failedJobs: [] }
}

function runRef(run: RunStatus): RunRef {
  return { workflow: run.name, runNumber: run.runNumber, runAttempt: run.attempt, runUrl: run.url }
}
