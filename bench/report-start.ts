// The report action's start-up figure: the wall time of a complete failure report (OIDC token → STS
// AssumeRoleWithWebIdentity → PutJobFailureResult) by the bundled action against the emulator, measured side by
// side with a bare `node -e 0`, interleaved so both see the same machine load.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startEmulator, type Emulator } from '../emulator/index.ts'

const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
const ENTRY = resolve('dist/report/index.js')
const RSS_HOOK = pathToFileURL(resolve('bench/peak-rss.mjs')).href

export interface StartFigures {
  runs: number
  bareMs: number
  reportMs: number
  ratio: number
  bareRssMiB: number
  reportRssMiB: number
}

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', chunk => (output += chunk))
    child.stderr.on('data', chunk => (output += chunk))
    child.on('error', fail)
    child.on('exit', code => {
      const ms = performance.now() - start
      if (code === 0) done(ms)
      else fail(new Error(`${args.join(' ')} exited ${code}:\n${output}`))
    })
  })
}

function reportEnv(emu: Emulator, dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const job = emu.codepipeline.addJob()
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' }
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...emu.env, ...extra }
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
    'INPUT_JOB-ID': job.id,
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

function peakRss(args: string[], env: NodeJS.ProcessEnv, dir: string): Promise<number> {
  const file = join(dir, 'rss')
  return timed(['--import', RSS_HOOK, ...args], { ...env, BENCH_RSS_FILE: file }).then(
    () => Number(readFileSync(file, 'utf8')) / 1024
  )
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export async function reportStartBench(runs = 21): Promise<StartFigures> {
  const emu = await startEmulator()
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'))
  try {
    emu.sts.addRole({ arn: ROLE })
    const bare: number[] = []
    const report: number[] = []
    // One warm-up of each, so the file system cache is not what is measured.
    await timed(['-e', '0'], { PATH: process.env.PATH })
    await timed([ENTRY], reportEnv(emu, dir))
    for (let i = 0; i < runs; i++) {
      bare.push(await timed(['-e', '0'], { PATH: process.env.PATH }))
      report.push(await timed([ENTRY], reportEnv(emu, dir)))
    }
    const failed = emu.codepipeline.jobs.filter(job => job.state === 'Failed').length
    if (failed !== runs + 1)
      throw new Error(`expected ${runs + 1} failure reports, CodePipeline recorded ${failed}`)
    const bareMs = median(bare)
    const reportMs = median(report)
    return {
      runs,
      bareMs,
      reportMs,
      ratio: reportMs / bareMs,
      bareRssMiB: await peakRss(['-e', '0'], { PATH: process.env.PATH }, dir),
      reportRssMiB: await peakRss([ENTRY], reportEnv(emu, dir), dir)
    }
  } finally {
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
