// Trying the report action's job mode by hand, as emulator/README.md describes it: a run made through the admin
// API (one job in progress on a runner, with steps), its variables given to the bundled report action (main and
// post step), and a step marked failed through the admin API.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { startAdmin } from '../../emulator/admin.ts'
import type { Emulator } from '../../emulator/index.ts'
import { reportMainAndPost, resultOf, startReportEmulator } from './report-fixture.ts'

let emu: Emulator
let admin: { url: string; close(): Promise<void> }
beforeEach(async () => {
  emu = await startReportEmulator()
  admin = await startAdmin(emu)
})
afterEach(async () => {
  await admin.close()
  await emu.close()
})

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${admin.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  expect(res.status).toBeLessThan(300)
  return (await res.json()) as Record<string, unknown>
}

/** A run for the report action to find itself in; RUNNER_NAME is not the harness's default, to prove it is used. */
async function handMadeRun(): Promise<{ id: number; env: Record<string, string> }> {
  const run = await post('/_emulator/runs', {
    runnerName: 'my-laptop',
    steps: ['Set up job', 'Run make test', 'Post Report to CodePipeline']
  })
  return run as unknown as { id: number; env: Record<string, string> }
}

test('the report action finds the hand-made run\'s job as "the current job" and reports success', async () => {
  const run = await handMadeRun()
  expect(run.env).toMatchObject({
    GITHUB_RUN_ID: String(run.id),
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_NAME: 'my-laptop'
  })
  const job = (await post('/_emulator/jobs', {})) as { id: string }

  const { main, post: postStep } = await reportMainAndPost(emu, { 'job-id': job.id }, { env: run.env })

  expect(main.exitCode).toBe(0)
  expect(postStep?.exitCode).toBe(0)
  expect(resultOf(emu, job.id).kind).toBe('success')
  expect(JSON.stringify(resultOf(emu, job.id).request)).toContain(`/actions/runs/${run.id}`)
})

test('a step marked failed through the admin API makes the post step report that step', async () => {
  const run = await handMadeRun()
  await post(`/_emulator/runs/${run.id}/steps/2`, { conclusion: 'failure' })
  const job = (await post('/_emulator/jobs', {})) as { id: string }

  const { post: postStep } = await reportMainAndPost(emu, { 'job-id': job.id }, { env: run.env })

  expect(postStep?.exitCode).toBe(0)
  const result = resultOf(emu, job.id)
  expect(result.kind).toBe('failure')
  expect(result.request).toMatchObject({
    failureDetails: { type: 'JobFailed', message: expect.stringContaining('failed at step "Run make test"') }
  })
})

test('with another RUNNER_NAME, the report action does not take the hand-made job for its own', async () => {
  const run = await handMadeRun()
  const job = (await post('/_emulator/jobs', {})) as { id: string }

  const { post: postStep } = await reportMainAndPost(
    emu,
    { 'job-id': job.id },
    { env: { ...run.env, RUNNER_NAME: 'someone-else' } }
  )

  expect(resultOf(emu, job.id).kind).toBe('failure')
  expect(JSON.stringify(resultOf(emu, job.id).request)).toContain('someone-else')
  expect(postStep).toBeDefined()
})
