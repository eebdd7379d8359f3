import { isAbsolute, resolve } from 'node:path'
import { UserError } from '../errors.ts'
import { inputLines } from '../inputs.ts'
import { codepipeline as limits } from '../limits.ts'
import { quoteList } from '../messages.ts'
import { misconfigured } from './artifact-error.ts'

// The output-artifacts input, in two steps. Its syntax is checked with the other inputs, before any network
// call; whether its names are the job's output artifacts can only be checked once GetJobDetails has told which
// artifacts the job declares, and that is still before anything is sent. Pure: text and names in, plans out.

/** A path as the user wrote it, and where it is. */
export interface LocalPath {
  given: string
  absolute: string
}

/** What output-artifacts asks for: one path per artifact name, or one path for the job's only output artifact. */
export type OutputArtifactsInput =
  { kind: 'named'; entries: { name: string; path: LocalPath }[] } | { kind: 'bare'; path: LocalPath }

/** One output artifact to upload: the job's name for it and the file or directory that becomes its ZIP. */
export interface OutputArtifact {
  name: string
  path: LocalPath
}

// `NAME=` at the start of a line: a token without spaces or slashes before `=`. `./out=1` is a path.
const NAMED = /^([^\s=/\\]+)\s*=\s*(.*)$/

/** A path relative to the workspace (GITHUB_WORKSPACE), or absolute. */
export function localPath(given: string, workspace: string): LocalPath {
  return { given, absolute: isAbsolute(given) ? resolve(given) : resolve(workspace, given) }
}

export function parseOutputArtifacts(raw: string, workspace: string): OutputArtifactsInput | undefined {
  const lines = inputLines(raw)
  if (!lines.length) return undefined
  if (!lines.some(line => NAMED.test(line.text))) {
    if (lines.length > 1) {
      throw new UserError(
        `output-artifacts has ${lines.length} lines without an artifact name; write one NAME=PATH line per ` +
          'output artifact (e.g. BuildOutput=dist), or a single PATH when the job declares one output artifact.'
      )
    }
    return { kind: 'bare', path: localPath(lines[0].text, workspace) }
  }
  const entries: { name: string; path: LocalPath }[] = []
  for (const line of lines) {
    const match = NAMED.exec(line.text)
    if (!match) {
      throw new UserError(
        `output-artifacts line ${line.number} is "${line.text}"; write NAME=PATH on every line (e.g. BuildOutput=dist).`
      )
    }
    const [, name, path] = match
    if (!limits.artifactName.test(name)) {
      throw new UserError(
        `output-artifacts line ${line.number}: "${name}" is not an artifact name; CodePipeline's names are 1 to ` +
          '100 letters, digits, _ and -.'
      )
    }
    if (!path)
      throw new UserError(`output-artifacts line ${line.number} gives ${name} no path: write ${name}=PATH.`)
    if (entries.some(entry => entry.name === name)) {
      throw new UserError(`output-artifacts names ${name} twice; keep one line for it.`)
    }
    entries.push({ name, path: localPath(path, workspace) })
  }
  return { kind: 'named', entries }
}

/**
 * The uploads that give the job every output artifact it declares, in the job's order. Anything else is an
 * ArtifactError (ConfigurationError) that says what to change: a name the job does not declare, a declared
 * artifact without an entry, a bare path when the job does not declare exactly one.
 */
export function matchOutputArtifacts(
  input: OutputArtifactsInput | undefined,
  declared: string[]
): OutputArtifact[] {
  const theirs = declared.length
    ? `its output artifacts are ${quoteList(declared)}`
    : 'it declares no output artifacts'
  if (!input) {
    if (!declared.length) return []
    throw misconfigured(
      `This job declares output artifact(s) ${quoteList(declared)}, but output-artifacts is empty: add ` +
        `${declared.map(name => `${name}=PATH`).join(', ')} so that the pipeline's later stages get them.`
    )
  }
  if (input.kind === 'bare') {
    if (declared.length === 1) return [{ name: declared[0], path: input.path }]
    throw misconfigured(
      `output-artifacts is a single path ("${input.path.given}") without a name, but this job does not declare ` +
        `exactly one output artifact: ${theirs}. ` +
        (declared.length ? 'Write one NAME=PATH line for each.' : 'Remove output-artifacts.')
    )
  }
  const names = input.entries.map(entry => entry.name)
  const undeclared = names.filter(name => !declared.includes(name))
  const missing = declared.filter(name => !names.includes(name))
  const problems = [
    ...(undeclared.length
      ? [`output-artifacts names ${quoteList(undeclared)}, which this job does not declare; ${theirs}.`]
      : []),
    ...missing.map(
      name => `Output artifact "${name}" has no entry in output-artifacts: add a line ${name}=PATH.`
    )
  ]
  if (problems.length) throw misconfigured(problems.join(' '))
  return declared.map(name => input.entries.find(entry => entry.name === name) as OutputArtifact)
}

/** The entries as a log line, for a dry run (the job's declarations are not read then). */
export function describeOutputArtifacts(input: OutputArtifactsInput): string {
  return input.kind === 'bare'
    ? `the job's only output artifact from ${input.path.given}`
    : input.entries.map(entry => `${entry.name} from ${entry.path.given}`).join(', ')
}
