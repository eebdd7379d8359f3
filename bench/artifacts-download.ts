// The download side of the artifact bench (issue 16): the ZIP the action uploaded (its random files stored, its
// logs deflated, as a later stage finds it) downloaded from the emulator's S3 as a job's input artifact and
// extracted, by the bundled report action (input-artifacts: in) and by what a workflow would otherwise run:
// `aws s3 cp` of the object, then `unzip`. Every extracted file is checked (name, size, CRC-32), then removed,
// untimed, along with the emulator's copy of the object.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Emulator, Job } from '../emulator/index.ts'
import { reportSuccess, type MeasuredRun } from './action-run.ts'
import { cliEnv, sameEntries, treeEntries, underTime, type Tools } from './artifacts-data.ts'
import { cliTarget, pairRun, type PairRun } from './artifacts-upload.ts'
import { timed } from './spawn-timed.ts'

/** Where the action extracts: `input-artifacts: in`, relative to the workspace. */
const INPUT_DIR = 'in'

const inputJob = (emu: Emulator, zip: string): Promise<Job> =>
  emu.artifacts.addJob({ inputArtifacts: [{ name: 'SourceArtifact', zip: { path: zip } }] })

async function removeInput(emu: Emulator, job: Job): Promise<void> {
  const stored = emu.artifacts.input(job.id, 'SourceArtifact')
  if (stored) await rm(stored.path, { force: true })
}

/** The report action reporting success with input-artifacts: in, for a job whose input artifact is `zip`. */
export async function actionDownload(
  emu: Emulator,
  dir: string,
  workspace: string,
  zip: string,
  expected: string[]
): Promise<MeasuredRun> {
  const job = await inputJob(emu, zip)
  const run = await reportSuccess(emu, dir, job.id, workspace, { 'input-artifacts': INPUT_DIR })
  const out = join(workspace, INPUT_DIR)
  sameEntries(await treeEntries(out), expected, `what the action extracted into ${INPUT_DIR}/`)
  await rm(out, { recursive: true, force: true })
  await removeInput(emu, job)
  return run
}

/** `aws s3 cp s3://<input artifact location> artifact.zip` with the job's artifact credentials, then `unzip -q`. */
export async function cliDownload(
  emu: Emulator,
  dir: string,
  zip: string,
  expected: string[],
  tools: Required<Pick<Tools, 'aws' | 'unzip'>> & Tools
): Promise<PairRun> {
  const job = await inputJob(emu, zip)
  const { bucketName, objectKey } = job.data.inputArtifacts[0].location.s3Location
  const archive = join(dir, 'cli-download.zip')
  const out = join(dir, 'cli-extracted')
  const home = join(dir, 'home')
  await mkdir(home, { recursive: true })
  const cpRss = join(dir, 'cp-rss')
  const cpMs = await timed({
    ...underTime(tools, cpRss, tools.aws, [
      's3',
      'cp',
      `s3://${bucketName}/${objectKey}`,
      archive,
      ...cliTarget(emu)
    ]),
    env: cliEnv(home, job.data.artifactCredentials),
    exitCode: 0
  })
  const unzipRss = join(dir, 'unzip-rss')
  const unzipMs = await timed({
    ...underTime(tools, unzipRss, tools.unzip, ['-q', archive, '-d', out]),
    env: { PATH: process.env.PATH },
    exitCode: 0
  })
  sameEntries(await treeEntries(out), expected, 'what unzip extracted')
  await rm(out, { recursive: true, force: true })
  await rm(archive, { force: true })
  await removeInput(emu, job)
  return pairRun(tools, [
    ['aws s3 cp s3://… artifact.zip', cpMs, cpRss],
    ['unzip -q artifact.zip -d …', unzipMs, unzipRss]
  ])
}
