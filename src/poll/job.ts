import type { Job } from '@aws-sdk/client-codepipeline'
import { pipelineContext, type PipelineContext } from '../aws/pipeline-context.ts'
import { github as githubLimits } from '../limits.ts'
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
  | { kind: 'track'; run: TrackedRun }
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

export function planJob(job: Job, settings: Pick<PollSettings, 'fallbacks' | 'jobIdInput'>): JobPlan {
  const jobId = job.id ?? ''
  const configuration = job.data?.actionConfiguration?.configuration ?? {}
  const named: Named = {
    repository: configuration.Repository || settings.fallbacks.repository,
    workflow: configuration.Workflow || settings.fallbacks.workflow,
    ref: configuration.Ref || settings.fallbacks.ref
  }
  // A continuation job is always tracked, whatever the mode: starting its workflow again would run the build twice.
  const token = job.data?.continuationToken
  const action = rejectionsCaught(() =>
    token
      ? { kind: 'track', run: trackedRun(token) }
      : { kind: 'dispatch', target: target(named, configuration.Inputs, settings.jobIdInput, jobId) }
  )
  if (action.kind === 'track') named.repository = `${action.run.owner}/${action.run.repo}`
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

function trackedRun(token: string): TrackedRun {
  const run = parseRunToken(token)
  if (run) return run
  const shown = token.length > 100 ? `${token.slice(0, 100)}…` : token
  throw new Rejection(
    `This job carries the continuation token "${shown}", which the poll action did not issue (it issues ` +
      `"gha-run:1:owner/repo:runID" in track mode), so it cannot tell which GitHub run to follow. ` +
      'Make sure only the poll action answers jobs of this action type with a continuation token, then retry the stage.'
  )
}

function target(named: Named, rawInputs: string | undefined, jobIdInput: string, jobId: string): Target {
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
  const [owner, repo] = repository.split('/')
  const inputs = { [jobIdInput]: jobId, ...extraInputs(rawInputs, jobIdInput) }
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
