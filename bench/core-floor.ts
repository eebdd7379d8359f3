// The least any action on @actions/core can cost to fail: a script that only calls core.setFailed('x'). Loading
// @actions/core pulls in undici through @actions/http-client, which bare `node -e 0` does not pay, so this floor
// is what a bad input can at best be compared with. It is bundled with the project's ncc, like the actions, so
// it is loaded the same way (one file, no node_modules resolution).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Invocation } from './spawn-timed.ts'

const NCC = resolve('node_modules/@vercel/ncc/dist/ncc/cli.js')
const CORE = resolve('node_modules/@actions/core/lib/core.js')

/** Builds the floor script into `dir` and returns how to run it (it exits 1 with `::error::x`). */
export function coreFloor(dir: string, env: () => NodeJS.ProcessEnv): () => Invocation {
  const src = join(dir, 'core-floor')
  mkdirSync(src, { recursive: true })
  writeFileSync(
    join(src, 'floor.mjs'),
    `import * as core from ${JSON.stringify(CORE)}\ncore.setFailed('x')\n`
  )
  execFileSync(process.execPath, [NCC, 'build', join(src, 'floor.mjs'), '-o', join(src, 'out'), '-q'], {
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const entry = join(src, 'out', 'index.mjs')
  return () => ({
    command: process.execPath,
    args: [entry],
    env: env(),
    exitCode: 1,
    verify: output => {
      if (!output.includes('::error::x')) throw new Error('@actions/core did not report the failure')
    }
  })
}
