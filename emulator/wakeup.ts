// EventBridge waking the poller: when CodePipeline queues a job of a custom action type (a new action execution
// starts, "CodePipeline Action Execution State Change", state STARTED), a rule on that action type sends the event
// to an API destination, which calls GitHub's workflow_dispatch for the poll workflow. The emulator makes that
// call itself, over real HTTP to its own GitHub API, with the headers and body an API destination sends, so GitHub's
// usual checks apply (the workflow must exist and be dispatchable, the token must have actions: write).
//
// Not modelled: continuation jobs (no new action execution, so no event), the 5 s request timeout's exact timing
// beyond a socket timeout, the 24 h retry window (retries here are few and quick), the dead-letter queue.
import { request } from 'node:http'
import type { ActionTypeId } from './action-types.ts'
import { typeKey } from './action-types.ts'
import type { Job } from './codepipeline-jobs.ts'
import type { GitHubStore } from './github-store.ts'
import type { Dispatch } from './github-types.ts'

export const DEFAULT_WAKE_UP_DELAY_MS = 20
const TIMEOUT_MS = 5000
/** API destinations retry these answers (and network failures); any other 4xx is final. */
const RETRIED = (status: number): boolean => [401, 407, 409, 429].includes(status) || status >= 500

export interface WakeUpInit {
  /** Jobs of this action type wake the poller; default the emulator's default type (Build/Custom/GitHubActions/1). */
  actionTypeId?: Partial<ActionTypeId>
  /** owner/name of the repository holding the poll workflow. */
  repository: string
  /** The poll workflow's file name (poll.yml) or ID. */
  workflow: string
  /** The branch the body names; default the repository's default branch (main when the repository is unknown). */
  ref?: string
  /** The connection's API key value after `Bearer `; default the emulator's GitHub token. */
  token?: string
  /** From queueing the job to sending the request, standing for EventBridge's own latency; default 20 ms. */
  delayMs?: number
  /** Attempts for a delivery answered 401, 407, 409, 429 or 5xx, or cut off; default 3. */
  maxAttempts?: number
  /** Wait between attempts; default 50 ms (EventBridge waits longer; tests should not). */
  retryDelayMs?: number
}

export interface WakeUp {
  actionTypeId: ActionTypeId
  repository: string
  workflow: string
  ref?: string
  token: string
  delayMs: number
  maxAttempts: number
  retryDelayMs: number
}

export interface WakeUpAttempt {
  sentAt: Date
  answeredAt: Date
  /** 0 when no answer came (connection refused or cut, timeout). */
  status: number
  error?: string
  /** GitHub's x-github-request-id: finds the request in `emu.requests`. */
  requestId?: string
}

export interface WakeUpDelivery {
  jobId: string
  actionTypeId: ActionTypeId
  /** When queueJob queued the job. */
  queuedAt: Date
  /** When the last attempt was answered (or failed); set once the delivery is over. */
  deliveredAt?: Date
  /** deliveredAt - queuedAt, in milliseconds. */
  latencyMs?: number
  /** True when GitHub accepted the dispatch (2xx). */
  ok: boolean
  /** Status of the last attempt. */
  status?: number
  attempts: WakeUpAttempt[]
  /** What was sent (the same for every attempt). */
  request: { method: 'POST'; url: string; headers: Record<string, string>; body: string }
  /** The workflow_dispatch GitHub recorded, when it accepted one. */
  dispatch?: Dispatch
}

function fullType(t: Partial<ActionTypeId> | undefined): ActionTypeId {
  return { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1', ...t }
}

export class WakeUps {
  readonly configs: WakeUp[] = []
  readonly deliveries: WakeUpDelivery[] = []
  private readonly github: GitHubStore
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Called with each finished delivery (the CLI prints them). */
  readonly listeners: Array<(delivery: WakeUpDelivery) => void> = []
  private waiters: Array<{ match: (d: WakeUpDelivery) => boolean; resolve: (d: WakeUpDelivery) => void }> = []
  private closed = false

  constructor(github: GitHubStore) {
    this.github = github
  }

  /** Sets the wake-up of an action type, replacing an earlier one for the same type. */
  configure(init: WakeUpInit): WakeUp {
    if (!/^[\w.-]+\/[\w.-]+$/.test(init.repository))
      throw new Error(`repository must be owner/name, got ${init.repository}`)
    if (!init.workflow) throw new Error('workflow must name the poll workflow file')
    const wakeUp: WakeUp = {
      actionTypeId: fullType(init.actionTypeId),
      repository: init.repository,
      workflow: init.workflow,
      ...(init.ref !== undefined ? { ref: init.ref } : {}),
      token: init.token ?? this.github.token,
      delayMs: init.delayMs ?? DEFAULT_WAKE_UP_DELAY_MS,
      maxAttempts: init.maxAttempts ?? 3,
      retryDelayMs: init.retryDelayMs ?? 50
    }
    this.remove(wakeUp.actionTypeId)
    this.configs.push(wakeUp)
    return wakeUp
  }

  /** Removes the wake-up of one action type (default type when omitted); returns whether there was one. */
  remove(actionTypeId?: Partial<ActionTypeId>): boolean {
    const key = typeKey(fullType(actionTypeId))
    const i = this.configs.findIndex(c => typeKey(c.actionTypeId) === key)
    if (i >= 0) this.configs.splice(i, 1)
    return i >= 0
  }

  clear(): void {
    this.configs.length = 0
  }

  /** Called by the job store for each queued job. */
  jobQueued(job: Job): void {
    const config = this.configs.find(c => typeKey(c.actionTypeId) === typeKey(job.data.actionTypeId))
    if (!config || this.closed) return
    const queuedAt = new Date()
    const repo = this.github.repo(config.repository)
    const ref = config.ref ?? repo?.default_branch ?? 'main'
    const body = JSON.stringify({ ref })
    const delivery: WakeUpDelivery = {
      jobId: job.id,
      actionTypeId: { ...job.data.actionTypeId },
      queuedAt,
      ok: false,
      attempts: [],
      request: {
        method: 'POST',
        url:
          `${this.github.apiUrl}/repos/${config.repository}/actions/workflows/` +
          `${encodeURIComponent(config.workflow)}/dispatches`,
        headers: {
          'User-Agent': 'Amazon/EventBridge/ApiDestinations',
          'Content-Type': 'application/json; charset=utf-8',
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          Authorization: `Bearer ${config.token}`
        },
        body
      }
    }
    this.later(config.delayMs, () => this.attempt(delivery, config))
  }

  /** The next delivery to finish (successfully or not) after this call. */
  next(timeoutMs = 5000): Promise<WakeUpDelivery> {
    return this.wait(() => true, timeoutMs, 'no wake-up was delivered')
  }

  /** The delivery for a job, once finished: at once if it already is. */
  forJob(jobId: string, timeoutMs = 5000): Promise<WakeUpDelivery> {
    const done = this.deliveries.find(d => d.jobId === jobId)
    if (done) return Promise.resolve(done)
    return this.wait(d => d.jobId === jobId, timeoutMs, `no wake-up was delivered for job ${jobId}`)
  }

  /** Stops pending deliveries; called when the emulator closes. */
  close(): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  private wait(
    match: (d: WakeUpDelivery) => boolean,
    timeoutMs: number,
    message: string
  ): Promise<WakeUpDelivery> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter(w => w !== waiter)
        reject(new Error(`${message} within ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter = {
        match,
        resolve: (d: WakeUpDelivery) => {
          clearTimeout(timer)
          resolve(d)
        }
      }
      this.waiters.push(waiter)
    })
  }

  private later(ms: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run().catch(e => console.error('emulator: wake-up failed:', e))
    }, ms)
    this.timers.add(timer)
  }

  private async attempt(delivery: WakeUpDelivery, config: WakeUp): Promise<void> {
    if (this.closed) return
    const sentAt = new Date()
    const answer = await send(delivery.request)
    const attempt: WakeUpAttempt = { sentAt, answeredAt: new Date(), ...answer }
    delivery.attempts.push(attempt)
    delivery.status = attempt.status
    const retry = attempt.status === 0 || RETRIED(attempt.status)
    if (retry && delivery.attempts.length < config.maxAttempts && !this.closed) {
      this.later(config.retryDelayMs, () => this.attempt(delivery, config))
      return
    }
    delivery.ok = attempt.status >= 200 && attempt.status < 300
    delivery.deliveredAt = attempt.answeredAt
    delivery.latencyMs = attempt.answeredAt.getTime() - delivery.queuedAt.getTime()
    const dispatch = this.github.dispatches.find(d => d.requestId === attempt.requestId)
    if (dispatch) delivery.dispatch = dispatch
    this.deliveries.push(delivery)
    const waiting = this.waiters.filter(w => w.match(delivery))
    this.waiters = this.waiters.filter(w => !waiting.includes(w))
    for (const w of waiting) w.resolve(delivery)
    for (const listener of this.listeners) listener(delivery)
  }
}

function send(req: WakeUpDelivery['request']): Promise<Omit<WakeUpAttempt, 'sentAt' | 'answeredAt'>> {
  return new Promise(resolve => {
    const body = Buffer.from(req.body, 'utf8')
    // node:http rather than fetch, which would add headers of its own (accept-language, sec-fetch-mode, ...).
    const r = request(
      req.url,
      {
        method: req.method,
        headers: { ...req.headers, 'Content-Length': String(body.length) },
        agent: false,
        timeout: TIMEOUT_MS
      },
      res => {
        res.resume()
        res.on('end', () => {
          const id = res.headers['x-github-request-id']
          resolve({ status: res.statusCode ?? 0, ...(typeof id === 'string' ? { requestId: id } : {}) })
        })
        res.on('error', e => resolve({ status: 0, error: e.message }))
      }
    )
    r.on('timeout', () => r.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)))
    r.on('error', e => resolve({ status: 0, error: e.message }))
    r.end(body)
  })
}
