// EventBridge waking the poller: a queued job makes the emulator send GitHub what an API destination would.
import { PollForJobsCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { ACTION_TYPE, STATIC, codepipeline } from './clients.ts'

const REPO = 'octo-org/octo-repo'
const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addStaticCredentials(STATIC)
  emu.github.addRepo(REPO, { branches: ['release'] })
  emu.github.addWorkflow(REPO, { file: 'poll.yml' })
})
afterEach(() => emu.close())

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Headers the sender chose, without the ones HTTP itself adds. */
function sentHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))
  )
}

describe('wake-up', () => {
  it("sends exactly an API destination's request, which GitHub records as a workflow_dispatch of the poll workflow", async () => {
    emu.wakeUp.configure({ repository: REPO, workflow: 'poll.yml' })
    const job = emu.codepipeline.queueJob()

    const delivery = await emu.wakeUp.forJob(job.id)

    expect(delivery).toMatchObject({ jobId: job.id, ok: true, status: 204 })
    const recorded = emu.requests.find(r => r.requestId === delivery.attempts[0].requestId)
    expect(recorded).toMatchObject({
      service: 'github',
      operation: DISPATCH,
      method: 'POST',
      path: `/repos/${REPO}/actions/workflows/poll.yml/dispatches`,
      status: 204,
      body: { ref: 'main' }
    })
    expect(sentHeaders(recorded?.headers ?? {})).toEqual({
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      authorization: `Bearer ${emu.github.token}`
    })
    expect(recorded?.headers['content-length']).toBe(String('{"ref":"main"}'.length))
    expect(delivery.request.body).toBe('{"ref":"main"}')
    expect(delivery.dispatch).toMatchObject({
      repo: REPO,
      workflow: 'poll.yml',
      ref: 'main',
      inputs: {},
      returnRunDetails: false,
      requestId: recorded?.requestId
    })
    const run = emu.github.run(delivery.dispatch?.runId ?? 0)
    expect(run).toMatchObject({
      event: 'workflow_dispatch',
      path: '.github/workflows/poll.yml',
      status: 'queued'
    })
    // Timing a test, demo or bench can measure.
    expect(delivery.deliveredAt!.getTime()).toBeGreaterThanOrEqual(delivery.queuedAt.getTime())
    expect(delivery.latencyMs).toBe(delivery.deliveredAt!.getTime() - delivery.queuedAt.getTime())
    expect(emu.wakeUp.deliveries).toEqual([delivery])
  })

  it('waits the configured delay; the ref is the configured branch, else the default branch', async () => {
    emu.wakeUp.configure({ repository: REPO, workflow: 'poll.yml', delayMs: 300, ref: 'release' })
    const next = emu.wakeUp.next()
    const job = emu.codepipeline.queueJob()
    await sleep(150)
    expect(emu.wakeUp.deliveries).toEqual([])
    const slow = await next
    expect(slow.jobId).toBe(job.id)
    expect(slow.latencyMs).toBeGreaterThanOrEqual(300)
    expect(slow.dispatch?.ref).toBe('release')

    emu.github.addRepo('octo-org/ops', { defaultBranch: 'trunk' })
    emu.github.addWorkflow('octo-org/ops', { file: 'poll.yml' })
    emu.wakeUp.configure({ repository: 'octo-org/ops', workflow: 'poll.yml', delayMs: 0 })
    const fast = await emu.wakeUp.forJob(emu.codepipeline.queueJob().id)
    expect(fast.request.body).toBe('{"ref":"trunk"}')
    expect(fast.dispatch?.repo).toBe('octo-org/ops')
    expect(fast.latencyMs).toBeLessThan(300)
  })

  it("GitHub's dispatch checks apply: a missing workflow is a 404 and a token without actions: write a 403, not retried", async () => {
    emu.wakeUp.configure({ repository: REPO, workflow: 'missing.yml', delayMs: 0 })
    const missing = await emu.wakeUp.forJob(emu.codepipeline.queueJob().id)
    expect(missing).toMatchObject({ ok: false, status: 404 })
    expect(missing.attempts).toHaveLength(1)
    expect(missing.dispatch).toBeUndefined()

    emu.github.addToken('github_pat_read_only', { permissions: { actions: 'read' } })
    emu.wakeUp.configure({
      repository: REPO,
      workflow: 'poll.yml',
      token: 'github_pat_read_only',
      delayMs: 0
    })
    const readOnly = await emu.wakeUp.forJob(emu.codepipeline.queueJob().id)
    expect(readOnly).toMatchObject({ ok: false, status: 403 })
    expect(readOnly.attempts).toHaveLength(1)

    emu.wakeUp.configure({ repository: REPO, workflow: 'poll.yml', token: 'ghp_revoked', delayMs: 0 })
    const revoked = await emu.wakeUp.forJob(emu.codepipeline.queueJob().id)
    // 401 is one of the answers API destinations retry.
    expect(revoked.attempts.map(a => a.status)).toEqual([401, 401, 401])
    expect(emu.github.dispatches).toEqual([])
  })

  it('a 5xx answer or a cut connection is retried until GitHub takes the dispatch', async () => {
    emu.wakeUp.configure({ repository: REPO, workflow: 'poll.yml', delayMs: 0, retryDelayMs: 10 })
    emu.faults.add({ service: 'github', operation: DISPATCH, kind: 'server-error', status: 502 })
    emu.faults.add({ service: 'github', operation: DISPATCH, kind: 'drop' })
    const delivery = await emu.wakeUp.forJob(emu.codepipeline.queueJob().id)
    expect(delivery.attempts.map(a => a.status)).toEqual([502, 0, 204])
    expect(delivery.attempts[1].error).toBeTruthy()
    expect(delivery.ok).toBe(true)
    expect(emu.github.dispatches).toHaveLength(1)
  })

  it('only a new queued job of the configured action type wakes the poller: not another type, not a continuation', async () => {
    emu.wakeUp.configure({ repository: REPO, workflow: 'poll.yml', delayMs: 0 })
    emu.codepipeline.queueJob({ actionTypeId: { provider: 'Other' } })
    emu.codepipeline.addJob()
    const queued = emu.codepipeline.queueJob()
    await emu.wakeUp.forJob(queued.id)

    // The worker takes the job and keeps it running with a continuation token: the follow-up job is queued
    // within the same action execution, so EventBridge sees no new STARTED event.
    const client = codepipeline(emu)
    await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE }))
    await client.send(new PutJobSuccessResultCommand({ jobId: queued.id, continuationToken: 'run=1' }))
    expect(emu.codepipeline.jobs.filter(j => j.state === 'Queued')).toHaveLength(2)
    await sleep(100)
    expect(emu.wakeUp.deliveries.map(d => d.jobId)).toEqual([queued.id])
    await expect(emu.wakeUp.next(100)).rejects.toThrow('no wake-up was delivered within 100 ms')
  })

  it('a wake-up per action type; removing one stops it', async () => {
    const other = { ...ACTION_TYPE, provider: 'Other' }
    emu.github.addWorkflow(REPO, { file: 'poll-other.yml' })
    emu.wakeUp.configure({ repository: REPO, workflow: 'poll.yml', delayMs: 0 })
    emu.wakeUp.configure({ actionTypeId: other, repository: REPO, workflow: 'poll-other.yml', delayMs: 0 })
    const a = await emu.wakeUp.forJob(emu.codepipeline.queueJob({ actionTypeId: other }).id)
    expect(a.dispatch?.workflow).toBe('poll-other.yml')
    expect(emu.wakeUp.remove(other)).toBe(true)
    emu.codepipeline.queueJob({ actionTypeId: other })
    const b = await emu.wakeUp.forJob(emu.codepipeline.queueJob().id)
    expect(b.dispatch?.workflow).toBe('poll.yml')
    await sleep(50)
    expect(emu.wakeUp.deliveries).toHaveLength(2)
  })
})
