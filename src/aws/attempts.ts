import type { FinalizeRequestMiddleware, InitializeMiddleware } from '@smithy/types'
import type { AnyPluggable } from './clients.ts'

// The SDK retries on its own and reports only the last attempt's error. Whether an *earlier* attempt may have
// taken effect (its answer lost) decides what a later refusal means: an InvalidJobStateException after a lost
// 5xx is most likely our own result, landed. These two middlewares record that, per call, from each attempt.

const RECORD = Symbol('attempts')
const LANDED = Symbol('mayHaveLanded')

interface CallRecord {
  landed: boolean
}

type Context = Record<symbol, CallRecord | undefined>

/** Whether some attempt of the failed call may have reached the service and taken effect. */
export function mayHaveLanded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[LANDED] === true
}

/** How many times the failed call was sent, as the SDK counts it. */
export function attemptsOf(error: unknown): number {
  return (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1
}

// Refused, unresolvable or unreachable: the request never left this machine.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** A failed attempt that may still have been processed: a 5xx, or a connection lost after sending. */
function attemptMayHaveLanded(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string } | undefined
  const status = e?.$metadata?.httpStatusCode
  if (status !== undefined) return status >= 500
  return !NEVER_SENT.has(e?.code ?? '')
}

const perCall: InitializeMiddleware<object, object> = (next, context) => async args => {
  const record: CallRecord = { landed: false }
  ;(context as Context)[RECORD] = record
  try {
    return await next(args)
  } catch (error) {
    if (record.landed && typeof error === 'object' && error !== null) {
      ;(error as Record<symbol, unknown>)[LANDED] = true
    }
    throw error
  }
}

const perAttempt: FinalizeRequestMiddleware<object, object> = (next, context) => async args => {
  try {
    return await next(args)
  } catch (error) {
    const record = (context as Context)[RECORD]
    if (record && attemptMayHaveLanded(error)) record.landed = true
    throw error
  }
}

export const attemptsPlugin: AnyPluggable = {
  applyToStack(stack) {
    stack.add(perCall, { step: 'initialize', name: 'bridgeAttemptsPerCall' })
    // Low priority in finalizeRequest: inside the retry loop, so it sees every attempt's deserialized error.
    stack.add(perAttempt, { step: 'finalizeRequest', priority: 'low', name: 'bridgeAttemptsPerAttempt' })
  }
}
