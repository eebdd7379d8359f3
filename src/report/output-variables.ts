import { UserError } from '../errors.ts'
import { parseJson } from '../json.ts'
import { codepipeline as limits } from '../limits.ts'

/**
 * `KEY=value` lines (or a JSON object of strings) → CodePipeline output variables, checked against the
 * service's name pattern and total size so a bad value fails here, not after the build has run.
 */
export function parseOutputVariables(raw: string): Record<string, string> | undefined {
  if (!raw.trim()) return undefined
  const variables = /^[[{]/.test(raw.trim()) ? fromJson(raw) : fromLines(raw)
  for (const name of Object.keys(variables)) {
    if (!limits.outputVariableName.test(name)) {
      throw new UserError(
        `output-variables: "${name}" is not a valid variable name; use letters, digits and @ - _ only.`
      )
    }
  }
  const bytes = variablesBytes(variables)
  if (bytes > limits.outputVariablesBytes) {
    throw new UserError(
      `output-variables total ${bytes} bytes; CodePipeline allows ${limits.outputVariablesBytes} bytes for all of an ` +
        "action's variables together. Pass fewer or shorter values (store large data as an artifact)."
    )
  }
  return variables
}

/** What output variables count against CodePipeline's limit: the bytes of every name and value. */
export function variablesBytes(variables: Record<string, string>): number {
  let bytes = 0
  for (const [name, value] of Object.entries(variables))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value)
  return bytes
}

function fromLines(raw: string): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const [index, line] of raw.split(/\r?\n/).entries()) {
    if (!line.trim()) continue
    const eq = line.indexOf('=')
    if (eq <= 0) {
      throw new UserError(`output-variables line ${index + 1} is "${line}"; write one KEY=value per line.`)
    }
    add(variables, line.slice(0, eq).trim(), line.slice(eq + 1))
  }
  return variables
}

function fromJson(raw: string): Record<string, string> {
  const result = parseJson(raw)
  if ('reason' in result)
    throw new UserError(`output-variables looks like JSON but does not parse: ${result.reason}`)
  const parsed = result.value
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(
      'output-variables as JSON must be an object of names to values, e.g. {"IMAGE_TAG": "v1"}.'
    )
  }
  const variables: Record<string, string> = {}
  for (const [name, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object') {
      throw new UserError(`output-variables: the value of "${name}" is not a string, number or boolean.`)
    }
    add(variables, name, String(value))
  }
  return variables
}

function add(variables: Record<string, string>, name: string, value: string): void {
  if (Object.hasOwn(variables, name)) throw new UserError(`output-variables sets "${name}" twice; keep one.`)
  variables[name] = value
}
