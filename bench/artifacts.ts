// Issue 16's figures: the bench's 256 MiB directory (bench/artifacts-data.ts) uploaded as an output artifact and
// the ZIP that made downloaded and extracted as an input artifact, each by the bundled report action and by the
// AWS CLI v2 with Info-ZIP side by side, on one emulator. Each job is fresh (a reported job cannot be reported
// again), the runs are interleaved (the order alternates every round), times are medians and peak RSS the largest
// of all runs (a budget on the peak holds for the worst run). Also: deflate levels 1, 6 and 9 on the data set's
// compressible files, which is how artifact-compression's `auto` level was chosen.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { startEmulator } from '../emulator/index.ts'
import type { MeasuredRun } from './action-run.ts'
import { DATA_SET, findTools, textFile, writeDataSet, type DataSet, type Tools } from './artifacts-data.ts'
import { actionDownload, cliDownload } from './artifacts-download.ts'
import { actionUpload, cliUpload, OUTPUT_DIR, peakOf, type PairRun } from './artifacts-upload.ts'
import { ROLE } from './runner-env.ts'
import { median } from './spawn-timed.ts'

export interface Side {
  action: MeasuredRun
  /** Absent when a tool is missing (tools.skipped says which and how to install it). */
  cli?: PairRun
}

export interface DeflateLevel {
  level: number
  ms: number
  /** Deflated size over the original, for the data set's compressible files. */
  ratio: number
}

export interface ArtifactsBench {
  runs: number
  data: DataSet
  tools: Tools
  zipBytes: { action: number; cli?: number }
  upload: Side
  download: Side
  levels: DeflateLevel[]
}

export async function artifactsBench(
  runs = Number(process.env.BENCH_RUNS ?? 3),
  data = DATA_SET
): Promise<ArtifactsBench> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-artifacts-'))
  const emu = await startEmulator()
  try {
    emu.sts.addRole({ arn: ROLE, subject: 'repo:octo-org/octo-repo:*' })
    const workspace = join(dir, 'workspace')
    const expected = await writeDataSet(join(workspace, OUTPUT_DIR), data)
    const tools = findTools()
    const zipBytes: ArtifactsBench['zipBytes'] = { action: 0 }
    /** The action's last ZIP: what a later stage downloads. */
    const made = join(dir, 'made.zip')
    const times = {
      up: [] as MeasuredRun[],
      upCli: [] as PairRun[],
      down: [] as MeasuredRun[],
      downCli: [] as PairRun[]
    }
    const { aws, zip, unzip } = tools
    const cli = aws && zip && unzip ? { ...tools, aws, zip, unzip } : undefined
    await interleave(runs, [
      async () => {
        const run = await actionUpload(emu, dir, workspace, expected, { keep: made })
        zipBytes.action = run.zipBytes
        times.up.push(run)
      },
      async () => {
        if (!cli) return
        const run = await cliUpload(emu, dir, workspace, expected, cli)
        zipBytes.cli = run.zipBytes
        times.upCli.push(run)
      }
    ])
    await interleave(runs, [
      async () => void times.down.push(await actionDownload(emu, dir, workspace, made, expected)),
      async () => void (cli && times.downCli.push(await cliDownload(emu, dir, made, expected, cli)))
    ])
    const levels = await deflateLevels(workspace, data)
    return {
      runs,
      data,
      tools,
      zipBytes,
      upload: side(times.up, times.upCli),
      download: side(times.down, times.downCli),
      levels
    }
  } finally {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function interleave(rounds: number, contestants: Array<() => Promise<void>>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const next of round % 2 === 0 ? contestants : [...contestants].reverse()) await next()
  }
}

function side(action: MeasuredRun[], cli: PairRun[]): Side {
  return {
    action: { ms: median(action.map(r => r.ms)), peakRssMiB: Math.max(...action.map(r => r.peakRssMiB)) },
    ...(cli.length
      ? {
          cli: {
            ms: median(cli.map(r => r.ms)),
            peakRssMiB: peakOf(cli),
            steps: cli[0].steps.map((step, i) => ({
              label: step.label,
              ms: median(cli.map(r => r.steps[i].ms)),
              peakRssMiB: peakOf(cli.map(r => r.steps[i]))
            }))
          }
        }
      : {})
  }
}

/** Each level on the compressible files, in this process, one file at a time as one core deflates them. */
async function deflateLevels(workspace: string, data: DataSet): Promise<DeflateLevel[]> {
  const files = await Promise.all(
    Array.from({ length: data.textFiles }, (_, i) => readFile(join(workspace, OUTPUT_DIR, textFile(i))))
  )
  const total = files.reduce((n, file) => n + file.length, 0)
  return [1, 6, 9].map(level => {
    const start = performance.now()
    const bytes = files.reduce((n, file) => n + deflateRawSync(file, { level }).length, 0)
    return { level, ms: performance.now() - start, ratio: bytes / total }
  })
}
