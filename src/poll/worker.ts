import { CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import type { PipelineContext } from '../aws/pipeline-context.ts'
import { errorMessage } from '../errors.ts'
import type { GitHubClient } from '../github/client.ts'
import { dispatchWorkflow, type Repository } from '../github/dispatch.ts'
import { operationOf } from '../job-result.ts'
import { isAllowed, notAllowed, type TargetPattern } from './allowed-targets.ts'
import { failedWith, type Decision } from './decision.ts'
import { followRun } from './follow-run.ts'
import type { JobPlan, Target } from './job.ts'
import { startProblem, untrackableProblem } from './problems.ts'
import type { Mode } from './settings.ts'
import type { StopGate } from './stop-gate.ts'
import { startedResult } from './track.ts'

/**
 * What became of one job: `unreported` is the only one that fails the step (the job is left waiting);
 * `cancelled` is a run stopped with its pipeline (reconciliation).
 */
export type Handled =
  | 'dispatched'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'already-reported'
  | 'unreported'
  | 'cancelled'

/** One job's line in the logs, outputs and summary. Never holds job data beyond the pipeline's coordinates. */
export interface JobRecord {
  jobId: string
  pipeline: PipelineContext
  repository?: string
  workflow?: string
  ref?: string
  runId?: number
  runUrl?: string
  result: Handled
  /** What CodePipeline was told, or why nothing was done. */
  detail: string
}

export interface WorkerDeps {
  codepipeline: Pick<CodePipeline, 'acknowledgeJob' | 'putJobResult'>
  /** Connected on first use, so a poll without jobs never loads Octokit. */
  github: () => Promise<GitHubClient>
  /** Cached per repository by the caller: a batch for one repository reads it once. */
  defaultBranch: (github: GitHubClient, repository: Repository) => Promise<string>
  mode: Mode
  jobIdInput: string
  allowedTargets: TargetPattern[]
  /** After this time (ms since the epoch), no new job is acknowledged: the role session is about to end. */
  acknowledgeUntil?: number
  now?: () => number
  /** Decides, once the poller is told to stop, which jobs its workers may still start or answer. */
  gate: StopGate
}

/** Acknowledge, then start or follow the workflow, then tell CodePipeline. Never throws: the batch goes on. */
export async function handleJob(plan: JobPlan, deps: WorkerDeps): Promise<JobRecord> {
  const { jobId, pipeline, repository, workflow, ref } = plan
  const record: JobRecord = { jobId, pipeline, repository, workflow, ref, result: 'skipped', detail: '' }
  const now = deps.now?.() ?? Date.now()
  if (deps.acknowledgeUntil !== undefined && now > deps.acknowledgeUntil) {
    // Left queued, not acknowledged: the next poll (with a fresh session) takes it.
    return { ...record, detail: 'left for the next poll: the role session ends too soon to take it' }
  }
  if (!deps.gate.mayAcknowledge()) {
    return {
      ...record,
      detail: `left queued for the next poll: the poller was stopped (${deps.gate.stoppedBy})`
    }
  }
  const taken = await acknowledge(plan, deps.codepipeline)
  if (taken) return { ...record, ...taken }
  if (!(await deps.gate.hold(plan))) return stopped(record, deps.gate)
  try {
    return await answer(plan, record, deps)
  } finally {
    deps.gate.finished(jobId)
  }
}

/** The job is ours: start or follow its workflow, then tell CodePipeline what came of it. */
async function answer(plan: JobPlan, record: JobRecord, deps: WorkerDeps): Promise<JobRecord> {
  let decision: Decision
  try {
    decision = await decide(plan, record, deps)
  } catch (error) {
    // Only a bug gets here; the job is still answered rather than left to time out.
    decision = failedWith(
      { type: 'JobFailed', message: `The poll action failed: ${errorMessage(error)}` },
      plan
    )
  }
  // Anything goes out only while the job is the worker's: after a stop, the gate has already failed it.
  if (!deps.gate.commit(plan.jobId)) return stopped(record, deps.gate)
  const delivered = deliver(record, decision, deps.codepipeline)
  // A dispatch cut short by the stop (it was waiting out a rate limit) fails its job here, after the stop.
  if (deps.gate.stoppedBy && decision.result?.kind === 'failure') {
    deps.gate.failedAfterStop(
      plan.jobId,
      delivered.then(r => r.result !== 'unreported')
    )
  }
  return delivered
}

/** A job the stop took from its worker: the gate sent its failure; the record says whether it landed. */
async function stopped(record: JobRecord, gate: StopGate): Promise<JobRecord> {
  const landed = await gate.failureOf(record.jobId)
  const before = `the poller was stopped (${gate.stoppedBy}) before starting it`
  return landed
    ? { ...record, result: 'failed', detail: `${before}: failed as SystemUnavailable` }
    : { ...record, result: 'unreported', detail: `${before}, and its failure could not be sent` }
}

/** Undefined when this worker now owns the job; otherwise why it leaves the job alone. */
async function acknowledge(
  plan: JobPlan,
  codepipeline: WorkerDeps['codepipeline']
): Promise<Pick<JobRecord, 'result' | 'detail'> | undefined> {
  try {
    const status = await codepipeline.acknowledgeJob(plan.jobId, plan.nonce)
    if (status === 'InProgress') return undefined
    return { result: 'skipped', detail: `another worker has it (job status ${status || 'unknown'})` }
  } catch (error) {
    if (error instanceof CodePipelineError && error.code === 'InvalidNonceException') {
      // After a retry, the nonce may have been spent by our own first attempt, whose answer was lost: then the
      // job is ours, acknowledged but never started, and nobody else will answer it.
      if (error.unanswered) {
        return {
          result: 'unreported',
          detail:
            `the acknowledgement took ${error.attempts} attempts and the last found the nonce used: the first ` +
            "attempt's answer was lost, so the job may be ours and waiting, acknowledged but not started (or " +
            'another worker took it)'
        }
      }
      return { result: 'skipped', detail: 'another worker took it (its nonce is no longer valid)' }
    }
    return {
      result: 'unreported',
      detail: `could not acknowledge it, so it was not started: ${errorMessage(error)}`
    }
  }
}

async function decide(plan: JobPlan, record: JobRecord, deps: WorkerDeps): Promise<Decision> {
  const action = plan.action
  switch (action.kind) {
    case 'reject':
      return failedWith({ type: 'ConfigurationError', message: action.message }, plan)
    case 'track':
      return followRun(plan, action, record, deps)
    case 'dispatch':
      return start(plan, action.target, record, deps)
  }
}

async function start(plan: JobPlan, target: Target, record: JobRecord, deps: WorkerDeps): Promise<Decision> {
  const github = await deps.github()
  let ref = target.ref
  try {
    ref ??= await deps.defaultBranch(github, target)
  } catch (error) {
    return failedWith(startProblem(error, 'read repository', target, deps.jobIdInput), plan)
  }
  record.ref = ref
  if (!isAllowed(deps.allowedTargets, { ...target, ref })) {
    return failedWith({ type: 'ConfigurationError', message: notAllowed({ ...target, ref }) }, plan)
  }
  // The last moment a stop can still keep this workflow from starting (the worker then returns at once).
  if (!deps.gate.commit(plan.jobId)) return { handled: 'failed' }
  let run
  try {
    run = await dispatchWorkflow(github, { ...target, ref }, deps.gate.abortSignal)
  } catch (error) {
    return failedWith(startProblem(error, 'dispatch', { ...target, ref }, deps.jobIdInput), plan)
  }
  const started = run ? `started ${run.url}` : 'started (GitHub did not return the run)'
  if (run) Object.assign(record, { runId: run.runId, runUrl: run.url })
  if (deps.mode === 'dispatch') return { handled: 'dispatched', detail: started }
  if (!run) return failedWith(untrackableProblem({ ...target, ref }), plan)
  const tracked = { owner: target.owner, repo: target.repo, runId: run.runId }
  return { handled: 'dispatched', result: startedResult(plan.jobId, tracked, target.workflow, run.url) }
}

async function deliver(
  record: JobRecord,
  decision: Decision,
  codepipeline: WorkerDeps['codepipeline']
): Promise<JobRecord> {
  const { result } = decision
  if (!result) return { ...record, result: decision.handled, detail: decision.detail ?? '' }
  const told =
    result.kind === 'success'
      ? (result.input.executionDetails?.summary ?? '')
      : `${result.input.failureDetails?.type}: ${result.input.failureDetails?.message}`
  try {
    await codepipeline.putJobResult(result)
  } catch (error) {
    if (error instanceof CodePipelineError && error.code === 'InvalidJobStateException') {
      return {
        ...record,
        result: 'already-reported',
        detail: `the job already had a result; not sent: ${told}`
      }
    }
    return {
      ...record,
      result: 'unreported',
      detail: `${operationOf(result)} failed: ${errorMessage(error)} (it would say ${told})`
    }
  }
  return { ...record, result: decision.handled, detail: told }
}
