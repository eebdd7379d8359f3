// Jobs the bundled poll action cannot start: each is failed at once with the fitting type and the fix, and the
// step still succeeds because CodePipeline was told.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  DISPATCH_ROUTE,
  REPO,
  expectNoSecrets,
  jobsOutput,
  logOf,
  queue,
  reported,
  runPoll,
  startPollEmulator
} from './poll-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startPollEmulator()
})
afterEach(() => emu.close())

function failureOf(jobId: string): { type: string; message: string } {
  const request = reported(emu, jobId)
  expect(request).toBeDefined()
  return request?.failureDetails as { type: string; message: string }
}

describe('poll action: jobs that cannot be started', () => {
  it('fails each misconfigured job as a ConfigurationError naming what to fix, and starts the good one', async () => {
    const noWorkflow = queue(emu, { configuration: { Repository: REPO, Workflow: 'missing.yml' } })
    const undeclared = queue(emu, {
      configuration: { Repository: REPO, Workflow: 'build.yml', Inputs: '{"environment": "prod"}' }
    })
    const badJson = queue(emu, {
      configuration: { Repository: REPO, Workflow: 'build.yml', Inputs: '{"environment": prod}' }
    })
    const nested = queue(emu, {
      configuration: { Repository: REPO, Workflow: 'build.yml', Inputs: '{"matrix": ["a", "b"]}' }
    })
    const noRepository = queue(emu, { configuration: { Repository: '', Workflow: 'build.yml' } })
    const noBranch = queue(emu, { configuration: { Repository: REPO, Workflow: 'build.yml', Ref: 'nope' } })
    const good = queue(emu)

    const result = await runPoll(emu)

    expect(result.exitCode).toBe(0)
    expect(emu.github.dispatches.map(d => d.inputs['codepipeline-job-id'])).toEqual([good.id])
    expect(result.outputs).toMatchObject({ dispatched: '1', failed: '6' })

    expect(failureOf(noWorkflow.id)).toEqual({
      type: 'ConfigurationError',
      message:
        `GitHub found no workflow "missing.yml" in ${REPO} (HTTP 404: Not Found). Check the Workflow and ` +
        `Repository properties of the action, and that the poller's github-token can see ${REPO}.`
    })
    expect(failureOf(undeclared.id)).toMatchObject({ type: 'ConfigurationError' })
    expect(failureOf(undeclared.id).message).toContain(
      `GitHub refused to start workflow "build.yml" in ${REPO} at ref "main" (HTTP 422: Unexpected inputs provided: ["environment"]). ` +
        'The workflow needs an `on: workflow_dispatch` trigger that declares the input "codepipeline-job-id" and every key of the Inputs property'
    )
    expect(failureOf(badJson.id)).toMatchObject({ type: 'ConfigurationError' })
    expect(failureOf(badJson.id).message).toMatch(
      /^The Inputs property is not valid JSON \(Unexpected token 'p'\): write a JSON object/
    )
    expect(failureOf(nested.id)).toEqual({
      type: 'ConfigurationError',
      message:
        'The Inputs property sets "matrix" to ["a","b"]; workflow inputs take a string, number or boolean.'
    })
    expect(failureOf(noRepository.id).message).toBe(
      'The action configuration has no Repository, and the poll action has no repository input: set the ' +
        'Repository property of this action in the pipeline to owner/name, e.g. octo-org/octo-repo.'
    )
    expect(failureOf(noBranch.id).message).toContain('(HTTP 422: No ref found for: nope)')

    const log = logOf(result)
    for (const job of [noWorkflow, undeclared, badJson, nested, noRepository, noBranch]) {
      expect(result.commands).toContainEqual(
        expect.objectContaining({ command: 'warning', message: expect.stringContaining(`Job ${job.id} `) })
      )
    }
    expect(log).toContain(
      `Job ${good.id} (my-pipeline / Build / GitHubActions) → ${REPO} build.yml@main: dispatched`
    )
    expect(jobsOutput(result).find(j => j.jobId === noWorkflow.id)).toMatchObject({
      result: 'failed',
      detail: expect.stringContaining('ConfigurationError: GitHub found no workflow "missing.yml"')
    })
    expectNoSecrets(emu, result)
  })

  it('a token GitHub refuses (401) is a PermissionError', async () => {
    const job = queue(emu)
    const result = await runPoll(emu, { 'github-token': 'ghp_not-a-real-token' })

    expect(result.exitCode).toBe(0)
    expect(failureOf(job.id)).toEqual({
      type: 'PermissionError',
      message:
        "GitHub refused the poller's github-token (HTTP 401: Bad credentials): it is invalid or expired. " +
        'Pass a valid token to the poll action.'
    })
    expect(result.masked).toContain('ghp_not-a-real-token')
    expect(logOf(result)).not.toContain('ghp_not-a-real-token')
  })

  it('a token without Actions: write (403) is a PermissionError that says which permission', async () => {
    emu.github.addToken('ghs_readonly', { permissions: { actions: 'read' } })
    const job = queue(emu)
    const result = await runPoll(emu, { 'github-token': 'ghs_readonly' })

    expect(result.exitCode).toBe(0)
    expect(failureOf(job.id)).toMatchObject({ type: 'PermissionError' })
    expect(failureOf(job.id).message).toContain(
      `The poller's github-token may not start workflows in ${REPO} (HTTP 403: Resource not accessible by integration). ` +
        `Give it Actions: write on ${REPO}`
    )
  })

  it('a repository the token cannot see (404 on the default-branch lookup) is a ConfigurationError', async () => {
    emu.github.addToken('ghs_elsewhere', {
      permissions: { actions: 'write' },
      repositories: ['octo-org/elsewhere']
    })
    const job = queue(emu, { configuration: { Repository: REPO, Workflow: 'build.yml', Ref: '' } })
    const result = await runPoll(emu, { 'github-token': 'ghs_elsewhere' })

    expect(failureOf(job.id)).toEqual({
      type: 'ConfigurationError',
      message:
        `GitHub found no repository ${REPO} (HTTP 404: Not Found). Check the Repository property of the action, ` +
        "and that the poller's github-token can see it."
    })
    expect(result.exitCode).toBe(0)
  })

  it('GitHub failing a dispatch is SystemUnavailable and is not retried, so no build can start twice', async () => {
    const job = queue(emu)
    emu.faults.add({
      service: 'github',
      operation: DISPATCH_ROUTE,
      kind: 'server-error',
      status: 503,
      times: 2
    })

    const result = await runPoll(emu, { 'max-attempts': '3' })

    expect(result.exitCode).toBe(0)
    expect(emu.requests.filter(r => r.operation === DISPATCH_ROUTE)).toHaveLength(1)
    expect(emu.github.dispatches).toEqual([])
    expect(failureOf(job.id)).toMatchObject({ type: 'SystemUnavailable' })
    expect(failureOf(job.id).message).toMatch(
      /^GitHub was unavailable when asked to start workflow "build.yml" in octo-org\/octo-repo \(.*HTTP 503.*\); it was not asked again, so that no build starts twice\. Retry the stage/
    )
  })

  it.each([429, 403])(
    'a rate-limited dispatch (HTTP %s: GitHub did nothing) is retried and the workflow starts once',
    async status => {
      const job = queue(emu)
      emu.faults.add({ service: 'github', operation: DISPATCH_ROUTE, kind: 'throttle', status })

      const result = await runPoll(emu)

      expect(result.exitCode).toBe(0)
      expect(emu.requests.filter(r => r.operation === DISPATCH_ROUTE)).toHaveLength(2)
      expect(emu.github.dispatches).toHaveLength(1)
      expect(emu.github.dispatches[0].inputs).toEqual({ 'codepipeline-job-id': job.id })
    }
  )

  it('a rate limit that outlasts the retries is SystemUnavailable saying so, never a PermissionError', async () => {
    const job = queue(emu)
    emu.faults.add({ service: 'github', operation: DISPATCH_ROUTE, kind: 'throttle', status: 403, times: 2 })

    const result = await runPoll(emu, { 'max-attempts': '2' })

    expect(result.exitCode).toBe(0)
    expect(emu.requests.filter(r => r.operation === DISPATCH_ROUTE)).toHaveLength(2)
    expect(emu.github.dispatches).toEqual([])
    expect(failureOf(job.id)).toEqual({
      type: 'SystemUnavailable',
      message: expect.stringMatching(
        /^GitHub rate-limited the poller's github-token, so workflow "build\.yml" in octo-org\/octo-repo was not started \(.*HTTP 403.*API rate limit exceeded.*\)\. Retry the stage once the limit resets/
      )
    })
  })

  it('a continuation token the poller did not issue is a ConfigurationError, never a second dispatch', async () => {
    const job = queue(emu, { continuationToken: 'made-up-by-someone-else' })
    const result = await runPoll(emu)

    expect(emu.github.dispatches).toEqual([])
    expect(failureOf(job.id)).toMatchObject({ type: 'ConfigurationError' })
    expect(failureOf(job.id).message).toContain(
      'This job carries the continuation token "made-up-by-someone-else", which the poll action did not issue'
    )
    expect(result.exitCode).toBe(0)
  })
})
