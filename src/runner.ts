import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'

// The runner's workflow commands and file commands, as documented for GitHub Actions and implemented by
// @actions/core. @actions/core 3 is not used at run time because loading it (it pulls in undici through
// @actions/http-client) costs ~80 ms and ~22 MiB, more than this action's whole start-up budget.

function command(name: string, message: string, properties: Record<string, string> = {}): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escape(value).replace(/:/g, '%3A').replace(/,/g, '%2C')}`)
    .join(',')
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escape(message)}${EOL}`)
}

function escape(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Appends `name<<delimiter` blocks to a GITHUB_* file, so values may span lines. */
function fileCommand(file: 'OUTPUT' | 'STATE', name: string, value: string): void {
  const path = process.env[`GITHUB_${file}`]
  if (!path) {
    // Older runners without file commands; the action targets node24 runners, which all have them.
    command(file === 'OUTPUT' ? 'set-output' : 'save-state', value, { name })
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

export const info = (message: string): void => void process.stdout.write(message + EOL)
export const debug = (message: string): void => command('debug', message)
export const warning = (message: string): void => command('warning', message)
export const error = (message: string): void => command('error', message)

const masked = new Set<string>()

/** Registers a value the runner must mask in every log line from now on (multi-line values line by line). */
export function setSecret(secret: string): void {
  for (const line of secret.split(/\r?\n/)) {
    if (!line.trim() || masked.has(line)) continue
    masked.add(line)
    command('add-mask', line)
  }
}

export const setOutput = (name: string, value: string): void => fileCommand('OUTPUT', name, value)
export const saveState = (name: string, value: string): void => fileCommand('STATE', name, value)
export const getState = (name: string): string => process.env[`STATE_${name}`] ?? ''

export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** Appends Markdown to the job summary page; a no-op outside a runner (e.g. local runs without the file). */
export function appendSummary(markdown: string): void {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (path) appendFileSync(path, markdown + EOL, 'utf8')
}
