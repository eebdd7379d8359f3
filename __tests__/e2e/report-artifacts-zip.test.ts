// The ZIP an output artifact becomes, on the bundled report action and the emulator's S3, read back as
// CodePipeline's consumers read it: Info-ZIP's `unzip -t` (what CodeDeploy's agent and most deploy scripts run)
// and Python's zipfile (CloudFormation's packaging and the AWS CLI are Python). Which entries are stored and
// which deflated, for each artifact-compression setting, and a ZIP64 archive (65,535 entries and more).
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateRawSync, gzipSync } from 'node:zlib'
import type { Emulator } from '../../emulator/index.ts'
import { reportStep, workspace } from './report-artifacts-fixture.ts'
import { resultOf, startReportEmulator } from './report-fixture.ts'

let emu: Emulator
let ws: Awaited<ReturnType<typeof workspace>>
beforeEach(async () => {
  emu = await startReportEmulator()
  ws = await workspace()
})
afterEach(async () => {
  await emu.close()
  await ws.remove()
})

interface Entry {
  name: string
  /** 0 stored, 8 deflated. */
  method: number
  size: number
  compressed: number
}

// Python's zipfile reads the central directory (ZIP64 records included), then testzip() reads every entry and
// checks its CRC-32; it prints the first bad entry's name, or None.
const PY_READ = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    print(json.dumps({"bad": bad, "entries": [[i.filename, i.compress_type, i.file_size, i.compress_size] for i in z.infolist()]}))
`

/** The stored ZIP as Python's zipfile sees it, after `unzip -t` has tested every entry. */
function readBack(path: string): Entry[] {
  const tested = execFileSync('unzip', ['-t', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  expect(tested).toContain('No errors detected in compressed data')
  const read = JSON.parse(
    execFileSync('python3', ['-c', PY_READ, path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  ) as {
    bad: string | null
    entries: Array<[string, number, number, number]>
  }
  expect(read.bad).toBeNull()
  return read.entries.map(([name, method, size, compressed]) => ({ name, method, size, compressed }))
}

// A JavaScript bundle (deflates well), random bytes (do not shrink: stored by their first block), a gzip
// tarball (compressed already: stored by its first bytes) and a PNG by its name alone.
const SCRIPT = Buffer.from('export function add(a, b) { return a + b }\n'.repeat(4000))
const RANDOM = randomBytes(300 * 1024)
const TARBALL = gzipSync(Buffer.from('a'.repeat(100_000)))
const IMAGE = Buffer.from('not really a PNG, but named as one\n'.repeat(1000))

async function build(dir: string): Promise<void> {
  await mkdir(join(ws.dir, dir, 'static'), { recursive: true })
  await writeFile(join(ws.dir, dir, 'app.js'), SCRIPT)
  await writeFile(join(ws.dir, dir, 'static', 'random.bin'), RANDOM)
  await writeFile(join(ws.dir, dir, 'static', 'layer.tar.gz'), TARBALL)
  await writeFile(join(ws.dir, dir, 'static', 'logo.png'), IMAGE)
}

async function upload(compression?: string) {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await build('dist')
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'dist',
    ...(compression === undefined ? {} : { 'artifact-compression': compression })
  })
  expect(step.exitCode).toBe(0)
  expect(resultOf(emu, job.id).kind).toBe('success')
  const stored = emu.artifacts.output(job.id, 'BuildOutput')
  if (!stored) throw new Error('nothing was stored')
  const byName = Object.fromEntries(readBack(stored.path).map(entry => [entry.name, entry]))
  return { step, job, stored, byName }
}

const STORED = 0
const DEFLATED = 8

test('auto (the default): one ZIP with deflated and stored entries, which unzip -t and Python read', async () => {
  const { step, stored, byName } = await upload()

  expect(Object.keys(byName).sort()).toEqual([
    'app.js',
    'static/layer.tar.gz',
    'static/logo.png',
    'static/random.bin'
  ])
  expect(byName['app.js']).toMatchObject({ method: DEFLATED, size: SCRIPT.length })
  expect(byName['app.js'].compressed).toBeLessThan(SCRIPT.length / 20)
  for (const [name, data] of [
    ['static/random.bin', RANDOM],
    ['static/layer.tar.gz', TARBALL],
    ['static/logo.png', IMAGE]
  ] as const)
    expect(byName[name]).toEqual({ name, method: STORED, size: data.length, compressed: data.length })
  // The log says what was done, with the digest of the bytes stored.
  const sha256 = createHash('sha256')
    .update(await readFile(stored.path))
    .digest('hex')
  expect(step.stdout).toContain(`(1 files deflated, 3 stored), SHA-256 ${sha256}`)
})

test('store deflates nothing; a level deflates what shrinks at that level, and still stores the rest', async () => {
  const store = await upload('store')
  expect(Object.values(store.byName).map(entry => entry.method)).toEqual(
    Object.values(store.byName).map(() => STORED)
  )
  expect(store.byName['app.js']).toMatchObject({ size: SCRIPT.length, compressed: SCRIPT.length })

  for (const level of [1, 9]) {
    await ws.remove()
    ws = await workspace()
    const { byName } = await upload(String(level))
    // A small file is deflated in one call, so its size is zlib's at that level, to the byte.
    expect(byName['app.js']).toMatchObject({
      method: DEFLATED,
      compressed: deflateRawSync(SCRIPT, { level }).length
    })
    expect(byName['static/random.bin'].method).toBe(STORED)
    expect(byName['static/layer.tar.gz'].method).toBe(STORED)
  }
  expect(deflateRawSync(SCRIPT, { level: 9 }).length).not.toBe(deflateRawSync(SCRIPT, { level: 1 }).length)
})

test('a bad artifact-compression fails before any call, naming the input and what it takes', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  await build('dist')
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'dist',
    'artifact-compression': 'fast'
  })
  expect(step.exitCode).toBe(1)
  expect(step.stdout).toContain(
    'Input artifact-compression is "fast"; use auto (the default: deflate what shrinks), store (no compression, ' +
      'the fastest) or a deflate level from 1 (fastest) to 9 (smallest).'
  )
  expect(emu.requests).toEqual([])
})

test('65,535 entries and more: a ZIP64 archive that unzip -t and Python read whole', async () => {
  const job = await emu.artifacts.addJob({ outputArtifacts: ['BuildOutput'] })
  const count = 65_535 // the most a classic end record can count is 65,534 (0xffff means "see ZIP64")
  for (let d = 0; d < 100; d++) {
    const dir = join(ws.dir, 'many', `d${d}`)
    await mkdir(dir, { recursive: true })
    await Promise.all(
      Array.from({ length: d < 35 ? 656 : 655 }, (_, f) => writeFile(join(dir, `f${f}.txt`), `${d}/${f}\n`))
    )
  }
  const step = await reportStep(emu, ws.dir, {
    'job-id': job.id,
    status: 'success',
    'output-artifacts': 'many'
  })
  expect(step.exitCode).toBe(0)
  const stored = emu.artifacts.output(job.id, 'BuildOutput')
  if (!stored) throw new Error('nothing was stored')
  const zip = await readFile(stored.path)
  // The ZIP64 end of central directory record and its locator, before the classic end record.
  expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true)
  expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true)
  const entries = readBack(stored.path).filter(entry => !entry.name.endsWith('/'))
  expect(entries).toHaveLength(count)
  expect(entries.find(entry => entry.name === 'd99/f654.txt')).toMatchObject({ size: '99/654\n'.length })
}, 180_000)
