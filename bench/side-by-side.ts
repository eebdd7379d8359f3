// The start-up figures, measured side by side in one run against one emulator: the report action's complete
// failure report, the same call by AWS CLI v2, a rejected bad input, the @actions/core floor and a bare Node.
// Runs are interleaved (one of each per round, the order rotated every round) so every figure sees the same
// machine load, and each figure is a median, so one slow run does not decide a budget.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startEmulator } from '../emulator/index.ts'
import { awsCliInvocation, findAwsCliV2 } from './aws-cli.ts'
import { coreFloor } from './core-floor.ts'
import { reportEnv, ROLE } from './runner-env.ts'
import { median, peakRssMiB, timed, type Invocation } from './spawn-timed.ts'

const ENTRY = resolve('dist/report/index.js')
const BAD_JOB_ID = 'build-42'
const BAD_INPUT_ERROR = `::error::Input job-id is "${BAD_JOB_ID}", which is not a CodePipeline job ID`

/** The figures from Node processes; `cli` is the AWS CLI v2 call, measured only when the CLI is installed. */
type NodeFigure = 'bare' | 'floor' | 'badInput' | 'report'
export type Figure = NodeFigure | 'cli'

export interface SideBySide {
  runs: number
  ms: Record<NodeFigure, number> & { cli?: number }
  rssMiB: Record<NodeFigure, number>
  /** The CLI's version, or why the comparison was skipped. */
  cli: { version: string } | { missing: string }
  /** How many runs of each passed their check (failure recorded, bad input refused before any request). */
  checked: Partial<Record<Figure, number>>
}

export async function sideBySide(runs = 21): Promise<SideBySide> {
  const emu = await startEmulator()
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'))
  try {
    emu.sts.addRole({ arn: ROLE })
    const bare = (): Invocation => ({
      command: process.execPath,
      args: ['-e', '0'],
      env: { PATH: process.env.PATH },
      exitCode: 0
    })
    const report = (): Invocation => {
      const job = emu.codepipeline.addJob()
      return {
        command: process.execPath,
        args: [ENTRY],
        env: reportEnv(emu, dir, job.id),
        exitCode: 0,
        verify: () => {
          if (job.state !== 'Failed')
            throw new Error(`job ${job.id} is ${job.state}: no failure was recorded`)
        }
      }
    }
    // The bad input must be refused before anything is sent: the emulator's request log may not grow.
    const badInput = (): Invocation => {
      const before = emu.requests.length
      return {
        command: process.execPath,
        args: [ENTRY],
        env: reportEnv(emu, dir, BAD_JOB_ID),
        exitCode: 1,
        verify: output => {
          if (!output.includes(BAD_INPUT_ERROR)) throw new Error(`no "${BAD_INPUT_ERROR}" error`)
          const sent = emu.requests.slice(before).map(r => `${r.service} ${r.operation}`)
          if (sent.length) throw new Error(`a bad input reached the emulator: ${sent.join(', ')}`)
        }
      }
    }
    const floor = coreFloor(dir, () => reportEnv(emu, dir, BAD_JOB_ID))
    const lookup = findAwsCliV2()
    const contestants: Partial<Record<Figure, () => Invocation>> = { bare, floor, badInput, report }
    if ('path' in lookup) {
      mkdirSync(join(dir, 'home'))
      contestants.cli = awsCliInvocation(lookup.path, emu, join(dir, 'home'))
    }
    const order = Object.keys(contestants) as Figure[]
    const times = new Map<Figure, number[]>(order.map(name => [name, []]))
    const checked: SideBySide['checked'] = {}
    // timed() throws when a run fails its check, so a count here is a count of runs that passed it.
    const counted = (name: Figure) => (): Invocation => {
      const run = contestants[name]!()
      const verify = (output: string) => {
        run.verify?.(output)
        checked[name] = (checked[name] ?? 0) + 1
      }
      return { ...run, verify }
    }
    // One warm-up of each, so the file system cache is not what is measured.
    for (const name of order) await timed(counted(name)())
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < order.length; i++) {
        const name = order[(round + i) % order.length]
        times.get(name)!.push(await timed(counted(name)()))
      }
    }
    const ms = {} as SideBySide['ms']
    for (const name of order) ms[name] = median(times.get(name)!)
    // Node processes only: the hook that records peak RSS is a Node preload.
    const rssMiB = {} as SideBySide['rssMiB']
    for (const name of ['bare', 'floor', 'badInput', 'report'] as const)
      rssMiB[name] = await peakRssMiB(counted(name), dir)
    return {
      runs,
      ms,
      rssMiB,
      cli: 'path' in lookup ? { version: lookup.version } : lookup,
      checked
    }
  } finally {
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
