import type { GitHubClient } from './client.ts'

export interface Repository {
  owner: string
  repo: string
}

export interface WorkflowDispatch extends Repository {
  /** File name or numeric ID. */
  workflow: string
  ref: string
  /** String values only: GitHub refuses a number or boolean with 422 "… is not a string". */
  inputs: Record<string, string>
}

/** The run a dispatch started; absent when the server does not return run details (older GitHub Enterprise). */
export interface StartedRun {
  runId: number
  url: string
}

/** Starts a workflow_dispatch run, asking GitHub for the new run's ID and URL; `until` ends rate-limit waits. */
export async function dispatchWorkflow(
  github: GitHubClient,
  dispatch: WorkflowDispatch,
  until?: AbortSignal
): Promise<StartedRun | undefined> {
  const { owner, repo, workflow, ref, inputs } = dispatch
  const response = await github.call(
    `start workflow ${workflow} in ${owner}/${repo} at ${ref}`,
    octokit =>
      octokit.rest.actions.createWorkflowDispatch({
        owner,
        repo,
        workflow_id: workflow,
        ref,
        inputs,
        return_run_details: true
      }),
    // A 5xx or a dropped connection may come after GitHub started the run: retrying could start a second build.
    { retry: 'unsent', until }
  )
  // Octokit's types know only the 204 of a dispatch without run details.
  const details = (response as { data?: { workflow_run_id?: number; html_url?: string } }).data
  if (!details?.workflow_run_id || !details.html_url) return undefined
  return { runId: details.workflow_run_id, url: details.html_url }
}

export async function defaultBranch(github: GitHubClient, { owner, repo }: Repository): Promise<string> {
  const { data } = await github.call(`read repository ${owner}/${repo}`, octokit =>
    octokit.rest.repos.get({ owner, repo })
  )
  return data.default_branch
}
