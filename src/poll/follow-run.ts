import { errorMessage } from '../errors.ts'
import { isWorkflowId } from '../github/context.ts'
import { getRun, listAttemptJobs, type RunStatus } from '../github/runs.ts'
import { isAllowed, notAllowed, type TargetPattern } from './allowed-targets.ts'
import { failedWith, type Decision } from './decision.ts'
import type { JobPlan } from './job.ts'
import { trackProblem } from './problems.ts'
import { describeRun, trackedResult, uncheckedResult, type TrackedRun } from './track.ts'
import type { JobRecord, WorkerDeps } from './worker.ts'

// Track mode's follow-up jobs: read the run a continuation token names, check it is the one the job configures,
// and turn its state into CodePipeline's answer.

export async function followRun(
  plan: JobPlan,
  { run: tracked, workflow }: { run: TrackedRun; workflow?: string },
  record: JobRecord,
  deps: WorkerDeps
): Promise<Decision> {
  record.runId = tracked.runId
  const repository = { owner: tracked.owner, repo: tracked.repo }
  const github = await deps.github()
  let run, jobs
  try {
    run = await getRun(github, repository, tracked.runId)
    jobs = await listAttemptJobs(github, repository, tracked.runId, run.attempt)
  } catch (error) {
    const problem = trackProblem(error, tracked)
    if (problem) return failedWith(problem, plan, tracked.runId)
    return { handled: 'running', result: uncheckedResult(plan.jobId, tracked, errorMessage(error)) }
  }
  record.runUrl = run.url
  const foreign = foreignRun(run, workflow, tracked, deps.allowedTargets)
  if (foreign) return failedWith({ type: 'ConfigurationError', message: foreign }, plan, tracked.runId)
  const result = trackedResult(plan.jobId, tracked, run, jobs)
  const handled = run.status !== 'completed' ? 'running' : result.kind === 'success' ? 'succeeded' : 'failed'
  return { handled, result }
}

/** A run the token names that is not of the workflow the job configures, or not one the poller may follow. */
function foreignRun(
  run: RunStatus,
  workflow: string | undefined,
  tracked: TrackedRun,
  allowed: TargetPattern[]
): string | undefined {
  const ofWorkflow =
    workflow !== undefined &&
    (isWorkflowId(workflow) ? String(run.workflowId) : run.workflowFile) === workflow
  if (!ofWorkflow) {
    return (
      `This job's continuation token names ${describeRun(tracked)}, a run of workflow ` +
      `${JSON.stringify(run.workflowFile)}, but the job's Workflow is ${workflow ? JSON.stringify(workflow) : 'not set'}: ` +
      'the poll action follows only runs of the workflow the job configures. Retry the stage to start a new run.'
    )
  }
  if (!isAllowed(allowed, { ...tracked, workflow: run.workflowFile })) {
    return notAllowed({ ...tracked, workflow: run.workflowFile })
  }
  return undefined
}
