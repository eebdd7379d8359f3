import type { JobData } from '@aws-sdk/client-codepipeline'
import { isWorkflowId } from '../github/context.ts'
import type { Repository } from '../github/dispatch.ts'
import type { RunStatus } from '../github/runs.ts'
import type { PollSettings } from './settings.ts'

// Whether the job a run's name shows is that run's to speak for. Anyone who can push a workflow to an allowed
// repository chooses its run-name, and the poller's role can fail any job of the account: a run may only get a
// job failed (or its own run cancelled) when the job is of this poller's action type and names that very
// repository and workflow. Pure: the job and the run in, the reason it is not the run's out.

export function whyNotItsJob(
  data: JobData,
  run: RunStatus,
  repository: Repository,
  settings: Pick<PollSettings, 'actionType' | 'fallbacks'>
): string | undefined {
  const type = data.actionTypeId
  const ours = settings.actionType
  if (
    type?.category !== ours.category ||
    type.owner !== ours.owner ||
    type.provider !== ours.provider ||
    type.version !== ours.version
  ) {
    return 'it is a job of another action type'
  }
  const configuration = data.actionConfiguration?.configuration ?? {}
  const jobRepository = configuration.Repository || settings.fallbacks.repository
  const workflow = configuration.Workflow || settings.fallbacks.workflow
  if (jobRepository?.toLowerCase() !== `${repository.owner}/${repository.repo}`.toLowerCase()) {
    return `the job names repository ${JSON.stringify(jobRepository ?? '')}`
  }
  const sameWorkflow =
    workflow && (isWorkflowId(workflow) ? Number(workflow) === run.workflowId : workflow === run.workflowFile)
  if (!sameWorkflow) return `the job names workflow ${JSON.stringify(workflow ?? '')}`
  return undefined
}
