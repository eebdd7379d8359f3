// Shared set-up for the poll action's end-to-end tests: an emulator with a poller role, a repository with a
// dispatchable workflow, and a runner-like invocation of the bundled poll action (poll/action.yml defaults).
import { expect } from '@jest/globals'
import { startEmulator, type Emulator, type Job, type JobInit } from '../../emulator/index.ts'
import { runAction, type ActionResult, type RunActionOptions } from './harness.ts'

export const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline-poller'
export const REPO = 'octo-org/octo-repo'
export const DISPATCH_ROUTE = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'

export async function startPollEmulator(options: { latencyMs?: number } = {}): Promise<Emulator> {
  const emu = await startEmulator(options)
  emu.sts.addRole({ arn: ROLE })
  emu.github.addRepo(REPO, { branches: ['release'] })
  emu.github.addWorkflow(REPO, {
    file: 'build.yml',
    // As the examples' workflows name their runs: how reconciliation finds a run's job.
    runName: 'Build for CodePipeline job ${{ inputs.codepipeline-job-id }}',
    inputs: { 'codepipeline-job-id': { required: true } }
  })
  return emu
}

export function runPoll(
  emu: Emulator,
  inputs: Record<string, string> = {},
  options: Pick<RunActionOptions, 'env' | 'githubToken' | 'whileRunning' | 'timeoutMs'> = {}
): Promise<ActionResult> {
  return runAction({
    ...options,
    action: 'poll/action.yml',
    githubToken: options.githubToken ?? emu.github.token,
    inputs: { provider: 'GitHubActions', 'role-to-assume': ROLE, ...inputs },
    env: { ...emu.env, ...options.env }
  })
}

export function queue(emu: Emulator, init: JobInit = {}): Job {
  return emu.codepipeline.queueJob({ configuration: { Repository: REPO, Workflow: 'build.yml' }, ...init })
}

export interface PolledJob {
  jobId: string
  pipeline: string | null
  stage: string | null
  action: string | null
  repository: string | null
  workflow: string | null
  ref: string | null
  runId: number | null
  runUrl: string | null
  result: string
  detail: string
}

export function jobsOutput(result: ActionResult): PolledJob[] {
  return JSON.parse(result.outputs.jobs) as PolledJob[]
}

/** The result CodePipeline recorded for a job: what a pipeline would show. */
export function reported(emu: Emulator, jobId: string): Record<string, unknown> | undefined {
  const results = emu.codepipeline.job(jobId)?.results ?? []
  expect(results.length).toBeLessThanOrEqual(1)
  return results[0]?.request
}

/** Log lines a user reads (workflow commands other than add-mask included, as the runner shows them). */
export function logOf(result: ActionResult): string {
  return result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
}

/** Every secret the run could have seen: artifact credentials, the GitHub token, STS credentials, OIDC tokens. */
export function expectNoSecrets(emu: Emulator, result: ActionResult): void {
  const secrets = [
    emu.github.token,
    ...emu.codepipeline.jobs.flatMap(j => Object.values(j.data.artifactCredentials)),
    ...emu.sts.issued.flatMap(c => [c.secretAccessKey, c.sessionToken]),
    ...emu.oidc.issued.map(t => t.token)
  ]
  const seen = [logOf(result), result.stderr, result.summary, JSON.stringify(result.outputs)].join('\n')
  for (const secret of secrets) expect(seen).not.toContain(secret)
}

/** Waits until the emulator has received `count` requests for `operation` (for races staged by a test). */
export async function requestsFor(emu: Emulator, operation: string, count = 1): Promise<void> {
  const deadline = Date.now() + 20_000
  while (emu.requests.filter(r => r.operation === operation).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${operation} request arrived`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
