// A poll job cancelled or timed out by the runner (SIGTERM) at any point of a batch: every job the poller
// acknowledged ends with exactly one outcome (its workflow was asked to start, or CodePipeline got its failure),
// no job it had not acknowledged is touched, and the step exits non-zero naming the jobs it failed.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import type { Emulator, Job } from '../../emulator/index.ts'
import { DISPATCH_ROUTE, queue, requestsFor, runPoll, startPollEmulator } from './poll-fixture.ts'

let emu: Emulator
beforeAll(async () => {
  emu = await startPollEmulator()
})
afterAll(() => emu.close())

const JOBS = 4

/** The outcomes CodePipeline and GitHub saw for one job: dispatches of its workflow, and results. */
function outcomes(job: Job): { dispatches: number; results: string[] } {
  return {
    dispatches: emu.github.dispatches.filter(d => d.inputs['codepipeline-job-id'] === job.id).length,
    results: job.results.map(r =>
      r.kind === 'failure' ? String((r.request.failureDetails as { type: string }).type) : 'success'
    )
  }
}

/** Requests the emulator was still delaying when the poller exited land now, as they would at GitHub and AWS. */
const settle = () => new Promise(resolve => setTimeout(resolve, 600))

const points: [string, () => Promise<void>][] = [
  ['as the poll is sent', () => requestsFor(emu, 'PollForJobs', 1)],
  ['during the first acknowledgement', () => requestsFor(emu, 'AcknowledgeJob', 1)],
  ['during the third acknowledgement', () => requestsFor(emu, 'AcknowledgeJob', 3)],
  ['during the first dispatch', () => requestsFor(emu, DISPATCH_ROUTE, 1)],
  ['during the third dispatch', () => requestsFor(emu, DISPATCH_ROUTE, 3)],
  ['after every dispatch', () => requestsFor(emu, DISPATCH_ROUTE, JOBS)],
  ['at 100 ms', () => new Promise(r => setTimeout(r, 100))],
  ['at 700 ms', () => new Promise(r => setTimeout(r, 700))]
]

test.each(points)(
  'SIGTERM %s: each acknowledged job has exactly one outcome',
  async (_point, until) => {
    emu.requests.length = 0
    emu.faults.clear()
    const jobs = Array.from({ length: JOBS }, () => queue(emu))
    const counted = () => emu.requests.filter(r => r.operation === 'AcknowledgeJob').length
    const before = { acks: counted(), dispatches: emu.github.dispatches.length }
    // Slow calls, two jobs at a time: the signal lands between and inside acknowledgements and dispatches.
    emu.faults.add({
      service: 'codepipeline',
      operation: 'AcknowledgeJob',
      kind: 'delay',
      delayMs: 250,
      times: JOBS
    })
    emu.faults.add({ service: 'github', operation: DISPATCH_ROUTE, kind: 'delay', delayMs: 250, times: JOBS })
    const result = await runPoll(
      emu,
      { 'max-concurrency': '2', 'reconcile-hours': '0' },
      {
        whileRunning: async child => {
          await until()
          child.kill('SIGTERM')
        }
      }
    )
    await settle()
    const acknowledged = jobs.filter(job => job.acknowledgedBy)
    for (const job of jobs) {
      const seen = outcomes(job)
      const count = seen.dispatches + seen.results.length
      if (job.acknowledgedBy) {
        expect({ job: job.id, count }).toEqual({ job: job.id, count: 1 })
        if (seen.results.length) expect(seen.results).toEqual(['SystemUnavailable'])
      } else {
        // Not taken: still queued for the next poller, untouched.
        expect({ job: job.id, count }).toEqual({ job: job.id, count: 0 })
        expect(['Queued', 'Dispatched']).toContain(job.state)
      }
    }
    const failed = jobs.filter(job => outcomes(job).results.length)
    if (result.exitCode === null) {
      // The signal came before the action listened for it (while Node started, or while it assumed the role):
      // nothing was taken yet, so the runner's default ending loses nothing.
      expect([result.signal, acknowledged]).toEqual(['SIGTERM', []])
      return
    }
    expect(result.exitCode).toBe(1)
    const error = result.commands.find(c => c.command === 'error')?.message ?? ''
    expect(error).toContain('The poll action was stopped (SIGTERM')
    for (const job of failed) expect(error).toContain(job.id)
    expect(acknowledged.length).toBeLessThanOrEqual(counted() - before.acks)
    expect(result.durationMs).toBeLessThan(8000)
  },
  30_000
)

test('SIGTERM while a dispatch waits out a rate limit: it is not tried again, and its job is failed and named', async () => {
  emu.requests.length = 0
  emu.faults.clear()
  const job = queue(emu)
  // GitHub asks for 30 s; the runner's kill comes 2.5 s after SIGTERM, so the wait must end at the stop.
  emu.faults.add({ service: 'github', operation: DISPATCH_ROUTE, kind: 'throttle', retryAfterSeconds: 30 })
  const result = await runPoll(
    emu,
    { 'reconcile-hours': '0' },
    {
      whileRunning: async child => {
        await requestsFor(emu, DISPATCH_ROUTE, 1)
        await new Promise(r => setTimeout(r, 200))
        child.kill('SIGTERM')
      }
    }
  )
  await settle()
  expect(emu.requests.filter(r => r.operation === DISPATCH_ROUTE)).toHaveLength(1)
  expect(outcomes(job)).toEqual({ dispatches: 0, results: ['SystemUnavailable'] })
  const message = String((job.results[0].request.failureDetails as { message: string }).message)
  expect(message).toContain('not tried again: the poll action was stopped during the wait')
  expect(result.exitCode).toBe(1)
  const error = result.commands.find(c => c.command === 'error')?.message ?? ''
  expect(error).toContain('The poll action was stopped (SIGTERM')
  expect(error).toContain(job.id)
  expect(result.durationMs).toBeLessThan(8000)
}, 30_000)
