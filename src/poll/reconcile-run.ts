import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { CodePipelineError } from '../aws/codepipeline.ts'
import { pipelineContext } from '../aws/pipeline-context.ts'
import { errorMessage } from '../errors.ts'
import { cancelRun } from '../github/runs.ts'
import { failure } from '../job-result.ts'
import type { Problem } from './problems.ts'
import type { Lookups } from './reconcile-lookups.ts'
import { queuedProblem, stoppedDetail, unreportedProblem } from './reconcile-messages.ts'
import type { ReconcileDeps } from './reconcile.ts'
import { whyNotItsJob } from './run-job.ts'
import type { RunToCheck } from './runs-to-check.ts'
import type { JobRecord } from './worker.ts'

// One run started earlier, looked after: its job failed when the run ended without answering it, the run
// cancelled when its pipeline execution was stopped or no runner took it in time. Each job is checked to be the
// run's own first (run-job.ts).

/** What the checks of one poll share: CodePipeline's answers, and the count of cancel requests sent. */
export interface Context {
  deps: ReconcileDeps
  lookups: Lookups
  cancels: number
}

export async function checkRun(check: RunToCheck, context: Context): Promise<JobRecord[]> {
  const { deps, lookups } = context
  const records: JobRecord[] = []
  const { run, repository } = check
  for (const jobId of check.jobIds) {
    if (deps.gate.stoppedBy) break
    const data = await lookups.job(jobId)
    if (!data) continue
    const why = whyNotItsJob(data, run, repository, deps.settings)
    if (why) {
      core.debug(`Run ${run.id} names job ${jobId}, which is not its job: ${why}.`)
      continue
    }
    const record: JobRecord = {
      jobId,
      pipeline: pipelineContext(data),
      repository: `${repository.owner}/${repository.repo}`,
      workflow: run.workflowFile,
      runId: run.id,
      runUrl: run.url,
      result: 'skipped',
      detail: ''
    }
    const answered =
      check.kind === 'ended'
        ? await failJob(record, unreportedProblem(run), deps)
        : await checkActive(record, data, check, context)
    if (answered) records.push(answered)
  }
  return records
}

/** A queued or running run: cancelled when its pipeline stopped, or when no runner took it in time. */
async function checkActive(
  record: JobRecord,
  data: JobData,
  check: RunToCheck,
  context: Context
): Promise<JobRecord | undefined> {
  const { deps } = context
  const abandoned = await context.lookups.abandoned(data)
  if (abandoned) {
    const detail = stoppedDetail(record.pipeline, abandoned.lastUpdateTime, check.run)
    return cancel({ ...record, result: 'cancelled', detail }, check, context)
  }
  if (!check.queuedTooLong) return undefined
  const failed = await failJob(
    record,
    queuedProblem(check.run, deps.settings.reconcile.queueTimeoutMinutes),
    deps
  )
  // A job someone already answered keeps its run: that run may be a re-run someone wants.
  if (failed?.result !== 'failed') return failed
  return cancel(failed, check, context)
}

async function cancel(record: JobRecord, check: RunToCheck, context: Context): Promise<JobRecord> {
  const { deps } = context
  if (deps.gate.stoppedBy) {
    return { ...record, result: 'running', detail: `${record.detail}; not cancelled: the poller was stopped` }
  }
  try {
    const github = await deps.github()
    context.cancels++
    const cancelled = await cancelRun(github, check.repository, check.run.id)
    return cancelled ? record : { ...record, detail: `${record.detail}; the run had already completed` }
  } catch (error) {
    return {
      ...record,
      result: record.result === 'cancelled' ? 'running' : record.result,
      detail: `${record.detail}; but the run could not be cancelled: ${errorMessage(error)}`
    }
  }
}

/** Fails the job; a job that already has a result is the expected, silent case (nothing to record). */
async function failJob(
  record: JobRecord,
  problem: Problem,
  deps: ReconcileDeps
): Promise<JobRecord | undefined> {
  if (deps.gate.stoppedBy) return undefined
  const told = `${problem.type}: ${problem.message}`
  try {
    await deps.codepipeline.putJobResult(
      failure(record.jobId, problem.type, problem.message, String(record.runId))
    )
    return { ...record, result: 'failed', detail: told }
  } catch (error) {
    if (error instanceof CodePipelineError && error.code === 'InvalidJobStateException') return undefined
    return {
      ...record,
      result: 'unreported',
      detail: `PutJobFailureResult failed: ${errorMessage(error)} (it would say ${told})`
    }
  }
}
