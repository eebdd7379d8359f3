// Runs a bundled JavaScript action the way the GitHub runner does: a fresh process with a clean environment,
// INPUT_* variables, file commands (GITHUB_OUTPUT, GITHUB_STATE, ...) in files the runner would create, and
// workflow commands (::add-mask:: ...) read back from stdout. Nothing from the test process leaks in.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter as PATH_DELIMITER, dirname, join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

export interface RunActionOptions {
  /** Script to run, relative to the project root; defaults to `runs.main` of `action`. */
  entry?: string
  /** An action.yml: its input defaults are applied like the runner does (and `runs.main` is the default entry). */
  action?: string
  inputs?: Record<string, string>
  /** Overrides on top of the runner variables; `undefined` removes one. */
  env?: Record<string, string | undefined>
  /** Becomes STATE_<name>, as the runner passes a main step's saved state to its post step. */
  state?: Record<string, string>
  /** GITHUB_WORKSPACE and the working directory; a fresh temp dir by default. */
  workdir?: string
  /** What `${{ github.token }}` in an action.yml default evaluates to. */
  githubToken?: string
  timeoutMs?: number
  /** Called once the process has started, e.g. to signal it mid-run as the runner does on cancellation. */
  whileRunning?: (child: ChildProcess) => void | Promise<void>
}

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

export interface ActionResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** Variables exported through GITHUB_ENV. */
  env: Record<string, string>
  /** Raw GITHUB_PATH content, one directory a line. */
  path: string
  masked: string[]
  /** Every ::command:: on stdout (error, warning, notice, debug, group, add-mask, ...). */
  commands: WorkflowCommand[]
  durationMs: number
}

/** Realistic values for a workflow_dispatch run of octo-org/octo-repo on a GitHub-hosted runner. */
export const RUNNER_DEFAULTS: Readonly<Record<string, string>> = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_ACTOR: 'octocat',
  GITHUB_ACTOR_ID: '583231',
  GITHUB_TRIGGERING_ACTOR: 'octocat',
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_REPOSITORY_OWNER: 'octo-org',
  GITHUB_REPOSITORY_ID: '123456789',
  GITHUB_REPOSITORY_OWNER_ID: '9919',
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_NUMBER: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'Build',
  GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/build.yml@refs/heads/main',
  GITHUB_WORKFLOW_SHA: '4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
  GITHUB_JOB: 'build',
  GITHUB_ACTION: '__octo-org_codepipeline-bridge',
  GITHUB_ACTION_REPOSITORY: 'octo-org/codepipeline-bridge',
  GITHUB_ACTION_REF: 'v1',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
  GITHUB_SHA: '4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_REF_PROTECTED: 'false',
  GITHUB_RETENTION_DAYS: '90',
  RUNNER_NAME: 'GitHub Actions 1',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_ENVIRONMENT: 'github-hosted'
}

/** The runner's rule: spaces become underscores, then upper case; hyphens stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file with the runner's NAME=VALUE and NAME<<DELIMITER rules. */
export function parseFileCommands(content: string, file = 'file'): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = content.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const eq = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq)
      if (name === '') throw new Error(`${file}: invalid format '${line}': name must not be empty`)
      result[name] = line.slice(eq + 1)
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (name === '' || delimiter === '') throw new Error(`${file}: invalid format '${line}'`)
      const value: string[] = []
      for (i++; ; i++) {
        if (i >= lines.length)
          throw new Error(`${file}: invalid value, matching delimiter not found '${delimiter}'`)
        if (lines[i] === delimiter) break
        value.push(lines[i])
      }
      result[name] = value.join('\n')
    } else {
      throw new Error(`${file}: invalid format '${line}'`)
    }
  }
  return result
}

function unescape(s: string, property: boolean): string {
  const out = s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n')
  return (property ? out.replace(/%3A/gi, ':').replace(/%2C/gi, ',') : out).replace(/%25/g, '%')
}

/** Reads workflow commands from stdout, honouring ::stop-commands:: like the runner. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    if (stopToken !== undefined) {
      if (m[1] === stopToken && m[3] === '') stopToken = undefined
      continue
    }
    if (m[1] === 'stop-commands') {
      stopToken = m[3]
      continue
    }
    const properties: Record<string, string> = {}
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), true)
    }
    commands.push({ command: m[1], properties, message: unescape(m[3], false) })
  }
  return commands
}

interface ActionYml {
  inputs?: Record<string, { default?: unknown }>
  runs?: { main?: string; post?: string; 'post-if'?: string }
}

async function loadAction(path: string): Promise<ActionYml> {
  try {
    return parseYaml(await readFile(path, 'utf8')) as ActionYml
  } catch (e) {
    // The runner refuses an action whose metadata does not parse; say which file, since tests rarely do.
    throw new Error(`${path} is not valid YAML, so the runner could not load this action: ${String(e)}`)
  }
}

// Only the contexts an action.yml default can reasonably use; anything else fails loudly rather than guess.
function evaluateDefault(
  value: string,
  env: Record<string, string | undefined>,
  githubToken: string
): string {
  return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.token') return githubToken
    const m = /^(github|runner)\.(\w+)$/.exec(expr)
    const v = m ? env[`${m[1].toUpperCase()}_${m[2].toUpperCase()}`] : undefined
    if (v === undefined) throw new Error(`harness cannot evaluate \${{ ${expr} }} in an action.yml default`)
    return v
  })
}

export async function runAction(options: RunActionOptions): Promise<ActionResult> {
  const action = options.action ? await loadAction(resolve(options.action)) : undefined
  const entryRel = options.entry ?? action?.runs?.main
  if (!entryRel) throw new Error('runAction needs an entry (or an action.yml with runs.main)')
  const entry =
    options.action && !options.entry ? resolve(dirname(options.action), entryRel) : resolve(entryRel)
  const temp = await mkdtemp(join(tmpdir(), 'action-run-'))
  const files = {
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_STATE: join(temp, 'state'),
    GITHUB_STEP_SUMMARY: join(temp, 'step_summary'),
    GITHUB_ENV: join(temp, 'env'),
    GITHUB_PATH: join(temp, 'path'),
    GITHUB_EVENT_PATH: join(temp, 'event.json')
  }
  const workspace = options.workdir ?? join(temp, 'workspace')
  await mkdir(workspace, { recursive: true })
  await mkdir(join(temp, 'runner-temp'))
  await Promise.all(Object.values(files).map(f => writeFile(f, '')))
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? temp,
    ...RUNNER_DEFAULTS,
    RUNNER_TEMP: join(temp, 'runner-temp'),
    RUNNER_TOOL_CACHE: join(temp, 'tool-cache'),
    GITHUB_WORKSPACE: workspace,
    ...files
  }
  for (const [name, spec] of Object.entries(action?.inputs ?? {})) {
    if (spec?.default !== undefined) {
      env[inputVariable(name)] = evaluateDefault(
        String(spec.default),
        { ...env, ...options.env },
        options.githubToken ?? ''
      )
    }
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  Object.assign(env, options.env)
  const event = {
    inputs: {},
    ref: env.GITHUB_REF,
    repository: { full_name: env.GITHUB_REPOSITORY },
    workflow: ''
  }
  await writeFile(files.GITHUB_EVENT_PATH, JSON.stringify(event))
  const cleanEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >

  const started = performance.now()
  const child = spawn(process.execPath, [entry], {
    cwd: workspace,
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs ?? 60_000)
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail)
    child.once('close', (code, sig) => done([code, sig]))
  })
  await options.whileRunning?.(child)
  const [exitCode, signal] = await exited
  clearTimeout(timer)
  const durationMs = performance.now() - started

  const read = (f: string): Promise<string> => readFile(f, 'utf8')
  const commands = parseWorkflowCommands(stdout)
  const result: ActionResult = {
    exitCode,
    signal,
    timedOut,
    stdout,
    stderr,
    outputs: parseFileCommands(await read(files.GITHUB_OUTPUT), 'GITHUB_OUTPUT'),
    state: parseFileCommands(await read(files.GITHUB_STATE), 'GITHUB_STATE'),
    summary: await read(files.GITHUB_STEP_SUMMARY),
    env: parseFileCommands(await read(files.GITHUB_ENV), 'GITHUB_ENV'),
    path: await read(files.GITHUB_PATH),
    masked: commands.filter(c => c.command === 'add-mask').map(c => c.message),
    commands,
    durationMs
  }
  await rm(temp, { recursive: true, force: true })
  return result
}

export interface MainAndPostOptions extends RunActionOptions {
  /** Script for the post step; defaults to `runs.post` of `action`, else the main entry (one bundle for both). */
  postEntry?: string
}

/** Main, then post with main's saved state and its GITHUB_ENV / GITHUB_PATH, as later steps of a job see them. */
export async function runMainAndPost(
  options: MainAndPostOptions
): Promise<{ main: ActionResult; post: ActionResult | undefined }> {
  const { postEntry, ...mainOptions } = options
  const main = await runAction(mainOptions)
  const action = options.action ? await loadAction(resolve(options.action)) : undefined
  const postIf = action?.runs?.['post-if'] ?? 'always()'
  const mainOk = main.exitCode === 0
  if ((postIf === 'success()' && !mainOk) || (postIf === 'failure()' && mainOk))
    return { main, post: undefined }
  const fromAction =
    action?.runs?.post && options.action ? resolve(dirname(options.action), action.runs.post) : undefined
  // An action.yml without runs.post has no post step; without an action.yml, one bundle serves both.
  const entry = postEntry ?? (action ? fromAction : options.entry)
  if (!entry) return { main, post: undefined }
  const added = main.path.split('\n').filter(Boolean).reverse()
  const basePath = options.env?.PATH ?? process.env.PATH ?? ''
  const post = await runAction({
    ...mainOptions,
    entry,
    state: main.state,
    env: {
      ...options.env,
      ...main.env,
      ...(added.length > 0 ? { PATH: [...added, basePath].join(PATH_DELIMITER) } : {})
    }
  })
  return { main, post }
}
