import type { RunJob } from './github/runs.ts'
import type { FailureType } from './limits.ts'

// Judging a run from GitHub's view of its jobs and steps. Pure: the jobs come in, a verdict goes out.

export interface FailedJob {
  name: string
  conclusion: string
  /** Steps that failed, were cancelled or timed out, with their conclusion. */
  steps: { name: string; conclusion: string }[]
}

export interface Outcome {
  ok: boolean
  /** True when nothing failed but something was cancelled. */
  cancelled: boolean
  failedJobs: FailedJob[]
  /** Set when the run could not be judged; it is then reported as a failure, so the pipeline never waits in vain. */
  unknown?: { reason: string; failureType: FailureType }
}

const BAD = new Set(['failure', 'cancelled', 'timed_out', 'startup_failure'])

export function notJudged(reason: string, failureType: FailureType): Outcome {
  return { ok: false, cancelled: false, failedJobs: [], unknown: { reason, failureType } }
}

export function fromStatus(status: 'success' | 'failure' | 'cancelled'): Outcome {
  return { ok: status === 'success', cancelled: status === 'cancelled', failedJobs: [] }
}

/**
 * The job running this step: the one in progress on this runner. Job names are not unique across a matrix,
 * but a runner runs one job at a time, so the runner name is.
 */
export function findCurrentJob(jobs: RunJob[], runnerName: string): RunJob | undefined {
  return jobs.find(job => job.status === 'in_progress' && job.runnerName === runnerName)
}

/** This job, judged by its steps so far (it is still running while its post step reports). */
export function judgeOwnSteps(job: RunJob): Outcome {
  const steps = badSteps(job)
  if (steps.length === 0) return { ok: true, cancelled: false, failedJobs: [] }
  const conclusion = steps.some(s => s.conclusion !== 'cancelled') ? 'failure' : 'cancelled'
  return verdict([{ name: job.name, conclusion, steps }])
}

/** The other jobs of the attempt, judged by their conclusions (for a final job with `needs:`). */
export function judgeOtherJobs(jobs: RunJob[], current: RunJob | undefined): Outcome {
  const failed = jobs
    .filter(job => job !== current && job.conclusion !== null && BAD.has(job.conclusion))
    .map(job => ({ name: job.name, conclusion: job.conclusion as string, steps: badSteps(job) }))
  return verdict(failed)
}

/**
 * Steps of this job before its post steps that GitHub does not show as completed yet. The runner uploads step
 * results asynchronously, so the post step may read the job before a failed step's result has landed. The
 * steps the runner runs after the main steps (post steps, "Stop containers" for container and service jobs,
 * "Complete job") are still to come, so only steps numbered before the first of them count.
 */
export function unsettledSteps(job: RunJob): string[] {
  const late = job.steps.filter(step => LATE_STEP.test(step.name)).map(step => step.number)
  const end = late.length ? Math.min(...late) : Infinity
  return job.steps.filter(step => step.number < end && step.status !== 'completed').map(step => step.name)
}

const LATE_STEP = /^(Post |Stop containers$|Complete job$)/

/** Jobs of the attempt other than this one that have not finished; their result is not known yet. */
export function unfinishedJobs(jobs: RunJob[], current: RunJob | undefined): string[] {
  return jobs.filter(job => job !== current && job.status !== 'completed').map(job => job.name)
}

function verdict(failedJobs: FailedJob[]): Outcome {
  if (failedJobs.length === 0) return { ok: true, cancelled: false, failedJobs }
  return { ok: false, cancelled: failedJobs.every(job => job.conclusion === 'cancelled'), failedJobs }
}

function badSteps(job: RunJob): FailedJob['steps'] {
  return job.steps
    .filter(step => step.conclusion !== null && BAD.has(step.conclusion))
    .map(step => ({ name: step.name, conclusion: step.conclusion as string }))
}
