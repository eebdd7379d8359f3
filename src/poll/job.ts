import type { Job } from '@aws-sdk/client-codepipeline'
import { pipelineContext, type PipelineContext } from '../aws/pipeline-context.ts'
import { github as githubLimits } from '../limits.ts'
import { isAllowed, notAllowed } from './allowed-targets.ts'
import { refNameProblem } from './ref-name.ts'
import { REPOSITORY, WORKFLOW, type PollSettings } from './settings.ts'
import { parseRunToken, type TrackedRun } from './track.ts'
import { parseJson } from '../json.ts'

// A polled job → what to do with it. Pure: reads the job's action configuration (and continuation token) and
// decides; every problem a user must fix in the pipeline becomes a ConfigurationError naming the property.

/** A workflow to start. `ref` is absent when the repository's default branch is to be used. */
export interface Target {
  owner: string
  repo: string
  workflow: string
  ref?: string
  /** GitHub's workflow_dispatch API takes string values only (a number or boolean is refused with 422). */
  inputs: Record<string, string>
}

export type Action =
  | { kind: 'dispatch'; target: Target }
  /** `workflow`: what the job configures, which the run must be of (checked once the run is read). */
  | { kind: 'track'; run: TrackedRun; workflow?: string }
  | { kind: 'reject'; message: string }

export interface JobPlan {
  jobId: string
  nonce: string
  pipeline: PipelineContext
  /** What the job names, as far as it could be read: for logs and outputs. */
  repository?: string
  workflow?: string
  ref?: string
  action: Action
}

/** Thrown inside planning only; becomes a `reject` action. */
class Rejection extends Error {}

type PlanSettings = Pick<PollSettings, 'fallbacks' | 'jobIdInput' | 'allowedTargets' | 'mode'>

export function planJob(job: Job, settings: PlanSettings): JobPlan {
  const jobId = job.id ?? ''
  const configuration = job.data?.actionConfiguration?.configuration ?? {}
  const named: Named = {
    repository: configuration.Repository || settings.fallbacks.repository,
    workflow: configuration.Workflow || settings.fallbacks.workflow,
    ref: configuration.Ref || settings.fallbacks.ref
  }
  // A continuation job is always tracked, whatever the mode: starting its workflow again would run the build twice.
  const token = job.data?.continuationToken
  const outputs = (job.data?.outputArtifacts ?? []).map(artifact => artifact.name ?? '?')
  const action = rejectionsCaught(() =>
    token
      ? { kind: 'track', run: trackedRun(token, named, settings), workflow: named.workflow }
      : { kind: 'dispatch', target: target(named, configuration.Inputs, settings, jobId, outputs) }
  )
  if (action.kind === 'track') named.repository = `${action.run.owner}/${action.run.repo}`
  // A Ref that is not a ref name is only ever shown quoted, so a line break in it stays on one log line.
  if (named.ref && refNameProblem(named.ref)) named.ref = JSON.stringify(named.ref)
  return { jobId, nonce: job.nonce ?? '', pipeline: pipelineContext(job.data), ...named, action }
}

type Named = Pick<JobPlan, 'repository' | 'workflow' | 'ref'>

function rejectionsCaught(decide: () => Action): Action {
  try {
    return decide()
  } catch (error) {
    if (!(error instanceof Rejection)) throw error
    return { kind: 'reject', message: error.message }
  }
}

/**
 * The run a continuation token names, followed only when it is in the repository the job configures and the
 * poller may reach: anyone who can report on a job could otherwise point the poller's token at any run.
 */
function trackedRun(token: string, named: Named, settings: PlanSettings): TrackedRun {
  const run = parseRunToken(token)
  if (!run) {
    const shown = JSON.stringify(token.length > 100 ? `${token.slice(0, 100)}…` : token)
    throw new Rejection(
      `This job carries the continuation token ${shown}, which the poll action did not issue (it issues ` +
        `"gha-run:1:owner/repo:runID" in track mode), so it cannot tell which GitHub run to follow. ` +
        'Make sure only the poll action answers jobs of this action type with a continuation token, then retry the stage.'
    )
  }
  const tokenRepository = `${run.owner}/${run.repo}`
  if (!named.repository || named.repository.toLowerCase() !== tokenRepository.toLowerCase()) {
    throw new Rejection(
      `This job's continuation token names a run in ${tokenRepository}, but the job's Repository is ` +
        `${named.repository ? JSON.stringify(named.repository) : 'not set'}: the poll action follows only runs of ` +
        'the repository and workflow the job configures. Retry the stage to start a new run.'
    )
  }
  if (!isAllowed(settings.allowedTargets, run)) throw new Rejection(notAllowed(run))
  return run
}

function target(
  named: Named,
  rawInputs: string | undefined,
  settings: PlanSettings,
  jobId: string,
  outputs: string[]
): Target {
  const { repository, workflow, ref } = named
  if (!repository) throw missing('Repository', 'repository', 'owner/name, e.g. octo-org/octo-repo')
  if (!REPOSITORY.test(repository)) {
    throw new Rejection(
      `The Repository property is "${repository}"; use owner/name, e.g. octo-org/octo-repo.`
    )
  }
  if (!workflow) throw missing('Workflow', 'workflow', 'the workflow file name (build.yml) or its ID')
  if (!WORKFLOW.test(workflow)) {
    throw new Rejection(
      `The Workflow property is "${workflow}"; use the workflow file name without its directory (build.yml) or its numeric ID.`
    )
  }
  const refProblem = ref ? refNameProblem(ref) : undefined
  if (refProblem) {
    throw new Rejection(
      `The Ref property is ${JSON.stringify(ref)}, which is not a git branch or tag name (${refProblem}). Set Ref to ` +
        'a branch or tag, e.g. main or refs/tags/v1.2.3, or leave it empty for the default branch.'
    )
  }
  const [owner, repo] = repository.split('/')
  if (!isAllowed(settings.allowedTargets, { owner, repo, workflow, ref })) {
    throw new Rejection(notAllowed({ owner, repo, workflow, ref }))
  }
  if (settings.mode === 'track' && outputs.length) {
    throw new Rejection(
      `This job declares output artifact(s) ${outputs.map(name => JSON.stringify(name)).join(', ')}, which track ` +
        'mode cannot produce: the poller only follows the run. Use the poll action in dispatch mode and have the ' +
        "workflow report with the report action's output-artifacts input."
    )
  }
  const inputs = { [settings.jobIdInput]: jobId, ...extraInputs(rawInputs, settings.jobIdInput) }
  return { owner, repo, workflow, ...(ref ? { ref } : {}), inputs }
}

function missing(property: string, input: string, what: string): Rejection {
  return new Rejection(
    `The action configuration has no ${property}, and the poll action has no ${input} input: set the ` +
      `${property} property of this action in the pipeline to ${what}.`
  )
}

/**
 * The Inputs property: a JSON object of extra workflow inputs (CodePipeline variables resolve into it). Numbers
 * and booleans are sent as strings, since the API takes nothing else; the workflow's input types turn them back.
 */
function extraInputs(raw: string | undefined, jobIdInput: string): Record<string, string> {
  if (!raw?.trim()) return {}
  const example = 'e.g. {"environment": "staging", "commit": "#{SourceVariables.CommitId}"}'
  const numbers = new WeakMap<object, Map<string, string>>()
  const result = parseJson(raw, function (this: object, key, value, context?: { source?: string }) {
    // A number as written: String(12345678901234567890) would lose digits, and 1.50 would become "1.5".
    if (typeof value === 'number' && context?.source !== undefined) {
      numbers.set(this, (numbers.get(this) ?? new Map<string, string>()).set(key, context.source))
    }
    return value
  })
  if ('reason' in result) {
    throw new Rejection(
      `The Inputs property is not valid JSON (${result.reason}): write a JSON object, ${example}.`
    )
  }
  const parsed = result.value
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Rejection(`The Inputs property must be a JSON object of workflow inputs, ${example}.`)
  }
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || typeof value === 'object') {
      throw new Rejection(
        `The Inputs property sets "${name}" to ${JSON.stringify(value)}; workflow inputs take a string, number or boolean.`
      )
    }
    inputs[name] = numbers.get(parsed)?.get(name) ?? String(value)
  }
  if (Object.hasOwn(inputs, jobIdInput)) {
    throw new Rejection(
      `The Inputs property sets "${jobIdInput}", the input the poll action fills with the CodePipeline job ID ` +
        '(job-id-input): remove it from Inputs.'
    )
  }
  const count = Object.keys(inputs).length + 1
  if (count > githubLimits.maxDispatchInputs) {
    throw new Rejection(
      `The Inputs property has ${count - 1} inputs; with the job ID that makes ${count}, and GitHub accepts at most ` +
        `${githubLimits.maxDispatchInputs} workflow_dispatch inputs. Pass fewer.`
    )
  }
  return inputs
}
