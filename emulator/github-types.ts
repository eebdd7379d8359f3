// The GitHub REST shapes the emulator stores and serves, and what tests pass to create them.

export type Permission = 'read' | 'write' | 'none'
export type RunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending'
export type Conclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'neutral'
  | 'action_required'
  | 'startup_failure'
  | 'stale'

export interface TokenInfo {
  permissions: { actions: Permission }
  /** Repositories ("owner/name") the token can see; all when absent. */
  repositories?: string[]
}

export interface Repo {
  id: number
  full_name: string
  default_branch: string
  html_url: string
  branches: string[]
  tags: string[]
}

export interface WorkflowInput {
  required?: boolean
  type?: 'string' | 'boolean' | 'choice' | 'number' | 'environment'
  options?: string[]
  default?: string
  description?: string
}

export interface Workflow {
  id: number
  repo: string
  name: string
  file: string
  path: string
  /** False for a workflow without an `on: workflow_dispatch` trigger. */
  dispatchable: boolean
  inputs: Record<string, WorkflowInput>
  /** The file's `run-name:`, e.g. `Build for CodePipeline job ${{ inputs.codepipeline-job-id }}`; runs show it rendered. */
  runName?: string
  runCount: number
}

export interface StepInit {
  name: string
  status?: RunStatus
  conclusion?: Conclusion | null
}

export interface JobInit {
  id?: number
  name: string
  status?: RunStatus
  conclusion?: Conclusion | null
  runnerName?: string | null
  steps?: StepInit[]
}

/** A job in the REST API's own shape. */
export interface ApiJob {
  id: number
  run_id: number
  run_attempt: number
  name: string
  status: RunStatus
  conclusion: Conclusion | null
  runner_name: string | null
  html_url: string
  started_at: string
  completed_at: string | null
  steps: Array<{ name: string; status: RunStatus; conclusion: Conclusion | null; number: number }>
  [more: string]: unknown
}

/** A run in the REST API's own shape, plus `jobs` (every attempt) and the dispatch `inputs`. */
export interface Run {
  id: number
  name: string
  display_title: string
  run_number: number
  run_attempt: number
  status: RunStatus
  conclusion: Conclusion | null
  html_url: string
  workflow_id: number
  path: string
  head_branch: string
  head_sha: string
  event: string
  created_at: string
  updated_at: string
  repository: { full_name: string }
  jobs: ApiJob[]
  inputs?: Record<string, unknown>
  [more: string]: unknown
}

export interface RunInit {
  id?: number
  runNumber?: number
  attempt?: number
  name?: string
  status?: RunStatus
  conclusion?: Conclusion | null
  /** File name of a workflow added with addWorkflow; links the run to it. */
  workflow?: string
  headBranch?: string
  event?: string
  jobs?: JobInit[]
  /** Backdates the run (created_at, run_started_at, updated_at), e.g. a run queued 45 minutes ago. */
  createdAt?: Date
  /** The dispatch inputs: `display_title` is the workflow's runName rendered with them. */
  inputs?: Record<string, string>
  /** `display_title` as given, instead of the rendered runName (or the name). */
  displayTitle?: string
}

export interface Cancellation {
  runId: number
  at: Date
  /** The x-github-request-id of the cancel request. */
  requestId: string
}

export interface Dispatch {
  repo: string
  workflow: string
  ref: string
  inputs: Record<string, unknown>
  returnRunDetails: boolean
  runId: number
  at: Date
  /** The x-github-request-id of the dispatch request: finds its headers in `emu.requests`. */
  requestId: string
}
