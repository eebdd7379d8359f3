// EventBridge waking the poller: when CodePipeline queues a job of a custom action type (a new action execution
// starts, "CodePipeline Action Execution State Change", state STARTED), a rule on that action type sends the event
// to an API destination, which calls GitHub's workflow_dispatch for the poll workflow. The template's second rule
// (the stop rule) does the same for the type's ABANDONED and CANCELED states, with the stopped action as inputs.
// The emulator makes those calls itself, over real HTTP to its own GitHub API, with the headers and body an API
// destination sends (wakeup-send.ts), so GitHub's usual checks apply (the workflow must exist, be dispatchable and
// declare the inputs; the token must have actions: write).
//
// Not modelled: continuation jobs (no new action execution, so no event), the 5 s request timeout's exact timing
// beyond a socket timeout, the 24 h retry window (retries here are few and quick), the dead-letter queue.
import type { ActionTypeId } from './action-types.ts'
import { typeKey } from './action-types.ts'
import type { ActionStateChange } from './codepipeline-executions.ts'
import type { Job } from './codepipeline-jobs.ts'
import type { GitHubStore } from './github-store.ts'
import { dispatchRequest, RETRIED, send } from './wakeup-send.ts'
import type { WakeUp, WakeUpAttempt, WakeUpDelivery, WakeUpInit } from './wakeup-types.ts'

export type { WakeUp, WakeUpAttempt, WakeUpDelivery, WakeUpInit } from './wakeup-types.ts'

export const DEFAULT_WAKE_UP_DELAY_MS = 20

function fullType(t: Partial<ActionTypeId> | undefined): ActionTypeId {
  return { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1', ...t }
}

function findRule(rules: WakeUp[], t: ActionTypeId): WakeUp | undefined {
  return rules.find(c => typeKey(c.actionTypeId) === typeKey(t))
}

function removeRule(rules: WakeUp[], actionTypeId?: Partial<ActionTypeId>): boolean {
  const key = typeKey(fullType(actionTypeId))
  const i = rules.findIndex(c => typeKey(c.actionTypeId) === key)
  if (i >= 0) rules.splice(i, 1)
  return i >= 0
}

export class WakeUps {
  /** The wake-up rules (STARTED), one per action type. */
  readonly configs: WakeUp[] = []
  /** The stop rules (ABANDONED and CANCELED), one per action type, independent of the wake-up rules. */
  readonly stopConfigs: WakeUp[] = []
  /** Finished deliveries of both kinds, in the order they finished. */
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
    return this.setRule(this.configs, init)
  }

  /**
   * Sets the stop rule of an action type (the template's second rule: its ABANDONED and CANCELED states),
   * replacing an earlier one. The poll workflow must declare the inputs stopped-pipeline, stopped-execution-id,
   * stopped-stage and stopped-action, or GitHub refuses the dispatch (422).
   */
  configureStop(init: WakeUpInit): WakeUp {
    return this.setRule(this.stopConfigs, init)
  }

  /** Removes the wake-up of one action type (default type when omitted); returns whether there was one. */
  remove(actionTypeId?: Partial<ActionTypeId>): boolean {
    return removeRule(this.configs, actionTypeId)
  }

  /** Removes the stop rule of one action type (default type when omitted); returns whether there was one. */
  removeStop(actionTypeId?: Partial<ActionTypeId>): boolean {
    return removeRule(this.stopConfigs, actionTypeId)
  }

  /** Removes every wake-up rule (not the stop rules: clearStop()). */
  clear(): void {
    this.configs.length = 0
  }

  clearStop(): void {
    this.stopConfigs.length = 0
  }

  /** Called by the job store for each queued job. */
  jobQueued(job: Job): void {
    const config = findRule(this.configs, job.data.actionTypeId)
    if (!config || this.closed) return
    this.deliver(config, { jobId: job.id, state: 'STARTED', actionTypeId: { ...job.data.actionTypeId } }, {})
  }

  /** Called by CodePipeline for each action execution state change; the stop rule takes ABANDONED and CANCELED. */
  actionStateChanged(change: ActionStateChange): void {
    if (change.state === 'STARTED') return
    const config = findRule(this.stopConfigs, change.type)
    if (!config || this.closed) return
    const stop = {
      pipeline: change.pipeline,
      executionId: change.executionId,
      stage: change.stage,
      action: change.action
    }
    // Exactly what the template's InputTransformer makes of the event's detail.
    const inputs = {
      'stopped-pipeline': stop.pipeline,
      'stopped-execution-id': stop.executionId,
      'stopped-stage': stop.stage,
      'stopped-action': stop.action
    }
    this.deliver(
      config,
      { jobId: change.jobId, state: change.state, stop, actionTypeId: { ...change.type } },
      { inputs }
    )
  }

  /** The next delivery to finish (successfully or not) after this call. */
  next(timeoutMs = 5000): Promise<WakeUpDelivery> {
    return this.wait(() => true, timeoutMs, 'no wake-up was delivered')
  }

  /** The wake-up (STARTED) delivery for a job, once finished: at once if it already is. */
  forJob(jobId: string, timeoutMs = 5000): Promise<WakeUpDelivery> {
    const match = (d: WakeUpDelivery): boolean => d.state === 'STARTED' && d.jobId === jobId
    const done = this.deliveries.find(match)
    if (done) return Promise.resolve(done)
    return this.wait(match, timeoutMs, `no wake-up was delivered for job ${jobId}`)
  }

  /** The stop rule's (first) delivery for a pipeline execution, once finished: at once if it already is. */
  forStop(pipelineExecutionId: string, timeoutMs = 5000): Promise<WakeUpDelivery> {
    const match = (d: WakeUpDelivery): boolean => d.stop?.executionId === pipelineExecutionId
    const done = this.deliveries.find(match)
    if (done) return Promise.resolve(done)
    return this.wait(match, timeoutMs, `no stop was delivered for pipeline execution ${pipelineExecutionId}`)
  }

  /** Stops pending deliveries; called when the emulator closes. */
  close(): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  private setRule(rules: WakeUp[], init: WakeUpInit): WakeUp {
    if (!/^[\w.-]+\/[\w.-]+$/.test(init.repository))
      throw new Error(`repository must be owner/name, got ${init.repository}`)
    if (!init.workflow) throw new Error('workflow must name the poll workflow file')
    const rule: WakeUp = {
      actionTypeId: fullType(init.actionTypeId),
      repository: init.repository,
      workflow: init.workflow,
      ...(init.ref !== undefined ? { ref: init.ref } : {}),
      token: init.token ?? this.github.token,
      delayMs: init.delayMs ?? DEFAULT_WAKE_UP_DELAY_MS,
      maxAttempts: init.maxAttempts ?? 3,
      retryDelayMs: init.retryDelayMs ?? 50
    }
    removeRule(rules, rule.actionTypeId)
    rules.push(rule)
    return rule
  }

  /** Sends the rule's dispatch, after its delay, with `extra` (inputs) beside the ref. */
  private deliver(
    config: WakeUp,
    about: Pick<WakeUpDelivery, 'jobId' | 'state' | 'stop' | 'actionTypeId'>,
    extra: Record<string, unknown>
  ): void {
    const ref = config.ref ?? this.github.repo(config.repository)?.default_branch ?? 'main'
    const delivery: WakeUpDelivery = {
      ...about,
      queuedAt: new Date(),
      ok: false,
      attempts: [],
      request: dispatchRequest(this.github.apiUrl, config, { ref, ...extra })
    }
    this.later(config.delayMs, () => this.attempt(delivery, config))
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
