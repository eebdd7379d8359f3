import { codepipeline as limits } from './limits.ts'
import type { FailedJob, Outcome } from './outcome.ts'
import { fit } from './text.ts'

// What CodePipeline shows users about a GitHub run; shared by the report action and the poller's track mode.

/** The run being described: the current run (report action) or a dispatched one (poll action). */
export interface RunRef {
  workflow: string
  runNumber: string | number
  runAttempt: number
  runUrl: string
}

export function runLabel(run: RunRef): string {
  return `GitHub workflow "${run.workflow}" run #${run.runNumber} (attempt ${run.runAttempt})`
}

export function successSummary(run: RunRef): string {
  return `${runLabel(run)} succeeded: ${run.runUrl}`
}

/** Names the workflow, run, failed jobs and steps, and links the run; always within CodePipeline's 5000 characters. */
export function failureMessage(outcome: Outcome, run: RunRef): string {
  if (outcome.unknown) {
    return fit(
      `${runLabel(run)} could not be judged: `,
      outcome.unknown.reason,
      `. Run: ${run.runUrl}`,
      limits.failureMessage.max
    )
  }
  const verb = outcome.cancelled ? 'was cancelled' : 'failed'
  const details = outcome.failedJobs.map(describeJob).join('; ')
  return fit(
    `${runLabel(run)} ${verb}`,
    details ? `: ${details}` : '',
    `. Run: ${run.runUrl}`,
    limits.failureMessage.max
  )
}

function describeJob(job: FailedJob): string {
  const how =
    job.conclusion === 'timed_out' ? 'timed out' : job.conclusion === 'cancelled' ? 'was cancelled' : 'failed'
  if (job.steps.length === 0) return `job "${job.name}" ${how}`
  const steps = job.steps.map(
    s => `"${s.name}"${s.conclusion === 'failure' ? '' : ` (${s.conclusion.replace('_', ' ')})`}`
  )
  return `job "${job.name}" ${how} at step ${steps.join(', ')}`
}

/** "a", "b" and "c": names as they appear in messages. */
export function quoteList(names: string[]): string {
  return names.map(name => `"${name}"`).join(', ')
}
