import * as core from '@actions/core'
import { UserError } from './errors.ts'

// Input parsing shared by both actions. Each reader takes the raw value (already trimmed, '' when unset)
// and names the input in its error, so a user can find the line in their workflow to change.

export type InputReader = (name: string) => string

/** The step's `with:` inputs, as the runner passes them (trimmed; '' when unset). */
export const actionInput: InputReader = name => core.getInput(name)

/** The non-blank lines of a multi-line input, trimmed, with their line numbers as the user counts them. */
export function inputLines(raw: string): { text: string; number: number }[] {
  return raw
    .split(/\r?\n/)
    .map((text, index) => ({ text: text.trim(), number: index + 1 }))
    .filter(line => line.text)
}

export function required(input: InputReader, name: string, hint: string): string {
  const value = input(name)
  if (!value) throw new UserError(`Input ${name} is required: ${hint}`)
  return value
}

export function oneOf<T extends string>(
  input: InputReader,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const value = input(name) || fallback
  const match = allowed.find(a => a.toLowerCase() === value.toLowerCase())
  if (!match) throw new UserError(`Input ${name} is "${value}"; allowed values: ${allowed.join(', ')}.`)
  return match
}

export function integer(
  input: InputReader,
  name: string,
  range: { min: number; max: number },
  fallback?: number
): number | undefined {
  const raw = input(name)
  if (!raw) return fallback
  const value = Number(raw)
  if (!/^-?\d+$/.test(raw) || value < range.min || value > range.max) {
    throw new UserError(`Input ${name} is "${raw}"; use a whole number from ${range.min} to ${range.max}.`)
  }
  return value
}

export function boolean(input: InputReader, name: string, fallback: boolean): boolean {
  const raw = input(name).toLowerCase()
  if (!raw) return fallback
  if (['true', 'yes', 'on', '1'].includes(raw)) return true
  if (['false', 'no', 'off', '0'].includes(raw)) return false
  throw new UserError(`Input ${name} is "${input(name)}"; use true or false.`)
}

export function matching(
  input: InputReader,
  name: string,
  pattern: RegExp,
  allowed: string
): string | undefined {
  const value = input(name)
  if (!value) return undefined
  if (!pattern.test(value)) throw new UserError(`Input ${name} is "${value}"; ${allowed}.`)
  return value
}

export function bounded(
  input: InputReader,
  name: string,
  range: { min: number; max: number }
): string | undefined {
  const value = input(name)
  if (!value) return undefined
  if (value.length > range.max) {
    throw new UserError(`Input ${name} is ${value.length} characters long; the limit is ${range.max}.`)
  }
  return value
}
