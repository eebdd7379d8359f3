import { github as limits } from '../limits.ts'
import { GitHubError, type GitHubClient } from './client.ts'
import { workflowFileOf } from './context.ts'

export interface RunStep {
  /** Position in the job: main steps come before the post and clean-up steps the runner adds. */
  number: number
  name: string
  status: string
  conclusion: string | null
}

export interface RunJob {
  id: number
  name: string
  status: string
  conclusion: string | null
  runnerName: string | null
  url: string | null
  steps: RunStep[]
}

export interface RunStatus {
  id: number
  name: string
  /** The run's name as GitHub shows it (the workflow's run-name): how a run names the job it was started for. */
  title: string
  /** The workflow's file name (build.yml) and ID: which workflow this run is of. */
  workflowFile: string
  workflowId: number
  runNumber: number
  attempt: number
  event: string
  headBranch: string
  status: string
  conclusion: string | null
  url: string
  /** Milliseconds since the epoch. */
  createdAt: number
  updatedAt: number
}

type ApiRun = Awaited<ReturnType<GitHubClient['octokit']['rest']['actions']['getWorkflowRun']>>['data']

function runOf(data: ApiRun): RunStatus {
  return {
    id: data.id,
    name: data.name ?? '',
    title: data.display_title ?? '',
    workflowFile: workflowFileOf(data.path) ?? '',
    workflowId: data.workflow_id,
    runNumber: data.run_number,
    attempt: data.run_attempt ?? 1,
    event: data.event,
    headBranch: data.head_branch ?? '',
    status: data.status ?? '',
    conclusion: data.conclusion,
    url: data.html_url,
    createdAt: Date.parse(data.created_at),
    updatedAt: Date.parse(data.updated_at)
  }
}

/** All jobs of one attempt of a run (paginated, 100 a page), with their steps. */
export async function listAttemptJobs(
  github: GitHubClient,
  repository: { owner: string; repo: string },
  runId: string | number,
  attempt: number
): Promise<RunJob[]> {
  const jobs = await github.call(`list jobs of run ${runId} attempt ${attempt}`, octokit =>
    octokit.paginate(octokit.rest.actions.listJobsForWorkflowRunAttempt, {
      ...repository,
      run_id: Number(runId),
      attempt_number: attempt,
      per_page: 100
    })
  )
  return jobs.map(job => ({
    id: job.id,
    name: job.name,
    status: job.status,
    conclusion: job.conclusion,
    runnerName: job.runner_name,
    url: job.html_url,
    steps: (job.steps ?? []).map(step => ({
      number: step.number,
      name: step.name,
      status: step.status,
      conclusion: step.conclusion ?? null
    }))
  }))
}

export async function getRun(
  github: GitHubClient,
  repository: { owner: string; repo: string },
  runId: string | number
): Promise<RunStatus> {
  const { data } = await github.call(`get run ${runId}`, octokit =>
    octokit.rest.actions.getWorkflowRun({ ...repository, run_id: Number(runId) })
  )
  return runOf(data)
}

/** A repository's workflow_dispatch runs created since `since`, newest first, at most `maxPages` pages of 100. */
export async function listDispatchedRuns(
  github: GitHubClient,
  repository: { owner: string; repo: string },
  since: Date,
  maxPages: number
): Promise<{ runs: RunStatus[]; pages: number; more: boolean }> {
  const created = `>=${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}`
  return github.call(`list workflow runs of ${repository.owner}/${repository.repo}`, async octokit => {
    const runs: RunStatus[] = []
    let pages = 0
    let more = false
    const listing = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, {
      ...repository,
      event: 'workflow_dispatch',
      created,
      per_page: limits.perPage
    })
    for await (const page of listing) {
      if (pages === maxPages) {
        more = true
        break
      }
      pages++
      runs.push(...page.data.map(runOf))
    }
    return { runs, pages, more }
  })
}

/** Asks GitHub to cancel a run; false when it had already completed (GitHub answers 409). */
export async function cancelRun(
  github: GitHubClient,
  repository: { owner: string; repo: string },
  runId: number
): Promise<boolean> {
  try {
    await github.call(`cancel run ${runId}`, octokit =>
      octokit.rest.actions.cancelWorkflowRun({ ...repository, run_id: runId })
    )
    return true
  } catch (error) {
    if (error instanceof GitHubError && error.status === 409) return false
    throw error
  }
}
