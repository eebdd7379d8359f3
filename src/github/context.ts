import { UserError } from '../errors.ts'

/** Facts about the current workflow run, read from the variables the runner sets for every step. */
export interface RunContext {
  serverUrl: string
  apiUrl: string
  repository: string
  owner: string
  repo: string
  workflow: string
  /** This run's workflow file name (build.yml), from GITHUB_WORKFLOW_REF; absent outside a runner. */
  workflowFile?: string
  runId: string
  runNumber: string
  runAttempt: number
  runnerName: string
  runUrl: string
}

export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const [owner = '', repo = ''] = repository.split('/')
  const runId = env.GITHUB_RUN_ID ?? ''
  if (!owner || !repo || !/^\d+$/.test(runId)) {
    throw new UserError(
      'This action must run inside a GitHub Actions workflow: GITHUB_REPOSITORY and GITHUB_RUN_ID are not set.'
    )
  }
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  return {
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    repository,
    owner,
    repo,
    workflow: env.GITHUB_WORKFLOW || repository,
    workflowFile: env.GITHUB_WORKFLOW_REF ? workflowFileOf(env.GITHUB_WORKFLOW_REF) : undefined,
    runId,
    runNumber: env.GITHUB_RUN_NUMBER || '?',
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
    runnerName: env.RUNNER_NAME ?? '',
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}`
  }
}

/**
 * A workflow's file name from its path or ref, as GitHub gives them (a run's `path`, GITHUB_WORKFLOW_REF):
 * `octo-org/app/.github/workflows/build.yml@refs/heads/main` → `build.yml`; undefined when there is none.
 */
export function workflowFileOf(pathOrRef: string): string | undefined {
  const path = pathOrRef.split('@')[0]
  return path.slice(path.lastIndexOf('/') + 1) || undefined
}

/** A Workflow property (or input) naming the workflow by its numeric ID rather than its file. */
export function isWorkflowId(workflow: string): boolean {
  return /^\d+$/.test(workflow)
}
