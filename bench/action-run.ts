// One run of the bundled report action (dist/report/index.js) reporting success for a job, started as the runner
// starts a step, timed from spawn to exit, with its peak RSS from a preloaded hook (process.resourceUsage().maxRSS
// at exit: a few milliseconds in runs of seconds). The success must be recorded, or the run is not counted.
import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Emulator } from '../emulator/index.ts'
import { readRssMiB } from './artifacts-data.ts'
import { reportEnv } from './runner-env.ts'
import { timed } from './spawn-timed.ts'

const ENTRY = resolve('dist/report/index.js')
const RSS_HOOK = pathToFileURL(resolve('bench/peak-rss.mjs')).href

export interface MeasuredRun {
  ms: number
  peakRssMiB: number
}

/** `inputs` as the step's `with:` (INPUT_* variables), in the workspace `workspace`; `dir` holds the runner's files. */
export async function reportSuccess(
  emu: Emulator,
  dir: string,
  jobId: string,
  workspace: string,
  inputs: Record<string, string>
): Promise<MeasuredRun> {
  const rssFile = join(dir, 'action-rss')
  const runnerTemp = join(dir, 'runner-temp')
  await mkdir(runnerTemp, { recursive: true })
  await rm(rssFile, { force: true })
  const ms = await timed({
    command: process.execPath,
    args: ['--import', RSS_HOOK, ENTRY],
    env: {
      ...reportEnv(emu, dir, jobId),
      INPUT_STATUS: 'success',
      INPUT_MESSAGE: '',
      ...Object.fromEntries(
        Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
      ),
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      BENCH_RSS_FILE: rssFile
    },
    exitCode: 0,
    verify: () => {
      const results = emu.codepipeline.job(jobId)?.results
      if (results?.length !== 1 || results[0].kind !== 'success')
        throw new Error('the success was not recorded')
    }
  })
  return { ms, peakRssMiB: await readRssMiB(rssFile) }
}
