// The GitHub client's retry policy (Octokit with plugin-retry and plugin-throttling, real HTTP) against the
// emulator, and against a scripted server for the rate-limit answers the emulator does not give (a secondary
// limit, exact reset times): what is retried, how long it is asked to wait, and the error the caller sees.
// Rate-limit waits go through an injected sleep that only records; plugin-retry's backoff is shrunk to 1 ms units.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import {
  connectGitHub,
  GitHubError,
  isRateLimited,
  RATE_LIMIT_WAIT_MAX_MS,
  REQUEST_TIMEOUT_MS,
  type GitHubClient,
  type Pace
} from '../../src/github/client.ts'
import { dispatchWorkflow } from '../../src/github/dispatch.ts'

const REPO = { owner: 'octo-org', repo: 'app' }
const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'
const READ = 'GET /repos/{owner}/{repo}'
const FAST: Pace = { backoffUnitMs: 1, requestTimeoutMs: REQUEST_TIMEOUT_MS }
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

let emu: Emulator
let waits: number[]
let github: GitHubClient
const recordWait = async (ms: number) => {
  waits.push(ms)
}
const connect = (attempts: number, url = emu.urls.github, pace = FAST, token = emu.github.token) =>
  connectGitHub(token, url, attempts, recordWait, pace)

beforeEach(async () => {
  emu = await startEmulator()
  emu.github.addRepo('octo-org/app')
  emu.github.addWorkflow('octo-org/app', { file: 'build.yml', inputs: { job: {} } })
  waits = []
  github = await connect(3)
})
afterEach(() => emu.close())

const dispatch = (client = github, inputs: Record<string, string> = { job: 'x' }) =>
  dispatchWorkflow(client, { ...REPO, workflow: 'build.yml', ref: 'main', inputs })
const readRepository = (client = github) => client.call('read repository', o => o.rest.repos.get(REPO))
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

interface Scripted {
  status: number
  headers?: Record<string, string>
  message?: string
}

/** A GitHub stand-in giving these answers in turn ('ok': the repository, as after the last); it counts requests. */
async function scriptedGitHub(
  answers: (Scripted | 'ok')[]
): Promise<{ url: string; requests: () => number }> {
  let count = 0
  const server = createServer((req: IncomingMessage, res) => {
    const next = answers[count++]
    const answer = next === 'ok' ? undefined : next
    req.resume()
    const body = answer
      ? { message: answer.message, documentation_url: 'https://docs.github.com/rest' }
      : { full_name: 'octo-org/app', default_branch: 'main' }
    res.writeHead(answer?.status ?? 200, { 'content-type': 'application/json', ...answer?.headers })
    res.end(JSON.stringify(body))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise(resolve => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count }
}
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map(close => close()))
})

/** x-ratelimit-reset (whole seconds since the epoch) this many seconds from now. */
const resetIn = (seconds: number) => String(Math.floor(Date.now() / 1000) + seconds)

describe('GitHub client: 5xx, dropped connections and timeouts', () => {
  it('a 5xx is retried until it succeeds', async () => {
    emu.faults.add({ service: 'github', operation: READ, kind: 'server-error', status: 503, times: 2 })

    await expect(readRepository()).resolves.toMatchObject({ data: { default_branch: 'main' } })

    expect(sent(READ)).toBe(3)
    expect(waits).toEqual([])
  })

  it('a 5xx that outlasts max-attempts fails with the status and what GitHub said', async () => {
    emu.faults.add({ service: 'github', operation: READ, kind: 'server-error', status: 502, times: 3 })

    const error = await failure(readRepository())

    expect(sent(READ)).toBe(3)
    expect(error).toMatchObject({ status: 502, rateLimited: false })
    expect(error.message).toBe(
      'GitHub API read repository failed (HTTP 502): Server Error - https://docs.github.com/rest'
    )
  })

  it('a dropped connection is retried', async () => {
    emu.faults.add({ service: 'github', operation: READ, kind: 'drop' })

    await expect(readRepository()).resolves.toMatchObject({ data: { default_branch: 'main' } })

    expect(sent(READ)).toBe(2)
  })

  it('a request that hangs past the timeout is given up on and retried', async () => {
    const quick = await connect(2, emu.urls.github, { backoffUnitMs: 1, requestTimeoutMs: 1000 })
    emu.faults.add({ service: 'github', operation: READ, kind: 'delay', delayMs: 2500, times: 2 })

    const error = await failure(readRepository(quick))

    expect(sent(READ)).toBe(2)
    expect(error.status).toBe(500)
    expect(timedOut(error)).toBe(true)
  })
})

describe('GitHub client: rate limits', () => {
  it('a used-up limit (emulator: 429, x-ratelimit-remaining 0) waits for the reset, then succeeds', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      emu.faults.add({ service: 'github', operation: READ, kind: 'throttle', retryAfterSeconds: 20 })

      await expect(readRepository()).resolves.toMatchObject({ data: { default_branch: 'main' } })

      expect(sent(READ)).toBe(2)
      // Until x-ratelimit-reset, plus the second plugin-throttling adds to land after it.
      expect(waits).toHaveLength(1)
      expect([20_000, 21_000]).toContain(waits[0])
      expect(write).toHaveBeenCalledWith(
        expect.stringMatching(
          /^GitHub rate limit on read repository: waiting 2[01] s, as GitHub asks, before trying again\./
        )
      )
    } finally {
      write.mockRestore()
    }
  })

  it('a used-up limit on a 403 (x-ratelimit-remaining 0, no retry-after) waits for x-ratelimit-reset', async () => {
    const server = await scriptedGitHub([
      {
        status: 403,
        message: 'API rate limit exceeded for installation ID 1.',
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetIn(30) }
      }
    ])

    await expect(readRepository(await connect(3, server.url))).resolves.toMatchObject({
      data: { default_branch: 'main' }
    })

    expect(server.requests()).toBe(2)
    expect(waits).toHaveLength(1)
    expect([30_000, 31_000]).toContain(waits[0])
  })

  it.each([429, 403])(
    'a secondary limit (HTTP %s) waits as long as retry-after asks, then succeeds',
    async status => {
      const server = await scriptedGitHub([{ status, message: SECONDARY, headers: { 'retry-after': '7' } }])

      await expect(readRepository(await connect(3, server.url))).resolves.toMatchObject({
        data: { default_branch: 'main' }
      })

      expect(server.requests()).toBe(2)
      expect(waits).toEqual([7000])
    }
  )

  it('a secondary limit without retry-after waits a minute, as GitHub asks', async () => {
    const server = await scriptedGitHub([{ status: 403, message: SECONDARY }])

    await expect(readRepository(await connect(3, server.url))).resolves.toBeTruthy()

    expect(waits).toEqual([60_000])
  })

  it('a limit that lifts later than the budget allows fails at once, flagged and saying how long', async () => {
    const seconds = RATE_LIMIT_WAIT_MAX_MS / 1000 + 1
    const server = await scriptedGitHub([
      { status: 403, message: SECONDARY, headers: { 'retry-after': String(seconds) } }
    ])

    const error = await failure(readRepository(await connect(3, server.url)))

    expect(server.requests()).toBe(1)
    expect(waits).toEqual([])
    expect(error).toMatchObject({ status: 403, rateLimited: true })
    expect(error.message).toBe(
      `GitHub API read repository failed (HTTP 403): ${SECONDARY} - https://docs.github.com/rest ` +
        `(GitHub asked to wait ${seconds} s)`
    )
  })

  it('a used-up limit that resets too late fails at once too (emulator, 403)', async () => {
    emu.faults.add({
      service: 'github',
      operation: READ,
      kind: 'throttle',
      status: 403,
      retryAfterSeconds: 90
    })

    const error = await failure(readRepository())

    expect(sent(READ)).toBe(1)
    expect(waits).toEqual([])
    expect(error).toMatchObject({ status: 403, rateLimited: true })
    expect(error.message).toMatch(
      /^GitHub API read repository failed \(HTTP 403\): API rate limit exceeded for installation\. - \S+ \(GitHub asked to wait 9[01] s\)$/
    )
  })

  it('the waits of one call stay within the budget in all', async () => {
    const seconds = String(RATE_LIMIT_WAIT_MAX_MS / 1000 / 2 - 5)
    const limited = { status: 429, message: SECONDARY, headers: { 'retry-after': seconds } }
    const server = await scriptedGitHub([limited, limited, limited])

    const error = await failure(readRepository(await connect(10, server.url)))

    expect(waits).toEqual([25_000, 25_000])
    expect(server.requests()).toBe(3)
    expect(error.rateLimited).toBe(true)
    expect(error.message).toMatch(/\(GitHub asked to wait 25 s\)$/)
  })

  it('the budget is per call: the next call may wait again', async () => {
    const limited = { status: 429, message: SECONDARY, headers: { 'retry-after': '50' } }
    const client = await connect(3, (await scriptedGitHub([limited, 'ok', limited])).url)

    await expect(readRepository(client)).resolves.toBeTruthy()
    await expect(readRepository(client)).resolves.toBeTruthy()

    expect(waits).toEqual([50_000, 50_000])
  })

  it('a rate limit that outlasts max-attempts fails flagged, without the note (no wait was refused)', async () => {
    emu.faults.add({ service: 'github', operation: READ, kind: 'throttle', status: 403, times: 5 })

    const error = await failure(readRepository(await connect(2)))

    expect(sent(READ)).toBe(2)
    expect(error).toMatchObject({ status: 403, rateLimited: true })
    expect(error.message).not.toContain('asked to wait')
  })
})

describe('GitHub client: permanent errors are not retried', () => {
  it('a 404 fails at once', async () => {
    const error = await failure(
      github.call('read', o => o.rest.repos.get({ owner: 'octo-org', repo: 'gone' }))
    )

    expect(error).toMatchObject({ status: 404, rateLimited: false })
    expect(error.message).toBe('GitHub API read failed (HTTP 404): Not Found - https://docs.github.com/rest')
    expect(sent(READ)).toBe(1)
  })

  it('a 422 (an input the workflow does not declare) fails at once', async () => {
    const error = await failure(dispatch(github, { undeclared: 'x' }))

    expect(error).toMatchObject({ status: 422, rateLimited: false })
    expect(sent(DISPATCH)).toBe(1)
  })

  it('a 403 that is no rate limit fails at once', async () => {
    emu.github.addToken('ghs_read', { permissions: { actions: 'read' } })

    const error = await failure(dispatch(await connect(3, emu.urls.github, FAST, 'ghs_read')))

    expect(error).toMatchObject({ status: 403, rateLimited: false })
    expect(sent(DISPATCH)).toBe(1)
    expect(waits).toEqual([])
  })

  it.each([409, 410, 418])('any other 4xx (HTTP %s) fails at once', async status => {
    const server = await scriptedGitHub([{ status, message: 'No' }])

    const error = await failure(readRepository(await connect(3, server.url)))

    expect(error.status).toBe(status)
    expect(server.requests()).toBe(1)
  })
})

describe('GitHub client: a dispatch is retried only when GitHub surely did not act on it', () => {
  it.each([429, 403])(
    'a rate-limited dispatch (HTTP %s: GitHub did nothing) is retried, and the workflow starts once',
    async status => {
      emu.faults.add({ service: 'github', operation: DISPATCH, kind: 'throttle', status })

      await expect(dispatch()).resolves.toMatchObject({ runId: expect.any(Number) })

      expect(sent(DISPATCH)).toBe(2)
      expect(emu.github.dispatches).toHaveLength(1)
    }
  )

  it('a dispatch meeting a secondary limit is retried after retry-after', async () => {
    const server = await scriptedGitHub([
      { status: 403, message: SECONDARY, headers: { 'retry-after': '3' } }
    ])

    await dispatch(await connect(3, server.url))

    expect(server.requests()).toBe(2)
    expect(waits).toEqual([3000])
  })

  it.each([
    ['a 5xx', { kind: 'server-error', status: 503 }, 'HTTP 503'],
    ['a dropped connection', { kind: 'drop' }, 'HTTP 500']
  ] as const)('%s is not retried', async (_, fault, said) => {
    emu.faults.add({ service: 'github', operation: DISPATCH, times: 2, ...fault })

    const error = await failure(dispatch())

    expect(sent(DISPATCH)).toBe(1)
    expect(error.message).toContain(said)
    expect(error.rateLimited).toBe(false)
    expect(emu.github.dispatches).toEqual([])
  })

  it('a timed-out dispatch is not retried: GitHub may have started the run all the same', async () => {
    const quick = await connect(3, emu.urls.github, { backoffUnitMs: 1, requestTimeoutMs: 1000 })
    emu.faults.add({ service: 'github', operation: DISPATCH, kind: 'delay', delayMs: 2000, times: 2 })

    const error = await failure(dispatch(quick))

    expect(timedOut(error)).toBe(true)
    // The emulator answers after its delay, as a slow GitHub would: the one run was started.
    await until(() => emu.github.dispatches.length === 1)
    expect(sent(DISPATCH)).toBe(1)
  })
})

/**
 * Aborted by the request timeout. (The bundle's message says "The operation was aborted due to timeout", see the
 * e2e tests; under Jest's VM the abort reason is no Error of the test's realm, so Octokit calls it "Unknown Error".)
 */
function timedOut(error: GitHubError): boolean {
  return (error.cause as { cause?: { name?: string } } | undefined)?.cause?.name === 'TimeoutError'
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i === 100) throw new Error('gave up waiting')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('GitHub client: what counts as a rate limit', () => {
  it('classifies 429, and 403 for a used-up or secondary limit, as rate limits', () => {
    const headers = (remaining: string) => ({ response: { headers: { 'x-ratelimit-remaining': remaining } } })
    expect(isRateLimited({ status: 403, message: 'Forbidden', ...headers('0') })).toBe(true)
    expect(isRateLimited({ status: 403, message: 'Forbidden', ...headers('12') })).toBe(false)
    expect(isRateLimited({ status: 403, message: SECONDARY })).toBe(true)
    expect(isRateLimited({ status: 429, message: '' })).toBe(true)
    expect(isRateLimited({ status: 500, message: 'rate limit' })).toBe(false)
    expect(isRateLimited(undefined)).toBe(false)
  })
})
