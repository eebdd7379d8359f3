import type { Repository } from '../github/dispatch.ts'
import type { RunStatus } from '../github/runs.ts'
import { JOB_ID_IN_TEXT } from '../limits.ts'
import { isAllowed, type TargetPattern } from './allowed-targets.ts'

// Which of GitHub's runs reconciliation looks at, and why. Nothing is stored between polls: a run names its
// job in its run-name (`run-name: ... ${{ inputs.codepipeline-job-id }}`), and allowed-targets says which
// workflows are the poller's. Pure: listed runs in, runs to check out.

export interface RunToCheck {
  repository: Repository
  run: RunStatus
  /** The job IDs the run's name shows (one, unless the run-name shows other IDs too). */
  jobIds: string[]
  /** `ended`: completed, so it will never report; `active`: queued or running, so its pipeline may have stopped. */
  kind: 'ended' | 'active'
  /** Queued (no runner took it) for longer than queue-timeout-minutes. */
  queuedTooLong: boolean
}

/** The repositories whose runs a poll reconciles: those allowed-targets names, and those it started runs in. */
export function repositoriesToReconcile(patterns: TargetPattern[], started: Repository[]): Repository[] {
  const all = [...patterns.flatMap(p => (p.repository ? [p.repository] : [])), ...started]
  const seen = new Map<string, Repository>()
  for (const r of all) {
    const key = `${r.owner}/${r.repo}`.toLowerCase()
    if (!seen.has(key)) seen.set(key, { owner: r.owner, repo: r.repo })
  }
  return [...seen.values()]
}

/** Every job ID in a run's name, once each. */
export function jobIdsIn(title: string): string[] {
  return [...new Set(title.match(JOB_ID_IN_TEXT) ?? [])]
}

/**
 * The runs worth a look, active ones first (a stopped pipeline's run should stop now; an ended run's job can
 * wait the few seconds the rest takes). A run of a workflow allowed-targets does not admit is never touched.
 */
export function runsToCheck(
  repository: Repository,
  runs: RunStatus[],
  patterns: TargetPattern[],
  queueTimeoutMinutes: number,
  now: number
): RunToCheck[] {
  const checks: RunToCheck[] = []
  for (const run of runs) {
    const target = { ...repository, workflow: run.workflowFile, ref: run.headBranch }
    if (run.event !== 'workflow_dispatch' || !isAllowed(patterns, target)) continue
    const jobIds = jobIdsIn(run.title)
    if (!jobIds.length) continue
    const ended = run.status === 'completed'
    const queuedFor = now - run.createdAt
    checks.push({
      repository,
      run,
      jobIds,
      kind: ended ? 'ended' : 'active',
      queuedTooLong:
        run.status === 'queued' && queueTimeoutMinutes > 0 && queuedFor > queueTimeoutMinutes * 60_000
    })
  }
  return checks.sort((a, b) => Number(a.kind === 'ended') - Number(b.kind === 'ended'))
}
