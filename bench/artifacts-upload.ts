// Issue 9's upload figure: a 256 MiB build output directory zipped and uploaded to the emulator's S3 as a job's
// output artifact, by the bundled report action (dist/report/index.js, a step reporting success with
// output-artifacts, as the runner starts it) and, side by side, by what a workflow would otherwise run:
// `zip -r` followed by `aws s3 cp` (AWS CLI v2) of the same directory to the same kind of location, signed with
// the job's artifact credentials, with SSE-KMS. Each run gets a fresh job (a reported job cannot be reported
// again), the runs are interleaved (the order alternates every round) and each figure is a median.
//
// The data set: 56 files of 4 MiB of random bytes (deflate gains nothing: the worst case for time) and 8 text
// files of 4 MiB (JSON log lines, which deflate shrinks), 64 files and 256 MiB in all, in two sub-directories.
// Both ZIPs are checked entry by entry (name, size, CRC-32) against the files written.
//
// Peak RSS: the action's from a preloaded hook (process.resourceUsage().maxRSS at exit, in the timed run: its
// cost is a few milliseconds in runs of seconds); zip's and the CLI's from GNU time (`/usr/bin/time -f %M`), the
// same kernel figure (ru_maxrss) for a child; not measured when GNU time is missing.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { crc32 } from 'node:zlib'
import { openPromise } from 'yauzl'
import { startEmulator, type Emulator, type Job } from '../emulator/index.ts'
import { findAwsCliV2, INSTALL_HINT } from './aws-cli.ts'
import { reportEnv } from './runner-env.ts'
import { median, timed } from './spawn-timed.ts'

const MiB = 1024 * 1024
const ENTRY = resolve('dist/report/index.js')
const RSS_HOOK = pathToFileURL(resolve('bench/peak-rss.mjs')).href
const GNU_TIME = '/usr/bin/time'
const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
/** The directory the build wrote, relative to the workspace: `output-artifacts: dist`. */
const OUTPUT_DIR = 'dist'

export const ZIP_INSTALL_HINT = "install it with `apt-get install -y zip` (Debian's Info-ZIP zip)"
export const TIME_INSTALL_HINT = 'install GNU time with `apt-get install -y time`'

export interface DataSet {
  binaryFiles: number
  textFiles: number
  fileBytes: number
}

export const DATA_SET: DataSet = {
  binaryFiles: 56,
  textFiles: 8,
  fileBytes: 4 * MiB
}

/** The data set's size in bytes. */
export const dataBytes = (set: DataSet): number => (set.binaryFiles + set.textFiles) * set.fileBytes

export function describeDataSet(set = DATA_SET): string {
  return (
    `${dataBytes(set) / MiB} MiB in ${set.binaryFiles + set.textFiles} files of ${set.fileBytes / MiB} MiB: ${set.binaryFiles} of random ` +
    `bytes (incompressible) and ${set.textFiles} of JSON log lines (compressible), in two sub-directories`
  )
}

export interface UploadRun {
  ms: number
  /** The whole run's peak: the largest of its processes'. */
  peakRssMiB?: number
}

export interface ArtifactUploadBench {
  runs: number
  data: DataSet
  zipBytes: { action: number; cli?: number }
  /** Medians; peak RSS is the largest of all runs (a budget on the peak holds for the worst run). */
  action: UploadRun
  /** zip -r then aws s3 cp, one after the other, as a workflow's steps would run them. */
  cli?: UploadRun & { zipMs: number; cpMs: number; zipRssMiB?: number; cpRssMiB?: number }
  /** The tools used, or why the CLI pair was skipped and how to install what is missing. */
  tools: {
    aws?: string
    awsVersion?: string
    zip?: string
    time?: string
    skipped?: string
    rssSkipped?: string
  }
  checked: { action: number; cli: number }
}

/** The side-by-side upload figures; `runs` rounds of one action run and one CLI pair each. */
export async function artifactUploadBench(runs = 3, data = DATA_SET): Promise<ArtifactUploadBench> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-upload-'))
  const emu = await startEmulator()
  try {
    emu.sts.addRole({ arn: ROLE, subject: 'repo:octo-org/octo-repo:*' })
    const workspace = join(dir, 'workspace')
    const expected = await writeDataSet(join(workspace, OUTPUT_DIR), data)
    const tools = findTools()
    const checked = { action: 0, cli: 0 }
    const zipBytes: ArtifactUploadBench['zipBytes'] = { action: 0 }

    const actionRuns: UploadRun[] = []
    const cliRuns: NonNullable<ArtifactUploadBench['cli']>[] = []
    const action = async () => {
      const run = await actionUpload(emu, dir, workspace, expected)
      zipBytes.action = run.zipBytes
      checked.action++
      actionRuns.push(run)
    }
    const cli = async () => {
      if (!tools.aws || !tools.zip) return
      const run = await cliUpload(emu, dir, workspace, expected, {
        aws: tools.aws,
        zip: tools.zip,
        gnuTime: tools.time !== undefined
      })
      zipBytes.cli = run.zipBytes
      checked.cli++
      cliRuns.push(run)
    }
    for (let round = 0; round < runs; round++) {
      for (const next of round % 2 === 0 ? [action, cli] : [cli, action]) await next()
    }
    const peak = (values: Array<number | undefined>) =>
      values.every(v => v !== undefined) ? Math.max(...(values as number[])) : undefined
    return {
      runs,
      data,
      zipBytes,
      action: { ms: median(actionRuns.map(r => r.ms)), peakRssMiB: peak(actionRuns.map(r => r.peakRssMiB)) },
      ...(cliRuns.length
        ? {
            cli: {
              ms: median(cliRuns.map(r => r.ms)),
              zipMs: median(cliRuns.map(r => r.zipMs)),
              cpMs: median(cliRuns.map(r => r.cpMs)),
              peakRssMiB: peak(cliRuns.map(r => r.peakRssMiB)),
              zipRssMiB: peak(cliRuns.map(r => r.zipRssMiB)),
              cpRssMiB: peak(cliRuns.map(r => r.cpRssMiB))
            }
          }
        : {}),
      tools,
      checked
    }
  } finally {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  }
}

function findTools(): ArtifactUploadBench['tools'] {
  const tools: ArtifactUploadBench['tools'] = {}
  const aws = findAwsCliV2()
  const zip = ['/usr/bin/zip', '/bin/zip'].find(p => existsSync(p))
  const missing: string[] = []
  if ('path' in aws) {
    tools.aws = aws.path
    tools.awsVersion = aws.version
  } else missing.push(`${aws.missing}: ${INSTALL_HINT}`)
  if (zip) tools.zip = zip
  else missing.push(`no zip: ${ZIP_INSTALL_HINT}`)
  if (missing.length) tools.skipped = missing.join('; ')
  if (existsSync(GNU_TIME)) {
    try {
      execFileSync(GNU_TIME, ['-f', '%M', 'true'], { stdio: 'ignore' })
      tools.time = GNU_TIME
    } catch {
      tools.rssSkipped = `${GNU_TIME} is not GNU time: ${TIME_INSTALL_HINT}`
    }
  } else tools.rssSkipped = `no ${GNU_TIME}: ${TIME_INSTALL_HINT}`
  return tools
}

/** Writes the data set; returns the entries a ZIP of it must hold (path, size, CRC-32), sorted. */
async function writeDataSet(root: string, data: DataSet): Promise<string[]> {
  const entries: string[] = []
  const write = async (path: string, content: Buffer) => {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), content)
    entries.push(`${path} ${content.length} ${crc32(content)}`)
  }
  for (let i = 0; i < data.binaryFiles; i++) {
    await write(`assets/chunk-${String(i).padStart(3, '0')}.bin`, randomBytes(data.fileBytes))
  }
  for (let i = 0; i < data.textFiles; i++) {
    await write(`logs/build-${String(i).padStart(2, '0')}.log`, logLines(i, data.fileBytes))
  }
  return entries.sort()
}

/** Text a build might leave behind: JSON log lines with varying numbers and ids, exactly `bytes` long. */
function logLines(seed: number, bytes: number): Buffer {
  const lines: string[] = []
  let length = 0
  for (let n = 0; length < bytes; n++) {
    const id = ((n * 2654435761 + seed * 40503) >>> 0).toString(16).padStart(8, '0')
    const line =
      `{"ts":"2024-05-0${1 + (seed % 9)}T12:${String(n % 60).padStart(2, '0')}:${String((n * 7) % 60).padStart(2, '0')}Z",` +
      `"level":"${n % 17 === 0 ? 'warn' : 'info'}","msg":"request handled","path":"/api/items/${(n * 31) % 9973}",` +
      `"status":${n % 23 === 0 ? 404 : 200},"ms":${(n * 13) % 997},"request":"${id}"}\n`
    lines.push(line)
    length += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, bytes)
}

/** Name, size and CRC-32 of every file entry (directory entries left out), from the central directory. */
async function entries(zipPath: string): Promise<string[]> {
  const zip = await openPromise(zipPath, { lazyEntries: true })
  const found: string[] = []
  for await (const entry of zip.eachEntry())
    if (!entry.fileName.endsWith('/'))
      found.push(`${entry.fileName} ${entry.uncompressedSize} ${entry.crc32}`)
  zip.close()
  return found.sort()
}

/** What arrived at the job's output artifact: every file, SSE-KMS, signed for by the job's credentials. */
async function verifyStored(emu: Emulator, job: Job, expected: string[]): Promise<number> {
  const stored = emu.artifacts.output(job.id, 'BuildOutput')
  if (!stored) throw new Error('nothing was uploaded to BuildOutput')
  if (stored.sse.serverSideEncryption !== 'aws:kms')
    throw new Error(`stored with ${JSON.stringify(stored.sse)}, not SSE-KMS`)
  if (stored.uploadedBy?.accessKeyId !== job.data.artifactCredentials.accessKeyId)
    throw new Error("not uploaded with the job's artifact credentials")
  const arrived = await entries(stored.path)
  if (JSON.stringify(arrived) !== JSON.stringify(expected))
    throw new Error(
      `the uploaded ZIP holds ${arrived.length} files, not the ${expected.length} written (or differs)`
    )
  // Verified: the bytes are not needed any more, and each run would leave another 250 MiB in the emulator's
  // temporary directory until it closes.
  await rm(stored.path, { force: true })
  return stored.size
}

/** Peak RSS in MiB from a file holding KiB: the hook's maxRSS, or GNU time's %M (its last line). */
const readRssMiB = async (file: string): Promise<number> =>
  Number((await readFile(file, 'utf8')).trim().split('\n').pop()) / 1024

/** The report action reporting success with output-artifacts: dist, for a job that declares BuildOutput. */
async function actionUpload(
  emu: Emulator,
  dir: string,
  workspace: string,
  expected: string[]
): Promise<UploadRun & { zipBytes: number }> {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const rssFile = join(dir, 'action-rss')
  const runnerTemp = join(dir, 'runner-temp')
  await mkdir(runnerTemp, { recursive: true })
  await rm(rssFile, { force: true })
  const ms = await timed({
    command: process.execPath,
    args: ['--import', RSS_HOOK, ENTRY],
    env: {
      ...reportEnv(emu, dir, job.id),
      INPUT_STATUS: 'success',
      INPUT_MESSAGE: '',
      'INPUT_OUTPUT-ARTIFACTS': OUTPUT_DIR,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      BENCH_RSS_FILE: rssFile
    },
    exitCode: 0,
    verify: () => {
      const results = emu.codepipeline.job(job.id)?.results
      if (results?.length !== 1 || results[0].kind !== 'success')
        throw new Error('the success was not recorded')
    }
  })
  const zipBytes = await verifyStored(emu, job, expected)
  return { ms, peakRssMiB: await readRssMiB(rssFile), zipBytes }
}

/**
 * `zip -r -q <zip> .` in the output directory (its contents at the ZIP's root, as the action puts them), then
 * `aws s3 cp <zip> s3://<output artifact location> --sse aws:kms` with the job's artifact credentials; the two
 * timed one after the other, as consecutive workflow steps. The ZIP is removed between runs, untimed.
 */
async function cliUpload(
  emu: Emulator,
  dir: string,
  workspace: string,
  expected: string[],
  tools: { aws: string; zip: string; gnuTime: boolean }
): Promise<NonNullable<ArtifactUploadBench['cli']> & { zipBytes: number }> {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const { bucketName, objectKey } = job.data.outputArtifacts[0].location.s3Location
  const credentials = job.data.artifactCredentials
  const archive = join(dir, 'cli-artifact.zip')
  const home = join(dir, 'home')
  await mkdir(home, { recursive: true })
  await rm(archive, { force: true })
  const { gnuTime } = tools
  const measured = (name: string, command: string, args: string[]) => {
    const rssFile = join(dir, `${name}-rss`)
    return {
      rssFile,
      command: gnuTime ? GNU_TIME : command,
      args: gnuTime ? ['-f', '%M', '-o', rssFile, command, ...args] : args
    }
  }
  const zip = measured('zip', tools.zip, ['-r', '-q', archive, '.'])
  const zipMs = await timed({
    command: zip.command,
    args: zip.args,
    cwd: join(workspace, OUTPUT_DIR),
    env: { PATH: process.env.PATH },
    exitCode: 0
  })
  const zipBytes = (await stat(archive)).size
  const cp = measured('aws', tools.aws, [
    's3',
    'cp',
    archive,
    `s3://${bucketName}/${objectKey}`,
    // CLI v2 before 2.13 ignores AWS_ENDPOINT_URL_S3; an IP host is addressed path-style, as the emulator wants.
    '--endpoint-url',
    emu.urls.s3,
    '--region',
    emu.region,
    '--sse',
    'aws:kms',
    '--no-progress',
    '--only-show-errors'
  ])
  const cpMs = await timed({
    command: cp.command,
    args: cp.args,
    // HOME is empty so no ~/.aws config changes what is measured; the CLI's defaults (8 MiB parts, 10 threads).
    env: {
      PATH: process.env.PATH,
      HOME: home,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: ''
    },
    exitCode: 0
  })
  const stored = await verifyStored(emu, job, expected)
  if (stored !== zipBytes) throw new Error(`aws s3 cp stored ${stored} bytes of a ${zipBytes}-byte ZIP`)
  await rm(archive, { force: true })
  const zipRssMiB = gnuTime ? await readRssMiB(zip.rssFile) : undefined
  const cpRssMiB = gnuTime ? await readRssMiB(cp.rssFile) : undefined
  return {
    ms: zipMs + cpMs,
    zipMs,
    cpMs,
    peakRssMiB: zipRssMiB !== undefined && cpRssMiB !== undefined ? Math.max(zipRssMiB, cpRssMiB) : undefined,
    zipRssMiB,
    cpRssMiB,
    zipBytes
  }
}
