// Shared set-up for the artifact end-to-end tests: the bundled report action run in a workspace the test keeps
// (so a "step" of the test can read what the main step extracted and write what the post step uploads), and
// what a user checks afterwards: the objects in the artifact store, who signed for them, the result.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Emulator, Job } from '../../emulator/index.ts'
import { runAction, type ActionResult } from './harness.ts'
import { ROLE } from './report-fixture.ts'

export async function workspace(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'artifacts-workspace-'))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** One step running the bundled report action in `workdir` (GITHUB_WORKSPACE). */
export function reportStep(
  emu: Emulator,
  workdir: string,
  inputs: Record<string, string>,
  options: { state?: Record<string, string>; env?: Record<string, string> } = {}
): Promise<ActionResult> {
  return runAction({
    action: 'action.yml',
    githubToken: emu.github.token,
    inputs: { 'role-to-assume': ROLE, ...inputs },
    env: { ...emu.env, ...options.env },
    state: options.state,
    workdir
  })
}

/** The job's artifact credentials: every S3 request must be signed with them, and they must never be printed. */
export function artifactSecrets(job: Job): string[] {
  const c = job.data.artifactCredentials
  return [c.accessKeyId, c.secretAccessKey, c.sessionToken]
}

/** Every S3 request the emulator saw was signed with this job's artifact credentials, and none was refused. */
export function onlyArtifactCredentials(emu: Emulator, job: Job): void {
  const keys = new Set(emu.s3.requests.map(r => r.accessKeyId))
  if (emu.s3.refusals.length) throw new Error(`S3 refused: ${JSON.stringify(emu.s3.refusals)}`)
  if (emu.s3.requests.length === 0) throw new Error('no S3 request was made')
  if (keys.size !== 1 || !keys.has(job.data.artifactCredentials.accessKeyId)) {
    throw new Error(`S3 requests were signed by ${[...keys].join(', ')}, not only by the job's artifact key`)
  }
}

/** Operations in the order the emulator received them, CodePipeline's and S3's interleaved. */
export function timeline(emu: Emulator): string[] {
  return emu.requests.filter(r => r.service === 's3' || r.service === 'codepipeline').map(r => r.operation)
}
