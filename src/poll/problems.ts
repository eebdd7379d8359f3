import { errorMessage } from '../errors.ts'
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
  if (wasRateLimited(error)) {
    return {
      type: 'SystemUnavailable',
      message:
        `GitHub rate-limited the poller's github-token, so workflow "${target.workflow}" in ${repository} was ` +
        `not started (${errorMessage(error)}). Retry the stage once the limit resets; if this keeps happening, ` +
        'run the poller less often or give it a token with a rate limit of its own (a GitHub App installation).'
    }
  }
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
              `(${errorMessage(error)}); it was not asked again, so that no build starts twice. Retry the stage ` +
              'once GitHub answers again (https://www.githubstatus.com).'
            : `GitHub was unavailable, so workflow "${target.workflow}" in ${repository} was not started ` +
              `(${errorMessage(error)}). Retry the stage once GitHub answers again (https://www.githubstatus.com).`
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
  // A rate limit passes: like unavailability, it does not mean the token lacks a permission.
  if (wasRateLimited(error)) return undefined
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
  return error instanceof GitHubError ? error.status : undefined
}

/** The client classified it (a rate-limited 403 is no missing permission) and already retried it. */
function wasRateLimited(error: unknown): boolean {
  return error instanceof GitHubError && error.rateLimited
}

/** GitHub's own words (Octokit's message without the request), e.g. "Unexpected inputs provided: [...]". */
function gitHubSaid(error: unknown): string {
  if (!(error instanceof GitHubError) || error.cause === undefined) return ''
  const text = errorMessage(error.cause)
    .replace(/ - https:\/\/docs\.github\.com\S*$/, '')
    .trim()
  return text ? `: ${text}` : ''
}
