import type { ServiceName } from './http.ts'

export type FaultKind = 'throttle' | 'server-error' | 'drop' | 'delay'

export interface FaultSpec {
  service: ServiceName
  /** Exact operation as logged in `emu.requests`; for GitHub either the route template or "METHOD /actual/path". */
  operation?: string
  kind: FaultKind
  /** How many matching requests it hits; default 1. */
  times?: number
  /** How many matching requests it lets through first (say, the first ranges of a download); default 0. */
  after?: number
  /** For `delay`. */
  delayMs?: number
  /** Overrides the HTTP status of `server-error` (e.g. 503) or `throttle`. */
  status?: number
  /** `retry-after` seconds on a GitHub throttle; kept at 0 by default so tests stay fast. */
  retryAfterSeconds?: number
}

export interface ActiveFault extends FaultSpec {
  remaining: number
  /** Matching requests still to let through. */
  passing: number
}

export class Faults {
  readonly pending: ActiveFault[] = []

  add(spec: FaultSpec): ActiveFault {
    const times = spec.times ?? 1
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`fault times must be a positive integer, got ${times}`)
    if (spec.kind === 'delay' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
      throw new Error('a delay fault needs delayMs')
    }
    const after = spec.after ?? 0
    if (!Number.isInteger(after) || after < 0)
      throw new Error(`fault after must be a non-negative integer, got ${after}`)
    const fault: ActiveFault = { ...spec, remaining: times, passing: after }
    this.pending.push(fault)
    return fault
  }

  clear(): void {
    this.pending.length = 0
  }

  /** Consumes one use of the first fault matching this request, if any. */
  take(service: ServiceName, operations: string[]): ActiveFault | undefined {
    const index = this.pending.findIndex(
      f => f.service === service && (f.operation === undefined || operations.includes(f.operation))
    )
    if (index < 0) return undefined
    const fault = this.pending[index]
    if (fault.passing > 0) {
      fault.passing -= 1
      return undefined
    }
    fault.remaining -= 1
    if (fault.remaining <= 0) this.pending.splice(index, 1)
    return fault
  }
}
