// The environment the GitHub runner gives a JavaScript action step: INPUT_* variables, file commands in files the
// runner creates empty for each step, and the OIDC token request variables (here pointing at the emulator).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { Emulator } from '../emulator/index.ts'
import { inputVariable, RUNNER_DEFAULTS } from '../__tests__/e2e/harness.ts'

export const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
export const POLLER_ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline-poller'

export function reportEnv(emu: Emulator, dir: string, jobId: string): NodeJS.ProcessEnv {
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' }
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...emu.env }
  for (const [name, file] of Object.entries(files)) {
    env[name] = join(dir, file)
    writeFileSync(env[name] as string, '')
  }
  return {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Build',
    RUNNER_NAME: 'GitHub Actions 1',
    'INPUT_JOB-ID': jobId,
    INPUT_STATUS: 'failure',
    INPUT_MESSAGE: 'Unit tests failed',
    'INPUT_FAILURE-TYPE': 'JobFailed',
    'INPUT_ROLE-TO-ASSUME': ROLE,
    'INPUT_ROLE-DURATION-SECONDS': '900',
    INPUT_AUDIENCE: 'sts.amazonaws.com',
    'INPUT_MAX-ATTEMPTS': '5',
    'INPUT_DRY-RUN': 'false'
  }
}

export interface PollStep {
  /** The repository holding the poll workflow. */
  repository: string
  /** The poll workflow's file name. */
  workflow: string
  event: 'workflow_dispatch' | 'schedule'
  /** Inputs set in the workflow's `with:`; poll/action.yml's defaults fill in the rest, as the runner does. */
  inputs: Record<string, string>
}

/**
 * The poll action's step in a run of the poll workflow: every input of poll/action.yml as INPUT_* (its defaults
 * unless `with:` sets it; github-token is this run's token), the runner's variables, the event payload and empty
 * file-command files in `dir`. GITHUB_RUN_ID and GITHUB_RUN_NUMBER are the caller's: a woken run's are known only
 * once GitHub has started it.
 */
export function pollEnv(emu: Emulator, dir: string, step: PollStep): NodeJS.ProcessEnv {
  const action = parseYaml(readFileSync('poll/action.yml', 'utf8')) as {
    inputs: Record<string, { default?: unknown }>
  }
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...RUNNER_DEFAULTS }
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (spec.default !== undefined) env[inputVariable(name)] = String(spec.default)
  }
  env[inputVariable('github-token')] = emu.github.token
  for (const [name, value] of Object.entries(step.inputs)) env[inputVariable(name)] = value
  const files = {
    GITHUB_OUTPUT: 'output',
    GITHUB_STATE: 'state',
    GITHUB_STEP_SUMMARY: 'summary',
    GITHUB_ENV: 'env',
    GITHUB_PATH: 'path',
    GITHUB_EVENT_PATH: 'event.json'
  }
  for (const [name, file] of Object.entries(files)) {
    env[name] = join(dir, file)
    writeFileSync(env[name] as string, '')
  }
  const path = `.github/workflows/${step.workflow}`
  const event =
    step.event === 'workflow_dispatch'
      ? { inputs: {}, ref: 'refs/heads/main', repository: { full_name: step.repository }, workflow: path }
      : { schedule: '*/5 * * * *', repository: { full_name: step.repository } }
  writeFileSync(env.GITHUB_EVENT_PATH as string, JSON.stringify(event))
  mkdirSync(join(dir, 'runner-temp'), { recursive: true })
  return {
    ...env,
    ...emu.env,
    RUNNER_TEMP: join(dir, 'runner-temp'),
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: step.repository,
    GITHUB_REPOSITORY_OWNER: step.repository.split('/')[0],
    GITHUB_WORKFLOW: 'CodePipeline poller',
    GITHUB_WORKFLOW_REF: `${step.repository}/${path}@refs/heads/main`,
    GITHUB_JOB: 'poll',
    GITHUB_EVENT_NAME: step.event
  }
}
