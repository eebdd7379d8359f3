// Artifacts through the bundled report action and the emulator's S3, measured: a job's input artifact downloaded
// and extracted, then the extracted directory zipped and uploaded as another job's output artifact. Each is one
// run of dist/report with its wall time and peak RSS (the budget: under 200 MiB, however large the artifact).
//   node bench/artifacts-roundtrip.ts [MiB]   (default 1024: the 1 GiB round trip of issue 9; exits 1 over budget)
// The data is incompressible (deflate gains nothing on it), the worst case for time and for part buffering.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import { ZipFile } from 'yazl'
import { startEmulator } from '../emulator/index.ts'
import { reportSuccess, type MeasuredRun } from './action-run.ts'
import { MiB, zipEntries } from './artifacts-data.ts'

/** Issue 16's budget for the 1 GiB round trip. */
export const ROUND_TRIP_RSS_BUDGET_MIB = 200

export interface ArtifactFigures {
  bytes: number
  files: number
  /** GetObject to a temporary file, then extraction (input-artifacts). */
  download: MeasuredRun
  /** ZIP (deflate) streamed into a multipart upload (output-artifacts). */
  upload: MeasuredRun
}

/**
 * Moves `bytes` of data, in `files` files of one directory, down as an input artifact and up as an output
 * artifact, and checks that what arrived is what left (sizes and CRC-32 of every entry).
 */
export async function artifactRoundTrip(bytes = 1024 * MiB, files = 1): Promise<ArtifactFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-artifacts-'))
  const emu = await startEmulator()
  try {
    emu.sts.addRole({
      arn: 'arn:aws:iam::123456789012:role/github-codepipeline',
      subject: 'repo:octo-org/octo-repo:*'
    })
    const source = join(dir, 'source.zip')
    const expected = await sourceZip(source, join(dir, 'data'), bytes, files)
    const workspace = join(dir, 'workspace')
    await mkdir(workspace)

    const input = await emu.artifacts.addJob({
      inputArtifacts: [{ name: 'SourceArtifact', zip: { path: source } }]
    })
    await rm(source)
    const download = await reportSuccess(emu, dir, input.id, workspace, { 'input-artifacts': 'in' })

    const output = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
    const upload = await reportSuccess(emu, dir, output.id, workspace, {
      'output-artifacts': 'BuildOutput=in'
    })
    const stored = emu.artifacts.output(output.id, 'BuildOutput')
    if (!stored) throw new Error('bench: nothing was uploaded to BuildOutput')
    const arrived = await zipEntries(stored.path)
    if (JSON.stringify(arrived) !== JSON.stringify(expected)) {
      throw new Error(
        `bench: the uploaded ZIP holds ${JSON.stringify(arrived)}, not ${JSON.stringify(expected)}`
      )
    }
    return { bytes, files, download, upload }
  } finally {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Writes `files` files of incompressible data and a stored ZIP of them; returns the ZIP's entries. */
async function sourceZip(zipPath: string, dataDir: string, bytes: number, files: number) {
  await mkdir(dataDir)
  const block = randomBytes(MiB)
  const zip = new ZipFile()
  for (let i = 0; i < files; i++) {
    const path = join(dataDir, `part-${String(i).padStart(4, '0')}.bin`)
    const size = Math.floor(bytes / files) + (i === 0 ? bytes % files : 0)
    await pipeline(Readable.from(blocks(block, size)), createWriteStream(path))
    zip.addFile(path, `part-${String(i).padStart(4, '0')}.bin`, { compress: false })
  }
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(zipPath))
  const made = await zipEntries(zipPath)
  await rm(dataDir, { recursive: true })
  return made
}

function* blocks(block: Buffer, size: number): Generator<Buffer> {
  for (let written = 0; written < size; written += block.length) {
    yield block.subarray(0, Math.min(block.length, size - written))
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const mib = Number(process.argv[2] ?? 1024)
  const figures = await artifactRoundTrip(mib * MiB)
  const line = (label: string, run: MeasuredRun) =>
    console.log(
      `  ${label.padEnd(40)} ${(run.ms / 1000).toFixed(1).padStart(6)} s  ${((mib / run.ms) * 1000).toFixed(0).padStart(4)} MiB/s   peak RSS ${run.peakRssMiB.toFixed(1)} MiB`
    )
  console.log(`Artifacts: ${mib} MiB of incompressible data through dist/report and the emulator's S3`)
  line('input-artifacts: download and extract', figures.download)
  line('output-artifacts: zip and upload', figures.upload)
  const peak = Math.max(figures.download.peakRssMiB, figures.upload.peakRssMiB)
  const ok = peak < ROUND_TRIP_RSS_BUDGET_MIB
  console.log(
    `  peak RSS ${peak.toFixed(1)} MiB (budget < ${ROUND_TRIP_RSS_BUDGET_MIB} MiB): ${ok ? 'within budget' : 'OVER BUDGET'}`
  )
  if (!ok) process.exitCode = 1
}
