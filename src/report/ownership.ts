import type { JobData } from '@aws-sdk/client-codepipeline'
import { isWorkflowId, type RunContext } from '../github/context.ts'

// Whether a CodePipeline job is this workflow's to answer. The reporter role can answer any job of the account,
// so a job ID from another pipeline (a mistake, or a hostile build step) must be refused before anything is sent.
// Pure: the job's configuration and this run come in, a verdict goes out.

export type Ownership =
  { kind: 'ours' } | { kind: 'unchecked'; reason: string } | { kind: 'foreign'; reason: string }

export function checkOwnership(jobId: string, data: JobData, run: RunContext): Ownership {
  const configuration = data.actionConfiguration?.configuration ?? {}
  const repository = configuration.Repository?.trim()
  const workflow = configuration.Workflow?.trim()
  const job = `CodePipeline job ${jobId}`
  if (repository && repository.toLowerCase() !== run.repository.toLowerCase()) {
    return foreign(
      `${job} belongs to repository ${JSON.stringify(repository)} (its Repository property), not to this run's ` +
        `repository ${run.repository}`
    )
  }
  if (workflow && !isWorkflowId(workflow) && run.workflowFile && workflow !== run.workflowFile) {
    return foreign(
      `${job} belongs to workflow ${JSON.stringify(workflow)} (its Workflow property), not to this run's ` +
        `workflow ${run.workflowFile}`
    )
  }
  const unchecked = uncheckable(repository, workflow, run)
  if (unchecked) {
    return {
      kind: 'unchecked',
      reason:
        `Could not check that ${job} is this workflow's: its action configuration ${unchecked}. Set the ` +
        "Repository and Workflow (file name) properties of the action, so that no other workflow's result is " +
        'ever taken for this one.'
    }
  }
  return { kind: 'ours' }
}

function foreign(reason: string): Ownership {
  return {
    kind: 'foreign',
    reason: `${reason}: refusing to report on it. Pass the job ID this workflow was started with.`
  }
}

/** Why the job's configuration cannot be compared with this run's workflow file, if it cannot. */
function uncheckable(
  repository: string | undefined,
  workflow: string | undefined,
  run: RunContext
): string | undefined {
  if (!repository) return 'names no Repository'
  if (!workflow) return 'names no Workflow'
  if (isWorkflowId(workflow)) return `names its Workflow by ID (${workflow}), not by file`
  if (!run.workflowFile) return 'names a Workflow, but GITHUB_WORKFLOW_REF is not set'
  return undefined
}
