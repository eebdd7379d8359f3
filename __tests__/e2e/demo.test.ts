// `npm run demo` is the first thing README asks a newcomer to run: it must pass on a fresh clone, and it must
// notice when the bridge is broken (it doubles as a smoke test of the bundled actions).
import { spawn } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { FAILING_STEP, REPORTER_ROLE, runDemo } from '../../demo/demo.ts'

function runCli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // As `npm run demo` runs it: Node 24 executing the TypeScript directly, no colours on a pipe.
    const child = spawn(process.execPath, ['demo/run.ts'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', reject)
    child.once('close', code => resolve({ code, stdout, stderr }))
  })
}

describe('npm run demo', () => {
  it('plays the five runs end to end and exits 0', async () => {
    const { code, stdout, stderr } = await runCli()

    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/All \d+ expectations held \(\d+\.\d s\)\./)
    // The five scenarios, in order, and what CodePipeline holds at the end.
    const headings = [
      ...stdout.matchAll(/━━ \d\/5 {2}(\w+) mode · (green|red) build( · woken by EventBridge)?/g)
    ].map(m => `${m[1]} ${m[2]}${m[3] ? ' woken' : ''}`)
    expect(headings).toEqual([
      'dispatch green',
      'dispatch red',
      'track green',
      'track red',
      'dispatch green woken'
    ])
    const final = stdout.slice(stdout.indexOf('What CodePipeline holds now'))
    expect(final).toMatch(/dispatch · green .*: Succeeded\n/)
    expect(final).toMatch(/dispatch · red .*: Failed\n\s+JobFailed: .*failed at step "Run unit tests"/)
    expect(final).toMatch(/track · green .*: Succeeded \(3 jobs: Succeeded → Succeeded → Succeeded\)/)
    expect(final).toMatch(/track · red .*: Failed \(3 jobs: Succeeded → Succeeded → Failed\)/)
    expect(final).toMatch(/dispatch · green · woken .*: InProgress\n/)
    // The wake-up: EventBridge starts the poll workflow, whose run (workflow_dispatch, no schedule) starts the
    // build; the time from the job queued to the build dispatched, and its two parts, in milliseconds.
    const woken = stdout.slice(stdout.indexOf('━━ 5/5'), stdout.indexOf('What CodePipeline holds now'))
    expect(woken).toContain(
      'POST /repos/octo-org/pipelines/actions/workflows/codepipeline-poller.yml/dispatches ref main, inputs {} ← 204'
    )
    expect(woken).toMatch(/octo-org\/pipelines run #1 \(\d+, workflow_dispatch\): uses OWNER\/REPO\/poll@v1/)
    expect(woken).toContain('POST /repos/octo-org/app/actions/workflows/build.yml/dispatches')
    expect(woken).not.toContain('✗')
    expect(woken).toMatch(/job \w+ queued → build\.yml dispatched: \d+ ms, in the emulator\n/)
    expect(woken).toMatch(/queued → wake-up delivered +\d+ ms/)
    expect(woken).toMatch(/wake-up → poll dispatched build +\d+ ms/)
    // Both sides of the wire appear in the timeline.
    for (const call of [
      'PollForJobs',
      'AcknowledgeJob',
      'POST /repos/octo-org/app/actions/workflows/build.yml/dispatches',
      'GetJobDetails',
      'PutJobSuccessResult',
      'PutJobFailureResult',
      'AssumeRoleWithWebIdentity'
    ])
      expect(stdout).toContain(call)
    expect(stdout).not.toContain('\u001b[') // no colour codes when stdout is not a terminal
  })

  it('fails, naming what went wrong, when the bridge is broken', async () => {
    // The reporter role loses PutJobFailureResult: the red dispatch-mode run can no longer be reported.
    const result = await runDemo({
      tamper: emu => emu.codepipeline.deny(REPORTER_ROLE, 'PutJobFailureResult')
    })

    expect(result.failed).toEqual(
      expect.arrayContaining([
        'the post step delivered the result',
        expect.stringMatching(/^job \w+ Failed \(JobFailed, externalExecutionId = run ID\)$/),
        `the failure message names the failed step "${FAILING_STEP}" and links the run`
      ])
    )
    // The other runs are unaffected, and the timeline shows why this one failed.
    expect(result.passed).toBeGreaterThan(20)
    expect(result.output).toContain('is not authorized to perform: codepipeline:PutJobFailureResult')
    expect(result.output).toMatch(/\d+ of \d+ expectations failed:/)
  })
})
