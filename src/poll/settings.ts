import { parseAwsSettings, type AwsSettings } from '../aws/settings.ts'
import { UserError } from '../errors.ts'
import type { RunContext } from '../github/context.ts'
import { boolean, integer, matching, oneOf, required, type InputReader } from '../inputs.ts'
import { codepipeline as limits, github as githubLimits } from '../limits.ts'
import { parseAllowedTargets, type TargetPattern } from './allowed-targets.ts'
import { parseReconcileSettings, type ReconcileSettings } from './reconcile-settings.ts'
import { refNameProblem } from './ref-name.ts'

export const MODES = ['dispatch', 'track'] as const
export type Mode = (typeof MODES)[number]

export interface ActionType {
  category: (typeof limits.categories)[number]
  owner: 'Custom'
  provider: string
  version: string
}

/** Where a job's workflow lives when its action configuration does not say. */
export interface Fallbacks {
  repository?: string
  workflow?: string
  ref?: string
}

/** Everything the poll action was asked to do, validated: no network call happens before this exists. */
export interface PollSettings {
  actionType: ActionType
  maxBatchSize: number
  queryParam?: Record<string, string>
  mode: Mode
  fallbacks: Fallbacks
  /** What jobs may start; by default only this repository's workflows. */
  allowedTargets: TargetPattern[]
  jobIdInput: string
  waitSeconds: number
  /** Looking after the runs earlier polls started: their jobs, their stopped pipelines, their queues. */
  reconcile: ReconcileSettings
  maxConcurrency: number
  dryRun: boolean
  githubToken: string
  apiUrl: string
  aws: AwsSettings
}

// An owner or repository name: one URL path segment, never `.` or `..` (a URL would resolve them away and
// send the call elsewhere, e.g. `../x` → another endpoint with the poller's token). `.github` is a fine name.
export const NAME_SEGMENT = String.raw`(?!\.\.?(?![\w.-]))[\w.-]+`
export const REPOSITORY = new RegExp(`^${NAME_SEGMENT}/${NAME_SEGMENT}$`)
// A workflow file name or numeric ID: the API takes either as one path segment (so neither `.` nor `..`).
export const WORKFLOW = /^(?!\.\.?$)[^/\s]+$/

// Our policy, not API limits: the longest wait a scheduled run should spend polling, and the time the jobs that
// arrive last need after it (the role session must cover both).
const waitSecondsRange = { min: 0, max: 3600 }
const HANDLING_SECONDS = 300

export function parsePollSettings(input: InputReader, env: NodeJS.ProcessEnv, run: RunContext): PollSettings {
  const provider = required(input, 'provider', 'name the custom action type to serve, e.g. GitHubActions.')
  if (!limits.provider.test(provider)) {
    throw new UserError(
      `Input provider is "${provider}"; use 1 to 35 characters of letters, digits, - and _.`
    )
  }
  const githubToken = input('github-token')
  if (!githubToken) {
    throw new UserError(
      'Input github-token is empty: pass a token that may start workflows in the target repositories ' +
        '(`actions: write`), e.g. ${{ secrets.DISPATCH_TOKEN }} or ${{ github.token }}.'
    )
  }
  const waitSeconds = integer(input, 'wait-seconds', waitSecondsRange, 0) as number
  const aws = parseAwsSettings(input, env, run.runId)
  // The role is assumed once per run: it must outlive the wait plus the time to answer what arrives last.
  if (aws.role && waitSeconds + HANDLING_SECONDS > aws.role.durationSeconds) {
    throw new UserError(
      `Input wait-seconds is ${waitSeconds}, but the role session lasts role-duration-seconds ` +
        `(${aws.role.durationSeconds}) and jobs need up to ${HANDLING_SECONDS} s after the wait. Set ` +
        `role-duration-seconds to at least ${waitSeconds + HANDLING_SECONDS} (within the role's maximum session ` +
        'duration), or lower wait-seconds.'
    )
  }
  return {
    actionType: {
      category: oneOf(input, 'category', limits.categories, 'Build'),
      owner: 'Custom',
      provider,
      version:
        matching(
          input,
          'version',
          limits.actionVersion,
          'use 1 to 9 characters of letters, digits, - and _'
        ) ?? '1'
    },
    maxBatchSize: integer(input, 'max-batch-size', limits.maxBatchSize, 10) as number,
    queryParam: parseQueryParam(input('query-param')),
    mode: oneOf(input, 'mode', MODES, 'dispatch'),
    fallbacks: {
      repository: matching(input, 'repository', REPOSITORY, 'use owner/name, e.g. octo-org/octo-repo'),
      workflow: matching(input, 'workflow', WORKFLOW, 'use the workflow file name (build.yml) or its ID'),
      ref: refInput(input('ref'))
    },
    allowedTargets: parseAllowedTargets(input('allowed-targets'), run.repository),
    jobIdInput:
      matching(
        input,
        'job-id-input',
        githubLimits.dispatchInputName,
        'use a workflow input name: a letter or _ followed by letters, digits, - and _'
      ) ?? 'codepipeline-job-id',
    waitSeconds,
    reconcile: parseReconcileSettings(input),
    maxConcurrency: integer(input, 'max-concurrency', githubLimits.concurrentRequests, 10) as number,
    dryRun: boolean(input, 'dry-run', false),
    githubToken,
    apiUrl: run.apiUrl,
    aws
  }
}

function refInput(ref: string): string | undefined {
  if (!ref) return undefined
  const problem = refNameProblem(ref)
  if (problem) {
    throw new UserError(
      `Input ref is ${JSON.stringify(ref)}, which is not a git branch or tag name (${problem}); use e.g. main.`
    )
  }
  return ref
}

/** `Key=Value`: the one configuration property CodePipeline can filter jobs on. */
function parseQueryParam(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined
  const eq = raw.indexOf('=')
  const key = raw.slice(0, eq).trim()
  const value = raw.slice(eq + 1).trim()
  if (eq <= 0 || !limits.queryParamKey.test(key) || !limits.queryParamValue.test(value)) {
    throw new UserError(
      `Input query-param is "${raw}"; use Key=Value, both 1 to 50 characters of letters, digits, - and _ ` +
        '(the key is a queryable property of the custom action type).'
    )
  }
  return { [key]: value }
}
