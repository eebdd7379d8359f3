// The poller as a confused deputy, attacked the ways issue 8 lists, through the bundled poll action: whoever edits
// a pipeline controls Repository, Workflow, Ref and Inputs, and whoever can report on a job controls its
// continuation token. None of that may start, read or print what the poller was not told to.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  DISPATCH_ROUTE,
  REPO,
  jobsOutput,
  logOf,
  queue,
  reported,
  requestsFor,
  runPoll,
  startPollEmulator
} from './poll-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startPollEmulator()
  emu.github.addRepo('octo-org/secrets')
  emu.github.addWorkflow('octo-org/secrets', { file: 'build.yml', inputs: { 'codepipeline-job-id': {} } })
})
afterEach(() => emu.close())

const gitHubPaths = () => emu.requests.filter(r => r.service === 'github').map(r => `${r.method} ${r.path}`)

test('a target outside allowed-targets is failed with ConfigurationError and nothing is dispatched', async () => {
  const job = queue(emu, {
    configuration: { Repository: 'octo-org/secrets', Workflow: 'build.yml', Ref: 'main' }
  })
  const result = await runPoll(emu)
  expect(result.exitCode).toBe(0)
  expect(reported(emu, job.id)).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining('The poll action may not start octo-org/secrets/build.yml@main')
    }
  })
  expect(emu.github.dispatches).toEqual([])
  // Not even read: the poller's token never touches a repository it was not told about (it lists the runs of
  // its own, which allowed-targets admits by default, to reconcile them).
  expect(gitHubPaths()).toEqual(['GET /repos/octo-org/octo-repo/actions/runs'])
})

test('a target in allowed-targets, but on a ref the line does not allow, is refused after the default branch is read', async () => {
  emu.github.addRepo('octo-org/trunky', { defaultBranch: 'trunk' })
  emu.github.addWorkflow('octo-org/trunky', { file: 'build.yml', inputs: { 'codepipeline-job-id': {} } })
  const job = queue(emu, { configuration: { Repository: 'octo-org/trunky', Workflow: 'build.yml', Ref: '' } })
  const result = await runPoll(emu, { 'allowed-targets': 'octo-org/trunky/build.yml@main' })
  expect(result.exitCode).toBe(0)
  expect(reported(emu, job.id)).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining('may not start octo-org/trunky/build.yml@trunk')
    }
  })
  expect(emu.github.dispatches).toEqual([])
})

test('a Ref with a line break cannot inject workflow commands into the poller log', async () => {
  const job = queue(emu, {
    configuration: {
      Repository: REPO,
      Workflow: 'build.yml',
      Ref: 'main\n::stop-commands::pwned\n::add-mask::x'
    }
  })
  const result = await runPoll(emu)
  expect(result.exitCode).toBe(0)
  expect(reported(emu, job.id)).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining('not a git branch or tag name')
    }
  })
  expect(emu.github.dispatches).toEqual([])
  // No line of the log is a command the pipeline editor wrote; the job's warning is still a live command.
  // The match is exact: the action's own masks of random credentials may also begin with an x.
  expect(
    result.stdout.split('\n').filter(line => /^\s*::(stop-commands::pwned|add-mask::x)\s*$/.test(line))
  ).toEqual([])
  expect(result.commands.map(c => c.command)).not.toContain('stop-commands')
  expect(result.commands).toContainEqual(
    expect.objectContaining({ command: 'warning', message: expect.stringContaining(`Job ${job.id}`) })
  )
  expect(jobsOutput(result)[0].ref).toBe(JSON.stringify('main\n::stop-commands::pwned\n::add-mask::x'))
})

test('a continuation token naming another repository is refused and that repository is never read', async () => {
  const job = queue(emu, {
    configuration: { Repository: REPO, Workflow: 'build.yml' },
    continuationToken: 'gha-run:1:octo-org/secrets:1658821999'
  })
  // Reconciliation lists the allowed repositories' runs; here only what the token names is at stake.
  const result = await runPoll(emu, {
    'allowed-targets': `${REPO}\nocto-org/secrets`,
    'reconcile-hours': '0'
  })
  expect(result.exitCode).toBe(0)
  expect(reported(emu, job.id)).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining(
        `names a run in octo-org/secrets, but the job's Repository is "${REPO}"`
      )
    }
  })
  expect(gitHubPaths()).toEqual([])
})

test('a continuation token naming a run of another workflow in the same repository is refused', async () => {
  emu.github.addWorkflow(REPO, { file: 'release.yml', inputs: {} })
  const other = emu.github.addRun(REPO, {
    id: 1658821777,
    name: 'Release',
    workflow: 'release.yml',
    status: 'completed',
    conclusion: 'success',
    jobs: []
  })
  const job = queue(emu, {
    configuration: { Repository: REPO, Workflow: 'build.yml' },
    continuationToken: `gha-run:1:${REPO}:${other.id}`
  })
  const result = await runPoll(emu)
  expect(result.exitCode).toBe(0)
  expect(reported(emu, job.id)).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: expect.stringContaining(
        `a run of workflow "release.yml", but the job's Workflow is "build.yml"`
      )
    }
  })
})

test('a hung GitHub API is given up on after the request timeout, and the job is still answered', async () => {
  const job = queue(emu)
  emu.faults.add({ service: 'github', operation: DISPATCH_ROUTE, kind: 'delay', delayMs: 45_000 })
  const result = await runPoll(emu, {}, { timeoutMs: 80_000 })
  expect(result.exitCode).toBe(0)
  expect(result.durationMs).toBeLessThan(44_000)
  expect(emu.codepipeline.job(job.id)?.state).toBe('Failed')
  expect(logOf(result)).toContain('timeout')
}, 90_000)

test('SIGTERM while acknowledged jobs wait to be started fails each of them as SystemUnavailable, never starts them', async () => {
  // Without a Ref, each job's default branch is read first; GitHub hangs there, so all three are held.
  const jobs = [1, 2, 3].map(() =>
    queue(emu, { configuration: { Repository: REPO, Workflow: 'build.yml', Ref: '' } })
  )
  const dispatches = emu.github.dispatches.length
  emu.faults.add({
    service: 'github',
    operation: 'GET /repos/{owner}/{repo}',
    kind: 'delay',
    delayMs: 20_000
  })
  const result = await runPoll(
    emu,
    {},
    {
      whileRunning: async child => {
        await requestsFor(emu, 'AcknowledgeJob', 3)
        await requestsFor(emu, 'GET /repos/{owner}/{repo}', 1)
        child.kill('SIGTERM')
      }
    }
  )
  expect(result.exitCode).toBe(1)
  for (const job of jobs) {
    expect(reported(emu, job.id)).toMatchObject({
      failureDetails: {
        type: 'SystemUnavailable',
        message: expect.stringContaining('The poll action was stopped (SIGTERM')
      }
    })
  }
  expect(emu.github.dispatches.length).toBe(dispatches)
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'error',
      message: expect.stringContaining(
        '3 acknowledged job(s) not yet started were failed as SystemUnavailable'
      )
    })
  )
  expect(result.durationMs).toBeLessThan(15_000)
}, 30_000)

test("SIGTERM while dispatches hang leaves those jobs to their workflows and exits within the runner's grace", async () => {
  const jobs = [1, 2].map(() => queue(emu))
  emu.faults.add({ service: 'github', operation: DISPATCH_ROUTE, kind: 'delay', delayMs: 20_000, times: 2 })
  const result = await runPoll(
    emu,
    {},
    {
      whileRunning: async child => {
        await requestsFor(emu, DISPATCH_ROUTE, 2)
        child.kill('SIGTERM')
      }
    }
  )
  expect(result.exitCode).toBe(1)
  // GitHub was asked to start them: failing them too would give each job a second outcome.
  for (const job of jobs) expect(reported(emu, job.id)).toBeUndefined()
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'error',
      message: expect.stringContaining(
        'No acknowledged job was waiting to be started. Calls still in flight were abandoned at exit.'
      )
    })
  )
  expect(result.durationMs).toBeLessThan(8_000)
}, 30_000)
