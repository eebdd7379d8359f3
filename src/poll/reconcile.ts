import * as core from '@actions/core'
import type { CodePipeline } from '../aws/codepipeline.ts'
import { errorMessage } from '../errors.ts'
import type { GitHubClient } from '../github/client.ts'
import type { Repository } from '../github/dispatch.ts'
import { listDispatchedRuns } from '../github/runs.ts'
import { neutralize } from '../text.ts'
import { mapLimited } from './batch.ts'
import { logRecord } from './log-record.ts'
import { Lookups } from './reconcile-lookups.ts'
import { checkRun, type Context } from './reconcile-run.ts'
import { checkRunNames } from './run-name-check.ts'
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

function repositoryOf(name: string): Repository {
  const [owner, repo] = name.split('/')
  return { owner, repo }
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
