import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import { pipelineContext } from '../aws/pipeline-context.ts'
import { errorMessage } from '../errors.ts'
import type { GitHubClient } from '../github/client.ts'
import type { Repository } from '../github/dispatch.ts'
import { cancelRun, getRun, listDispatchedRuns, type RunStatus } from '../github/runs.ts'
import { failure } from '../job-result.ts'
import { neutralize } from '../text.ts'
import { mapLimited } from './batch.ts'
import { logRecord } from './log-record.ts'
import type { Problem } from './problems.ts'
import { queuedProblem, runNameAdvice, stoppedDetail, unreportedProblem } from './reconcile-messages.ts'
import { Lookups } from './reconcile-lookups.ts'
import { whyNotItsJob } from './run-job.ts'
import { repositoriesToReconcile, runsToCheck, type RunToCheck } from './runs-to-check.ts'
import type { PollSettings } from './settings.ts'
import type { StopGate } from './stop-gate.ts'
import type { JobRecord } from './worker.ts'

// After the poll, the runs earlier polls started: a run that ended without answering its job gets the job failed;
// a run whose pipeline execution was stopped is cancelled; a run no runner took in time is cancelled and its job
// failed. Nothing is stored anywhere: GitHub's recent runs and their run-names say which job each is for, and
// CodePipeline refuses a second answer, so two pollers doing this at once still answer each job once.

/** At most this many pages of 100 runs per repository and poll: the GitHub calls of a poll stay bounded. */
export const MAX_RUN_PAGES = 3

export interface ReconcileDeps {
  codepipeline: Pick<CodePipeline, 'getJobDetails' | 'listActionExecutions' | 'putJobResult'>
  github: () => Promise<GitHubClient>
  settings: Pick<
    PollSettings,
    'actionType' | 'fallbacks' | 'allowedTargets' | 'reconcile' | 'jobIdInput' | 'maxConcurrency'
  >
  gate: Pick<StopGate, 'stoppedBy'>
  now: () => number
}

export interface Reconciled {
  /** Only the runs something was done about (or should have been). */
  records: JobRecord[]
  repositories: string[]
  /** Runs that name a job, in workflows allowed-targets admits. */
  runs: number
  githubCalls: number
}

export async function reconcile(deps: ReconcileDeps, started: JobRecord[]): Promise<Reconciled> {
  const { settings } = deps
  const result: Reconciled = { records: [], repositories: [], runs: 0, githubCalls: 0 }
  if (!settings.reconcile.windowHours || deps.gate.stoppedBy) return result
  const startedRuns = started.filter(r => r.runId && r.repository)
  const repositories = repositoriesToReconcile(
    settings.allowedTargets,
    startedRuns.map(r => repositoryOf(r.repository as string))
  )
  const github = await deps.github()
  const since = new Date(deps.now() - settings.reconcile.windowHours * 3_600_000)
  const checks: RunToCheck[] = []
  for (const repository of repositories) {
    const name = `${repository.owner}/${repository.repo}`
    let listed
    try {
      listed = await listDispatchedRuns(github, repository, since, MAX_RUN_PAGES)
    } catch (error) {
      core.warning(neutralize(`Could not list the runs of ${name} to reconcile them: ${errorMessage(error)}`))
      continue
    }
    result.repositories.push(name)
    result.githubCalls += listed.pages
    if (listed.more) {
      core.warning(
        `${name} has more than ${MAX_RUN_PAGES * 100} workflow_dispatch runs in the last ` +
          `${settings.reconcile.windowHours} hours; only the newest ${MAX_RUN_PAGES * 100} were reconciled. ` +
          'Lower reconcile-hours, or poll more often.'
      )
    }
    const mine = startedRuns.filter(r => r.repository?.toLowerCase() === name.toLowerCase())
    result.githubCalls += await checkRunNames(github, repository, mine, listed.runs, settings.jobIdInput)
    const fresh = new Set(mine.map(r => r.runId))
    const runs = listed.runs.filter(run => !fresh.has(run.id))
    checks.push(
      ...runsToCheck(
        repository,
        runs,
        settings.allowedTargets,
        settings.reconcile.queueTimeoutMinutes,
        deps.now()
      )
    )
  }
  result.runs = checks.length
  const context: Context = { deps, lookups: new Lookups(deps.codepipeline), cancels: 0 }
  const done = await mapLimited(checks, settings.maxConcurrency, check => checkRun(check, context))
  for (const record of done.flat()) {
    logRecord(record)
    result.records.push(record)
  }
  result.githubCalls += context.cancels
  if (settings.reconcile.stopped) logWokenBy(settings.reconcile.stopped, result.records)
  return result
}

/** What the checks of one poll share: CodePipeline's answers, and the count of cancel requests sent. */
interface Context {
  deps: ReconcileDeps
  lookups: Lookups
  cancels: number
}

function repositoryOf(name: string): Repository {
  const [owner, repo] = name.split('/')
  return { owner, repo }
}

/**
 * Warns once per workflow when a run this poll started does not show its job ID: reconciliation would never see
 * it. Returns the GitHub calls it made (a run not yet in the listing is read once).
 */
async function checkRunNames(
  github: GitHubClient,
  repository: Repository,
  started: JobRecord[],
  listed: RunStatus[],
  jobIdInput: string
): Promise<number> {
  let calls = 0
  const warned = new Set<string>()
  for (const record of started) {
    let run = listed.find(r => r.id === record.runId)
    if (!run) {
      try {
        calls++
        run = await getRun(github, repository, record.runId as number)
      } catch {
        continue
      }
    }
    if (run.title.includes(record.jobId) || warned.has(run.workflowFile)) continue
    warned.add(run.workflowFile)
    core.warning(neutralize(runNameAdvice(`${repository.owner}/${repository.repo}`, run, jobIdInput)))
  }
  return calls
}

async function checkRun(check: RunToCheck, context: Context): Promise<JobRecord[]> {
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

function logWokenBy(stopped: NonNullable<PollSettings['reconcile']['stopped']>, records: JobRecord[]): void {
  const where = `pipeline ${stopped.pipeline} execution ${stopped.executionId}${stopped.action ? ` (action ${stopped.action})` : ''}`
  const cancelled = records.filter(
    r => r.result === 'cancelled' && r.pipeline.pipelineExecutionId === stopped.executionId
  )
  core.info(
    cancelled.length
      ? `Woken by the stop of ${where}: cancelled ${cancelled.map(r => `run ${r.runId}`).join(', ')}.`
      : `Woken by the stop of ${where}: no run of it was queued or running.`
  )
}
