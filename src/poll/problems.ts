import { GitHubError } from '../github/client.ts'
import type { FailureType } from '../limits.ts'
import type { Target } from './job.ts'
import { describeRun, type TrackedRun } from './track.ts'

// GitHub's refusals → what CodePipeline is told, with the fix. Pure: the error comes in, a problem goes out.

export interface Problem {
  type: FailureType
  message: string
}

/** Why a workflow could not be started; `step` says whether reading the repository or the dispatch failed. */
export function startProblem(
  error: unknown,
  step: 'read repository' | 'dispatch',
  target: Target & { ref?: string },
  jobIdInput: string
): Problem {
  const repository = `${target.owner}/${target.repo}`
  const said = gitHubSaid(error)
  switch (statusOf(error)) {
    case 404:
      return {
        type: 'ConfigurationError',
        message:
          step === 'dispatch'
            ? `GitHub found no workflow "${target.workflow}" in ${repository} (HTTP 404${said}). Check the Workflow ` +
              `and Repository properties of the action, and that the poller's github-token can see ${repository}.`
            : `GitHub found no repository ${repository} (HTTP 404${said}). Check the Repository property of the ` +
              `action, and that the poller's github-token can see it.`
      }
    case 422:
      return {
        type: 'ConfigurationError',
        message:
          `GitHub refused to start workflow "${target.workflow}" in ${repository} at ref "${target.ref}" ` +
          `(HTTP 422${said}). The workflow needs an \`on: workflow_dispatch\` trigger that declares the input ` +
          `"${jobIdInput}" and every key of the Inputs property, and the ref must be a branch or tag that exists.`
      }
    case 401:
      return {
        type: 'PermissionError',
        message:
          `GitHub refused the poller's github-token (HTTP 401${said}): it is invalid or expired. ` +
          'Pass a valid token to the poll action.'
      }
    case 403:
      return {
        type: 'PermissionError',
        message:
          step === 'dispatch'
            ? `The poller's github-token may not start workflows in ${repository} (HTTP 403${said}). Give it ` +
              `Actions: write on ${repository} (a fine-grained token or GitHub App installation; a workflow's ` +
              'own GITHUB_TOKEN reaches only its own repository, with `permissions: actions: write`).'
            : `The poller's github-token may not read ${repository} (HTTP 403${said}). Give it Metadata: read ` +
              `on ${repository}, or set the Ref property so the default branch need not be looked up.`
      }
    default:
      return {
        type: 'SystemUnavailable',
        message:
          step === 'dispatch'
            ? `GitHub was unavailable when asked to start workflow "${target.workflow}" in ${repository} ` +
              `(${messageOf(error)}); it was not asked again, so that no build starts twice. Retry the stage ` +
              'once GitHub answers again (https://www.githubstatus.com).'
            : `GitHub was unavailable, so workflow "${target.workflow}" in ${repository} was not started ` +
              `(${messageOf(error)}). Retry the stage once GitHub answers again (https://www.githubstatus.com).`
      }
  }
}

/**
 * Why a tracked run could not be read. Undefined when GitHub was merely unavailable: the run itself is not
 * affected, so the action keeps running and the next poll looks again.
 */
export function trackProblem(error: unknown, run: TrackedRun): Problem | undefined {
  const said = gitHubSaid(error)
  const repository = `${run.owner}/${run.repo}`
  switch (statusOf(error)) {
    case 404:
      return {
        type: 'ConfigurationError',
        message:
          `GitHub has no ${describeRun(run)} (HTTP 404${said}), or the poller's github-token cannot read it. ` +
          `Give the token Actions: read on ${repository}; if the run was deleted, retry the stage.`
      }
    case 401:
    case 403:
      return {
        type: 'PermissionError',
        message:
          `The poller's github-token may not read ${describeRun(run)} (HTTP ${statusOf(error)}${said}). ` +
          `Pass a valid token with Actions: read on ${repository}.`
      }
    default:
      return undefined
  }
}

/** Track mode follows the run it started; a server that does not say which run that is cannot be tracked. */
export function untrackableProblem(target: Target & { ref: string }): Problem {
  return {
    type: 'ConfigurationError',
    message:
      `GitHub started workflow "${target.workflow}" in ${target.owner}/${target.repo} at "${target.ref}" but did ` +
      'not return the run (return_run_details is unsupported, e.g. on an older GitHub Enterprise Server), so ' +
      'track mode cannot follow it. Use mode: dispatch and report from the workflow with the report action.'
  }
}

function statusOf(error: unknown): number | undefined {
  if (!(error instanceof GitHubError)) return undefined
  // An exhausted rate limit comes back as 403 too; it passes, so it is unavailability, not a missing permission.
  if (error.status === 403 && /rate limit/i.test(error.message)) return 429
  return error.status
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** GitHub's own words (Octokit's message without the request), e.g. "Unexpected inputs provided: [...]". */
function gitHubSaid(error: unknown): string {
  const cause = error instanceof GitHubError ? (error.cause as Error | undefined) : undefined
  const text = cause?.message?.replace(/ - https:\/\/docs\.github\.com\S*$/, '').trim()
  return text ? `: ${text}` : ''
}
