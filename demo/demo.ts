// The whole bridge on one machine: the project's emulator stands in for CodePipeline, STS, GitHub's REST API, its
// OIDC token service and the S3 artifact store; the bundled actions (dist/) run as separate processes exactly as
// the runner starts them. Five scenarios: a green and a red build in dispatch mode (the workflow reports with the
// report action; the green one also takes the Source stage's artifact and returns the artifact the Deploy stage
// reads), then the same pair in track mode (the poller follows the run with continuation tokens), each polled by
// a scheduled run; then EventBridge waking the poller when the job is queued, with no schedule involved.
// The parts: setup.ts (who exists, what is played), runs.ts (each side's moves), dispatch-mode.ts,
// track-mode.ts and wake-up.ts (the scenarios), artifacts.ts (the artifacts' moves and checks), expectations.ts,
// final-state.ts, timeline.ts (printing).
import { rm } from 'node:fs/promises'
import { startEmulator, type Emulator, type Job } from '../emulator/index.ts'
import { dispatchScenario } from './dispatch-mode.ts'
import { check, secretsOf } from './expectations.ts'
import { finalState } from './final-state.ts'
import {
  BUILD_ARTIFACT,
  FAILING_STEP,
  SCENARIOS,
  setUp,
  SOURCE_ARTIFACT,
  type Scenario,
  type Story
} from './setup.ts'
import { startupFailureScenario } from './startup-failure.ts'
import { stoppedDeployScenario } from './stopped-deploy.ts'
import { Printer } from './timeline.ts'
import { trackScenario } from './track-mode.ts'
import { wakeUpScenario } from './wake-up.ts'
import { newWorld, type World } from './world.ts'

export {
  ACCOUNT,
  APP_REPO,
  FAILING_STEP,
  POLL_WORKFLOW,
  POLLER_REPO,
  POLLER_ROLE,
  PROVIDER,
  REPORTER_ROLE,
  SCENARIOS,
  type Mode,
  type Scenario
} from './setup.ts'

export interface DemoOptions {
  /** Receives each line of the timeline; default: nothing is printed. */
  write?: (line: string) => void
  color?: boolean
  /** Runs once the bridge is set up, before the scenarios: lets a test break something on purpose. */
  tamper?: (emu: Emulator) => void
}

export interface DemoResult {
  passed: number
  /** The expectations that did not hold, in words. */
  failed: string[]
  /** The timeline as printed, without colours. */
  output: string
  durationMs: number
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now()
  const out = new Printer(options.write ?? (() => {}), options.color ?? false)
  const emu = await startEmulator()
  const world = newWorld(emu, out)
  try {
    setUp(world)
    options.tamper?.(emu)
    const chains: Array<{ scenario: Scenario; first: Job }> = []
    for (const [index, scenario] of SCENARIOS.entries()) {
      header(world, index, scenario)
      const first =
        scenario.story === 'stopped-deploy'
          ? await stoppedDeployScenario(world)
          : scenario.story === 'startup-failure'
            ? await startupFailureScenario(world)
            : scenario.wakeUp
              ? await wakeUpScenario(world, scenario)
              : scenario.mode === 'dispatch'
                ? await dispatchScenario(world, scenario)
                : await trackScenario(world, scenario)
      chains.push({ scenario, first })
    }
    finalState(world, chains)
    out.line()
    const secrets = secretsOf(world)
    check(
      world,
      secrets.every(secret => !out.text.includes(secret)),
      `no token, key or session credential appears in this timeline (${secrets.length} secrets checked, ` +
        "every job's artifactCredentials among them)"
    )
  } finally {
    await emu.close()
    await rm(world.dir, { recursive: true, force: true })
  }
  const durationMs = performance.now() - started
  const { passed, failed } = world.checks
  out.line()
  out.line(
    failed.length === 0
      ? out.paint(['bold', 'green'], `All ${passed} expectations held (${(durationMs / 1000).toFixed(1)} s).`)
      : out.paint(['bold', 'red'], `${failed.length} of ${passed + failed.length} expectations failed:`)
  )
  for (const f of failed) out.line(out.paint('red', `  ✗ ${f}`))
  return { passed, failed, output: out.text, durationMs }
}

const STORIES: Record<Story, string> = {
  'stopped-deploy': 'deploy stopped from CodePipeline mid-run · the stop rule wakes the poller',
  'startup-failure': 'a run that cannot start (startup_failure) · the next poll fails its job'
}

function header(world: World, index: number, scenario: Scenario): void {
  const { out } = world
  const build = scenario.green ? 'green build' : `red build ("${FAILING_STEP}" fails)`
  const woken = scenario.wakeUp ? ' · woken by EventBridge, no schedule' : ''
  const artifacts = scenario.artifacts ? ` · artifacts ${SOURCE_ARTIFACT} → ${BUILD_ARTIFACT}` : ''
  const what = scenario.story ? STORIES[scenario.story] : `${build}${woken}${artifacts}`
  const title = `${index + 1}/${SCENARIOS.length}  ${scenario.mode} mode · ${what} `
  out.line()
  out.line(out.paint(['bold', 'magenta'], `━━ ${title}${'━'.repeat(Math.max(4, 78 - title.length))}`))
}
