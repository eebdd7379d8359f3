import * as core from '@actions/core'
import type { GitHubClient } from '../github/client.ts'
import type { Repository } from '../github/dispatch.ts'
import { getRun, type RunStatus } from '../github/runs.ts'
import { neutralize } from '../text.ts'
import { runNameAdvice } from './reconcile-messages.ts'
import type { JobRecord } from './worker.ts'

/**
 * Warns once per workflow when a run this poll started does not show its job ID: reconciliation would never see
 * it. Returns the GitHub calls it made (a run not yet in the listing is read once).
 */
export async function checkRunNames(
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
