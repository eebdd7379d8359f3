import type { GitHubClient } from './client.ts'
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
  /** The workflow's file name (build.yml) and ID: which workflow this run is of. */
  workflowFile: string
  workflowId: number
  runNumber: number
  attempt: number
  status: string
  conclusion: string | null
  url: string
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
  return {
    id: data.id,
    name: data.name ?? '',
    workflowFile: workflowFileOf(data.path) ?? '',
    workflowId: data.workflow_id,
    runNumber: data.run_number,
    attempt: data.run_attempt ?? 1,
    status: data.status ?? '',
    conclusion: data.conclusion,
    url: data.html_url
  }
}
