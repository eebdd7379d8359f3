// The GitHub client's retry policy against the emulator (real Octokit, real HTTP): what is retried, how long it
// waits, and how a failure is classified for the messages that follow.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import {
  connectGitHub,
  GitHubError,
  isRateLimited,
  RATE_LIMIT_WAIT_MAX_MS,
  type GitHubClient
} from '../../src/github/client.ts'
import { dispatchWorkflow } from '../../src/github/dispatch.ts'

const REPO = { owner: 'octo-org', repo: 'app' }
const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'
const READ = 'GET /repos/{owner}/{repo}'

let emu: Emulator
let waits: number[]
let github: GitHubClient

beforeEach(async () => {
  emu = await startEmulator()
  emu.github.addRepo('octo-org/app')
  emu.github.addWorkflow('octo-org/app', { file: 'build.yml', inputs: { job: {} } })
  waits = []
  github = await connectGitHub(emu.github.token, emu.urls.github, 3, async ms => {
    waits.push(ms)
  })
})
afterEach(() => emu.close())

const dispatch = () =>
  dispatchWorkflow(github, { ...REPO, workflow: 'build.yml', ref: 'main', inputs: { job: 'x' } })
const readRepository = () => github.call('read repository', o => o.rest.repos.get(REPO))
const sent = (operation: string) => emu.requests.filter(r => r.operation === operation).length

async function failure(p: Promise<unknown>): Promise<GitHubError> {
  try {
    await p
  } catch (error) {
    if (error instanceof GitHubError) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('GitHub client: rate limits', () => {
  it.each([429, 403])(
    'a rate-limited dispatch (HTTP %s: GitHub did nothing) is retried, and the workflow starts once',
    async status => {
      emu.faults.add({ service: 'github', operation: DISPATCH, kind: 'throttle', status })

      await expect(dispatch()).resolves.toMatchObject({ runId: expect.any(Number) })

      expect(sent(DISPATCH)).toBe(2)
      expect(emu.github.dispatches).toHaveLength(1)
    }
  )

  it('a 403 that is no rate limit is not retried', async () => {
    emu.github.addToken('ghs_read', { permissions: { actions: 'read' } })
    const reader = await connectGitHub('ghs_read', emu.urls.github, 3, async ms => {
      waits.push(ms)
    })

    const error = await failure(
      dispatchWorkflow(reader, { ...REPO, workflow: 'build.yml', ref: 'main', inputs: {} })
    )

    expect(error).toMatchObject({ status: 403, rateLimited: false })
    expect(sent(DISPATCH)).toBe(1)
    expect(waits).toEqual([])
  })

  it('waits as long as retry-after asks (not less), up to the budget', async () => {
    emu.faults.add({
      service: 'github',
      operation: READ,
      kind: 'throttle',
      status: 403,
      retryAfterSeconds: 7
    })

    await expect(readRepository()).resolves.toMatchObject({ data: { default_branch: 'main' } })

    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThanOrEqual(7000)
    expect(waits[0]).toBeLessThan(7000 + 1000)
  })

  it('a rate limit that lifts later than the budget allows fails at once, flagged and saying how long', async () => {
    const seconds = RATE_LIMIT_WAIT_MAX_MS / 1000 + 1
    emu.faults.add({
      service: 'github',
      operation: READ,
      kind: 'throttle',
      status: 403,
      retryAfterSeconds: seconds
    })

    const error = await failure(readRepository())

    expect(sent(READ)).toBe(1)
    expect(waits).toEqual([])
    expect(error).toMatchObject({ status: 403, rateLimited: true })
    expect(error.message).toBe(
      `GitHub API read repository failed (HTTP 403): API rate limit exceeded for installation. - ` +
        `https://docs.github.com/rest (GitHub asked to wait ${seconds} s)`
    )
  })

  it('the waits of one call stay within the budget in all', async () => {
    const seconds = RATE_LIMIT_WAIT_MAX_MS / 1000 / 2
    emu.faults.add({
      service: 'github',
      operation: READ,
      kind: 'throttle',
      status: 429,
      retryAfterSeconds: seconds,
      times: 3
    })
    const patient = await connectGitHub(emu.github.token, emu.urls.github, 10, async ms => {
      waits.push(ms)
    })

    const error = await failure(patient.call('read repository', o => o.rest.repos.get(REPO)))

    expect(waits).toHaveLength(2)
    expect(sent(READ)).toBe(3)
    expect(error.rateLimited).toBe(true)
  })

  it('a used-up limit without retry-after waits for x-ratelimit-reset', async () => {
    const limited = {
      status: 403,
      message: 'Forbidden',
      response: {
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30)
        }
      }
    }
    let calls = 0
    const answer = await github.call('x', async () => {
      if (++calls === 1) throw limited
      return 'done'
    })

    expect(answer).toBe('done')
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThan(28_000)
    expect(waits[0]).toBeLessThanOrEqual(30_000)
  })

  it('a secondary limit without retry-after waits a minute, as GitHub asks, then gives up past the budget', async () => {
    const secondary = {
      status: 403,
      message: 'You have exceeded a secondary rate limit.',
      response: { headers: { 'x-ratelimit-remaining': '4000' } }
    }
    let calls = 0
    const answer = await github.call('x', async () => {
      if (++calls === 1) throw secondary
      return 'done'
    })
    expect(answer).toBe('done')
    expect(waits).toEqual([60_000])

    const again = await failure(github.call('y', async () => Promise.reject(secondary)))
    expect(again.rateLimited).toBe(true)
    expect(again.message).toContain('(GitHub asked to wait 60 s)')
  })

  it('classifies 429, and 403 for a used-up or secondary limit, as rate limits', () => {
    const headers = (remaining: string) => ({ response: { headers: { 'x-ratelimit-remaining': remaining } } })
    expect(isRateLimited({ status: 403, message: 'Forbidden', ...headers('0') })).toBe(true)
    expect(isRateLimited({ status: 403, message: 'Forbidden', ...headers('12') })).toBe(false)
    expect(isRateLimited({ status: 403, message: 'You have exceeded a secondary rate limit.' })).toBe(true)
    expect(isRateLimited({ status: 429, message: '' })).toBe(true)
    expect(isRateLimited({ status: 500, message: 'rate limit' })).toBe(false)
    expect(isRateLimited(undefined)).toBe(false)
  })
})
