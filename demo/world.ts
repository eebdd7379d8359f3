// What the demo's parts share: the emulator, the timeline being printed, the tokens of the set-up and the tally
// of expectations; and the timeline's lines for events and expectations.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Emulator } from '../emulator/index.ts'
import type { Printer } from './timeline.ts'

export interface World {
  emu: Emulator
  out: Printer
  oidcIndex: { next: number }
  /** What the poll workflow passes as github-token: may start workflows in APP_REPO, nothing else. */
  dispatchToken: string
  /** The GITHUB_TOKEN of the dispatched runs: actions: read on APP_REPO. */
  appRunToken: string
  pollerRunToken: string
  /** The EventBridge connection's token (Secrets Manager): actions: write on POLLER_REPO, to wake the poller. */
  wakeUpToken: string
  pollerRuns: number
  /** Workspaces of the dispatched runs (GITHUB_WORKSPACE), one sub-directory each; removed when the demo ends. */
  dir: string
  checks: { passed: number; failed: string[] }
}

export function newWorld(emu: Emulator, out: Printer): World {
  return {
    emu,
    out,
    oidcIndex: { next: 0 },
    dispatchToken: 'github_pat_' + randomBytes(24).toString('hex'),
    appRunToken: 'ghs_' + randomBytes(18).toString('hex'),
    pollerRunToken: 'ghs_' + randomBytes(18).toString('hex'),
    wakeUpToken: 'github_pat_' + randomBytes(24).toString('hex'),
    pollerRuns: 0,
    dir: mkdtempSync(join(tmpdir(), 'codepipeline-bridge-demo-')),
    checks: { passed: 0, failed: [] }
  }
}

/** Something happens: who did it, and what. */
export function event(world: World, actor: string, text: string): void {
  world.out.line(` ${world.out.paint('bold', '▸')} ${world.out.paint('bold', actor.padEnd(13))} ${text}`)
}

export function out(world: World, style: 'green' | 'red', text: string): string {
  return world.out.paint(style, text)
}
