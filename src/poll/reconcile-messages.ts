import type { PipelineContext } from '../aws/pipeline-context.ts'
import type { RunStatus } from '../github/runs.ts'
import { runLabel } from '../messages.ts'
import type { Problem } from './problems.ts'

// What CodePipeline and the poll log say about runs started earlier. Pure.

function label(run: RunStatus): string {
  return runLabel({ workflow: run.name, runNumber: run.runNumber, runAttempt: run.attempt, runUrl: run.url })
}

// A run that did not fail yet never reported: its workflow is what needs fixing.
const DID_NOT_FAIL = new Set(['success', 'neutral', 'skipped'])

/** The failure for a job whose run ended without answering it. */
export function unreportedProblem(run: RunStatus): Problem {
  const conclusion = run.conclusion ?? 'unknown'
  const link = ` Run: ${run.url}`
  if (conclusion === 'startup_failure') {
    return {
      type: 'ConfigurationError',
      message:
        `${label(run)} could not start (startup_failure), so it never reported on this job: its workflow file has ` +
        'an error that GitHub shows on the run page (invalid YAML, a `uses:` reference that does not exist, a ' +
        `permission it may not have). Fix the workflow, then retry the stage.${link}`
    }
  }
  if (DID_NOT_FAIL.has(conclusion)) {
    return {
      type: 'ConfigurationError',
      message:
        `${label(run)} finished (${conclusion}) without reporting this job's result: the workflow must end with ` +
        "the report action, in a job that runs whatever happens before it (check that job's `if:`). Fix the " +
        `workflow, then retry the stage.${link}`
    }
  }
  const how = conclusion === 'cancelled' ? 'was cancelled' : `ended (${conclusion})`
  return {
    type: 'JobFailed',
    message: `${label(run)} ${how} before it reported this job's result; the poll action reports the failure in its stead.${link}`
  }
}

/** The failure for a job whose run no runner took in time (the run is cancelled with it). */
export function queuedProblem(run: RunStatus, minutes: number): Problem {
  return {
    type: 'SystemUnavailable',
    message:
      `${label(run)} was still queued after ${minutes} minutes (queue-timeout-minutes of the poll action): no ` +
      'runner took its job, so the poll action cancelled it. Check its `runs-on` labels and that a runner is ' +
      `online, then retry the stage. Run: ${run.url}`
  }
}

/** Why a run was cancelled: its pipeline execution was stopped. */
export function stoppedDetail(place: PipelineContext, since: Date | undefined, run: RunStatus): string {
  const when = since ? ` at ${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : ''
  return (
    `pipeline ${place.pipelineName} execution ${place.pipelineExecutionId} was stopped: its action ` +
    `${place.actionName} (stage ${place.stageName}) was abandoned${when}, so run ${run.id} was cancelled (${run.url})`
  )
}

/** The warning for a workflow whose runs do not show their job: reconciliation cannot see them. */
export function runNameAdvice(repository: string, run: RunStatus, jobIdInput: string): string {
  return (
    `Runs of ${repository}/.github/workflows/${run.workflowFile} do not show their CodePipeline job ID in their ` +
    `name (run ${run.id} is named ${JSON.stringify(run.title)}), so the poll action cannot fail the job of a run ` +
    'that never reports, nor cancel a run whose pipeline was stopped. Add this line to the workflow, next to ' +
    `\`name:\`: run-name: ${run.name || 'Build'} for CodePipeline job \${{ inputs.${jobIdInput} }}`
  )
}
