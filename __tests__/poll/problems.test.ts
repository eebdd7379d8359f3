import { expect, test } from '@jest/globals'
import { GitHubError } from '../../src/github/client.ts'
import { startProblem, trackProblem, untrackableProblem } from '../../src/poll/problems.ts'

const target = { owner: 'octo-org', repo: 'app', workflow: 'build.yml', ref: 'main', inputs: {} }
const gitHubError = (status: number | undefined, said: string, rateLimited = false) =>
  new GitHubError(`GitHub API x failed${status ? ` (HTTP ${status})` : ''}: ${said}`, status, {
    cause: new Error(`${said} - https://docs.github.com/rest/actions/workflows`),
    rateLimited
  })

test.each([
  [
    404,
    'dispatch',
    'ConfigurationError',
    'GitHub found no workflow "build.yml" in octo-org/app (HTTP 404: Not Found). Check the Workflow'
  ],
  [
    404,
    'read repository',
    'ConfigurationError',
    'GitHub found no repository octo-org/app (HTTP 404: Not Found). Check the Repository property'
  ],
  [
    422,
    'dispatch',
    'ConfigurationError',
    'GitHub refused to start workflow "build.yml" in octo-org/app at ref "main" (HTTP 422: Not Found). The workflow needs an `on: workflow_dispatch` trigger that declares the input "job"'
  ],
  [
    401,
    'dispatch',
    'PermissionError',
    "GitHub refused the poller's github-token (HTTP 401: Not Found): it is invalid or expired."
  ],
  [
    403,
    'dispatch',
    'PermissionError',
    "The poller's github-token may not start workflows in octo-org/app (HTTP 403: Not Found). Give it Actions: write on octo-org/app"
  ],
  [
    403,
    'read repository',
    'PermissionError',
    "The poller's github-token may not read octo-org/app (HTTP 403: Not Found). Give it Metadata: read"
  ],
  [
    502,
    'dispatch',
    'SystemUnavailable',
    'GitHub was unavailable when asked to start workflow "build.yml" in octo-org/app (GitHub API x failed (HTTP 502): Not Found); it was not asked again, so that no build starts twice. Retry the stage'
  ],
  [
    502,
    'read repository',
    'SystemUnavailable',
    'GitHub was unavailable, so workflow "build.yml" in octo-org/app was not started (GitHub API x failed (HTTP 502): Not Found). Retry the stage'
  ],
  [undefined, 'dispatch', 'SystemUnavailable', 'GitHub was unavailable']
] as const)('HTTP %s while %s → %s', (status, step, type, message) => {
  const problem = startProblem(gitHubError(status, 'Not Found'), step, target, 'job')
  expect(problem.type).toBe(type)
  expect(problem.message).toContain(message)
  expect(problem.message).not.toContain('docs.github.com')
})

test.each([403, 429])(
  'a rate limit that outlasted the retries (HTTP %s) is unavailability, not a missing permission',
  status => {
    const error = gitHubError(status, 'API rate limit exceeded for installation ID 1.', true)
    for (const step of ['dispatch', 'read repository'] as const) {
      expect(startProblem(error, step, target, 'job')).toEqual({
        type: 'SystemUnavailable',
        message:
          `GitHub rate-limited the poller's github-token, so workflow "build.yml" in octo-org/app was not started ` +
          `(GitHub API x failed (HTTP ${status}): API rate limit exceeded for installation ID 1.). Retry the stage ` +
          'once the limit resets; if this keeps happening, run the poller less often or give it a token with a ' +
          'rate limit of its own (a GitHub App installation).'
      })
    }
    // A tracked run is unaffected by a rate limit: the next poll looks again.
    expect(trackProblem(error, { owner: 'octo-org', repo: 'app', runId: 5 })).toBeUndefined()
  }
)

test('the client classifies rate limits: a 403 it did not flag is a missing permission', () => {
  const problem = startProblem(
    gitHubError(403, 'Resource not accessible by integration'),
    'dispatch',
    target,
    'job'
  )
  expect(problem.type).toBe('PermissionError')
})

test('an error that is not GitHub’s is treated as GitHub being unavailable', () => {
  expect(startProblem(new Error('socket hang up'), 'dispatch', target, 'job')).toMatchObject({
    type: 'SystemUnavailable',
    message: expect.stringContaining('(socket hang up)')
  })
})

test('reading a tracked run: 404 and 401/403 fail the job, anything else is retried at the next poll', () => {
  const run = { owner: 'octo-org', repo: 'app', runId: 5 }
  expect(trackProblem(gitHubError(404, 'Not Found'), run)).toEqual({
    type: 'ConfigurationError',
    message:
      "GitHub has no octo-org/app run 5 (HTTP 404: Not Found), or the poller's github-token cannot read it. " +
      'Give the token Actions: read on octo-org/app; if the run was deleted, retry the stage.'
  })
  expect(trackProblem(gitHubError(401, 'Bad credentials'), run)?.type).toBe('PermissionError')
  expect(trackProblem(gitHubError(403, 'Resource not accessible by integration'), run)?.message).toContain(
    "The poller's github-token may not read octo-org/app run 5 (HTTP 403: Resource not accessible by integration)"
  )
  expect(trackProblem(gitHubError(500, 'Server Error'), run)).toBeUndefined()
  expect(trackProblem(gitHubError(undefined, 'ECONNRESET'), run)).toBeUndefined()
})

test('a dispatch without run details cannot be tracked', () => {
  expect(untrackableProblem(target)).toMatchObject({
    type: 'ConfigurationError',
    message: expect.stringContaining(
      'Use mode: dispatch and report from the workflow with the report action.'
    )
  })
})
