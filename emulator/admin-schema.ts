// Strict checking of admin API bodies: a body that is not a JSON object, an unknown field (a typo such as
// "queued" for "queue") or a value of the wrong type is refused with 400 and a message naming the field, instead
// of being silently ignored.
import { isRecord } from './http.ts'

export class AdminError extends Error {
  readonly status: number
  readonly field?: string

  constructor(status: number, message: string, field?: string) {
    super(message)
    this.status = status
    if (field !== undefined) this.field = field
  }
}

export const badRequest = (message: string, field?: string): AdminError => new AdminError(400, message, field)
export const notFound = (message: string): AdminError => new AdminError(404, message)

export type Check<T> = (value: unknown, at: string) => T

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value)
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${text.length > 60 ? text.slice(0, 60) + '…' : text}`
}

function fail(at: string, expected: string, value: unknown): never {
  // `at` is empty for the body itself, which is no field.
  throw badRequest(`${at || 'the request body'} must be ${expected}, got ${describe(value)}`, at || undefined)
}

export function str(
  opts: { pattern?: RegExp; hint?: string; min?: number; max?: number } = {}
): Check<string> {
  return (v, at) => {
    if (typeof v !== 'string') fail(at, 'a string', v)
    if (opts.min !== undefined && v.length < opts.min) fail(at, `at least ${opts.min} characters long`, v)
    if (opts.max !== undefined && v.length > opts.max) fail(at, `at most ${opts.max} characters long`, v)
    if (opts.pattern && !opts.pattern.test(v)) fail(at, opts.hint ?? `a string matching ${opts.pattern}`, v)
    return v
  }
}

export const bool: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v))

export function int(min = -Infinity, max = Infinity): Check<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const range =
        min === -Infinity ? '' : max === Infinity ? ` of at least ${min}` : ` from ${min} to ${max}`
      fail(at, `a whole number${range}`, v)
    }
    return v
  }
}

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, at) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? (v as T)
      : fail(at, `one of ${values.join(', ')}`, v)
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, at) => (v === null ? null : check(v, at))
}

export function either<A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> {
  return (v, at) => {
    try {
      return a(v, at)
    } catch {
      try {
        return b(v, at)
      } catch (e) {
        // A value of the second kind that is wrong inside (a field of an object) says what is wrong there.
        if (e instanceof AdminError && e.field !== at) throw e
        return fail(at, expected, v)
      }
    }
  }
}

export function arrayOf<T>(check: Check<T>, opts: { min?: number } = {}): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) fail(at, 'an array', v)
    if (opts.min !== undefined && v.length < opts.min) fail(at, `an array of at least ${opts.min}`, v)
    return v.map((item, i) => check(item, `${at}[${i}]`))
  }
}

export function mapOf<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, at) => {
    if (!isRecord(v)) fail(at, 'an object', v)
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, check(item, `${at}.${k}`)]))
  }
}

type Shape = Record<string, Check<unknown>>
export type Parsed<S extends Shape> = { [K in keyof S]?: ReturnType<S[K]> }

/** An object with only these fields; `required` ones must be present (not null). */
export function object<S extends Shape>(
  shape: S,
  required: ReadonlyArray<keyof S & string> = []
): Check<Parsed<S>> {
  return (v, at) => {
    if (!isRecord(v)) fail(at, 'a JSON object', v)
    const prefix = at ? `${at}.` : ''
    const unknown = Object.keys(v).filter(k => !Object.hasOwn(shape, k))
    if (unknown.length > 0) {
      const name = `${prefix}${unknown[0]}`
      throw badRequest(
        `unknown field "${name}"${at ? '' : ' in the request body'}; the fields are: ${Object.keys(shape).join(', ')}`,
        name
      )
    }
    for (const k of required) {
      if (v[k] === undefined || v[k] === null) throw badRequest(`${prefix}${k} is required`, `${prefix}${k}`)
    }
    const out: Record<string, unknown> = {}
    for (const [k, value] of Object.entries(v)) out[k] = shape[k](value, `${prefix}${k}`)
    return out as Parsed<S>
  }
}

/** The request body, which the admin server parsed as JSON when it could (raw text otherwise). */
export function parseBody<T>(body: unknown, check: Check<T>): T {
  if (typeof body === 'string') {
    const shown = body.length > 60 ? body.slice(0, 60) + '…' : body
    throw badRequest(`the request body must be a JSON object, got: ${shown}`)
  }
  return check(body, '')
}

/** For routes that take no body: nothing, or `{}`. */
export function noBody(body: unknown): void {
  parseBody(body, object({}))
}

/** Runs a route, answering an AdminError as `{message, field?}` with its status; undefined for no such route. */
export function answering(
  route: () => { status: number; body?: unknown } | undefined
): { status: number; body?: unknown } | undefined {
  try {
    return route()
  } catch (e) {
    if (!(e instanceof AdminError)) throw e
    return {
      status: e.status,
      body: { message: e.message, ...(e.field !== undefined ? { field: e.field } : {}) }
    }
  }
}
