// The upload side of the artifact bench (issue 16): the build's output directory zipped and uploaded to the
// emulator's S3 as the job's output artifact, by the bundled report action (output-artifacts: dist) and by what a
// workflow would otherwise run: `zip -r` followed by `aws s3 cp` (AWS CLI v2) to the same kind of location,
// signed with the job's artifact credentials, with SSE-KMS. What arrives is checked entry by entry.
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Emulator, Job } from '../emulator/index.ts'
import { reportSuccess, type MeasuredRun } from './action-run.ts'
import { cliEnv, readRssMiB, sameEntries, underTime, zipEntries, type Tools } from './artifacts-data.ts'
import { timed } from './spawn-timed.ts'

/** The directory the build wrote, relative to the workspace: `output-artifacts: dist`. */
export const OUTPUT_DIR = 'dist'

/** Two commands one after the other, as consecutive workflow steps; peak RSS is the larger of theirs. */
export interface PairRun {
  ms: number
  peakRssMiB?: number
  steps: Array<{ label: string; ms: number; peakRssMiB?: number }>
}

/**
 * What arrived at the job's output artifact: every file, SSE-KMS, signed for by the job's credentials. Returns
 * the ZIP's size; the stored file is moved to `keep` when given (the download bench's input), else removed, as
 * each run would leave another 250 MiB in the emulator's temporary directory until it closes.
 */
async function verifyStored(emu: Emulator, job: Job, expected: string[], keep?: string): Promise<number> {
  const stored = emu.artifacts.output(job.id, 'BuildOutput')
  if (!stored) throw new Error('nothing was uploaded to BuildOutput')
  if (stored.sse.serverSideEncryption !== 'aws:kms')
    throw new Error(`stored with ${JSON.stringify(stored.sse)}, not SSE-KMS`)
  if (stored.uploadedBy?.accessKeyId !== job.data.artifactCredentials.accessKeyId)
    throw new Error("not uploaded with the job's artifact credentials")
  sameEntries(await zipEntries(stored.path), expected, 'the uploaded ZIP')
  if (keep) await rename(stored.path, keep)
  else await rm(stored.path, { force: true })
  return stored.size
}

/** The report action reporting success with output-artifacts: dist, for a job that declares BuildOutput. */
export async function actionUpload(
  emu: Emulator,
  dir: string,
  workspace: string,
  expected: string[],
  options: { compression?: string; keep?: string } = {}
): Promise<MeasuredRun & { zipBytes: number }> {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const run = await reportSuccess(emu, dir, job.id, workspace, {
    'output-artifacts': OUTPUT_DIR,
    ...(options.compression ? { 'artifact-compression': options.compression } : {})
  })
  return { ...run, zipBytes: await verifyStored(emu, job, expected, options.keep) }
}

/**
 * `zip -r -q <zip> .` in the output directory (its contents at the ZIP's root, as the action puts them), then
 * `aws s3 cp <zip> s3://<output artifact location> --sse aws:kms` with the job's artifact credentials. The ZIP
 * is removed between runs, untimed.
 */
export async function cliUpload(
  emu: Emulator,
  dir: string,
  workspace: string,
  expected: string[],
  tools: Required<Pick<Tools, 'aws' | 'zip'>> & Tools
): Promise<PairRun & { zipBytes: number }> {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const { bucketName, objectKey } = job.data.outputArtifacts[0].location.s3Location
  const archive = join(dir, 'cli-artifact.zip')
  const home = join(dir, 'home')
  await mkdir(home, { recursive: true })
  await rm(archive, { force: true })
  const zipRss = join(dir, 'zip-rss')
  const zipMs = await timed({
    ...underTime(tools, zipRss, tools.zip, ['-r', '-q', archive, '.']),
    cwd: join(workspace, OUTPUT_DIR),
    env: { PATH: process.env.PATH },
    exitCode: 0
  })
  const zipBytes = (await stat(archive)).size
  const cpRss = join(dir, 'cp-rss')
  const cpMs = await timed({
    ...underTime(tools, cpRss, tools.aws, [
      's3',
      'cp',
      archive,
      `s3://${bucketName}/${objectKey}`,
      ...cliTarget(emu),
      '--sse',
      'aws:kms'
    ]),
    env: cliEnv(home, job.data.artifactCredentials),
    exitCode: 0
  })
  const stored = await verifyStored(emu, job, expected)
  if (stored !== zipBytes) throw new Error(`aws s3 cp stored ${stored} bytes of a ${zipBytes}-byte ZIP`)
  await rm(archive, { force: true })
  return {
    ...(await pairRun(tools, [
      ['zip -r -q artifact.zip .', zipMs, zipRss],
      ['aws s3 cp artifact.zip s3://… --sse aws:kms', cpMs, cpRss]
    ])),
    zipBytes
  }
}

/** Steps timed one after the other, each `[label, ms, the file its peak RSS went to]` (none without GNU time). */
export async function pairRun(tools: Tools, steps: Array<[string, number, string]>): Promise<PairRun> {
  const measured = await Promise.all(
    steps.map(async ([label, ms, rssFile]) => ({
      label,
      ms,
      peakRssMiB: tools.time ? await readRssMiB(rssFile) : undefined
    }))
  )
  return { ms: measured.reduce((n, step) => n + step.ms, 0), peakRssMiB: peakOf(measured), steps: measured }
}

/**
 * The CLI's flags for the emulator: CLI v2 before 2.13 ignores AWS_ENDPOINT_URL_S3, and an IP host is addressed
 * path-style, as the emulator wants. Its defaults otherwise (8 MiB parts, 10 threads); no progress output.
 */
export function cliTarget(emu: Emulator): string[] {
  return ['--endpoint-url', emu.urls.s3, '--region', emu.region, '--no-progress', '--only-show-errors']
}

export function peakOf(steps: Array<{ peakRssMiB?: number }>): number | undefined {
  return steps.every(step => step.peakRssMiB !== undefined)
    ? Math.max(...steps.map(step => step.peakRssMiB as number))
    : undefined
}
