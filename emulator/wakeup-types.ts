// The rules (wake-up and stop) as tests configure them, and the deliveries they make, for wakeup.ts.
import type { ActionTypeId } from './action-types.ts'
import type { Dispatch } from './github-types.ts'
import type { AttemptAnswer, TargetRequest } from './wakeup-send.ts'

export interface WakeUpInit {
  /** Jobs of this action type wake the poller (or, for the stop rule, their stops); default the emulator's default type (Build/Custom/GitHubActions/1). */
  actionTypeId?: Partial<ActionTypeId>
  /** owner/name of the repository holding the poll workflow. */
  repository: string
  /** The poll workflow's file name (poll.yml) or ID. */
  workflow: string
  /** The branch the body names; default the repository's default branch (main when the repository is unknown). */
  ref?: string
  /** The connection's API key value after `Bearer `; default the emulator's GitHub token. */
  token?: string
  /** From queueing the job (or abandoning it) to sending the request, standing for EventBridge's own latency; default 20 ms. */
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

export interface WakeUpAttempt extends AttemptAnswer {
  sentAt: Date
  answeredAt: Date
}

export interface WakeUpDelivery {
  /** The queued job (STARTED), or the job whose action execution was abandoned or cancelled. */
  jobId: string
  /** STARTED: the wake-up rule; ABANDONED, CANCELED: the stop rule. */
  state: 'STARTED' | 'ABANDONED' | 'CANCELED'
  /** What identifies the stopped action, as the stop rule's inputs carry it. */
  stop?: { pipeline: string; executionId: string; stage: string; action: string }
  actionTypeId: ActionTypeId
  /** When queueJob queued the job; for the stop rule, when the action execution was abandoned or cancelled. */
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
  request: TargetRequest
  /** The workflow_dispatch GitHub recorded, when it accepted one. */
  dispatch?: Dispatch
}
