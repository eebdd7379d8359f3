// Shared set-up for the report action's end-to-end tests: an emulator with the reporter role, this run
// (RUNNER_DEFAULTS' run ID, attempt 1) with the job running the action, and runner-like invocations of the
// bundled report action with action.yml's defaults.
import { startEmulator, type Emulator, type GitHubJobInit } from '../../emulator/index.ts'
import { RUNNER_DEFAULTS, runAction, runMainAndPost, type ActionResult } from './harness.ts'

export const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
export const RUN_ID = Number(RUNNER_DEFAULTS.GITHUB_RUN_ID)
export const RUN_URL = `https://github.com/octo-org/octo-repo/actions/runs/${RUN_ID}`
export const RUNNER = RUNNER_DEFAULTS.RUNNER_NAME

export async function startReportEmulator(): Promise<Emulator> {
  const emu = await startEmulator()
  emu.sts.addRole({ arn: ROLE, subject: 'repo:octo-org/octo-repo:*' })
  return emu
}

/** This run, with the job running the action in progress on this runner, plus any other jobs. */
export function addThisRun(
  emu: Emulator,
  ownSteps: GitHubJobInit['steps'],
  others: GitHubJobInit[] = []
): void {
  emu.github.addRun('octo-org/octo-repo', {
    id: RUN_ID,
    runNumber: 42,
    name: 'Build',
    status: 'in_progress',
    jobs: [...others, { name: 'build', status: 'in_progress', runnerName: RUNNER, steps: ownSteps }]
  })
}

export interface ReportOptions {
  env?: Record<string, string | undefined>
  githubToken?: string
  state?: Record<string, string>
}

export function report(
  emu: Emulator,
  inputs: Record<string, string>,
  options: ReportOptions = {}
): Promise<ActionResult> {
  return runAction({
    action: 'action.yml',
    githubToken: options.githubToken ?? emu.github.token,
    inputs: { 'role-to-assume': ROLE, ...inputs },
    env: { ...emu.env, ...options.env },
    state: options.state
  })
}

export function reportMainAndPost(
  emu: Emulator,
  inputs: Record<string, string>,
  options: ReportOptions = {}
) {
  return runMainAndPost({
    action: 'action.yml',
    githubToken: options.githubToken ?? emu.github.token,
    inputs: { 'role-to-assume': ROLE, ...inputs },
    env: { ...emu.env, ...options.env }
  })
}

/** The one request CodePipeline recorded as the job's result. */
export function resultOf(emu: Emulator, jobId: string) {
  const results = emu.codepipeline.job(jobId)?.results ?? []
  if (results.length !== 1) throw new Error(`expected one result for ${jobId}, got ${results.length}`)
  return results[0]
}

export function operations(emu: Emulator, service?: string): string[] {
  return emu.requests.filter(r => !service || r.service === service).map(r => r.operation)
}

/** Every secret the run handled must appear only inside ::add-mask:: commands, never in logs, outputs or summary. */
export function expectNoLeak(result: ActionResult, secrets: string[]): void {
  const unmaskedLog = result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const visible = [
    unmaskedLog,
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
    JSON.stringify(result.state)
  ]
  for (const secret of secrets.filter(Boolean)) {
    for (const text of visible)
      if (text.includes(secret)) throw new Error(`secret leaked: ${secret.slice(0, 6)}…`)
    if (!result.masked.includes(secret)) throw new Error(`secret not masked: ${secret.slice(0, 6)}…`)
  }
}
