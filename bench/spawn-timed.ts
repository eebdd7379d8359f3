// One measured process: wall time from spawn to exit, with its output captured, so a run that failed or did
// something other than expected is shown instead of being timed as if it had worked.
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface Invocation {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  /** Working directory; default the bench's. */
  cwd?: string
  /** The exit code this run must end with: a rejected input is expected to exit 1. */
  exitCode: number
  /** Throws when the run did not do what it is measured doing (e.g. the failure was not recorded). */
  verify?: (output: string) => void
}

const RSS_HOOK = pathToFileURL(resolve('bench/peak-rss.mjs')).href

function describe(run: Invocation): string {
  return [run.command, ...run.args].join(' ')
}

/** Runs the invocation and returns its wall time in milliseconds, after checking what it did. */
export function timed(run: Invocation): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now()
    const child = spawn(run.command, run.args, {
      env: run.env,
      cwd: run.cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', chunk => (output += chunk))
    child.stderr.on('data', chunk => (output += chunk))
    child.on('error', fail)
    child.on('exit', code => {
      const ms = performance.now() - start
      try {
        if (code !== run.exitCode) throw new Error(`exited ${code}, expected ${run.exitCode}`)
        run.verify?.(output)
        done(ms)
      } catch (error) {
        fail(new Error(`bench: ${describe(run)}: ${(error as Error).message}\n${output}`))
      }
    })
  })
}

/**
 * Peak resident memory in MiB of a Node invocation, the largest of `samples` runs (a budget on the peak should
 * hold for the worst run, not the typical one). Measured in separate runs, because the preloaded hook is a
 * module load of its own and would add to the timed figures.
 */
export async function peakRssMiB(prepare: () => Invocation, dir: string, samples = 3): Promise<number> {
  const file = join(dir, 'rss')
  let peak = 0
  for (let i = 0; i < samples; i++) {
    const run = prepare()
    rmSync(file, { force: true })
    await timed({
      ...run,
      args: ['--import', RSS_HOOK, ...run.args],
      env: { ...run.env, BENCH_RSS_FILE: file }
    })
    peak = Math.max(peak, Number(readFileSync(file, 'utf8')) / 1024)
  }
  return peak
}

export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
