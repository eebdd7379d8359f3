import type { RunJob } from '../../src/github/runs.ts'
import {
  findCurrentJob,
  judgeOtherJobs,
  judgeOwnSteps,
  unfinishedJobs,
  unsettledSteps
} from '../../src/outcome.ts'

// Numbered by position in job() below, as GitHub numbers a job's steps.
const step = (name: string, conclusion: string | null, status = 'completed') => ({
  number: 0,
  name,
  status,
  conclusion
})
const job = (over: Partial<RunJob>): RunJob => ({
  id: 1,
  name: 'build',
  status: 'completed',
  conclusion: 'success',
  runnerName: 'runner-1',
  url: null,
  ...over,
  steps: (over.steps ?? []).map((s, i) => ({ ...s, number: i + 1 }))
})

test('the current job is the one in progress on this runner, whatever its name', () => {
  const a = job({ id: 1, name: 'test (linux)', status: 'in_progress', conclusion: null, runnerName: 'r-a' })
  const b = job({ id: 2, name: 'test (linux)', status: 'in_progress', conclusion: null, runnerName: 'r-b' })
  const done = job({ id: 3, status: 'completed', runnerName: 'r-b' })
  expect(findCurrentJob([done, a, b], 'r-b')).toBe(b)
  expect(findCurrentJob([done, a], 'r-c')).toBeUndefined()
})

test('own steps: failed, cancelled and timed-out steps fail the job; skipped and running steps do not', () => {
  const current = job({
    status: 'in_progress',
    conclusion: null,
    steps: [
      step('Set up job', 'success'),
      step('Lint', 'skipped'),
      step('Run make test', 'failure'),
      step('Deploy', 'timed_out'),
      step('Post Run report', null, 'in_progress')
    ]
  })
  expect(judgeOwnSteps(current)).toEqual({
    ok: false,
    cancelled: false,
    failedJobs: [
      {
        name: 'build',
        conclusion: 'failure',
        steps: [
          { name: 'Run make test', conclusion: 'failure' },
          { name: 'Deploy', conclusion: 'timed_out' }
        ]
      }
    ]
  })
})

test('own steps all successful or skipped: ok', () => {
  expect(judgeOwnSteps(job({ steps: [step('a', 'success'), step('b', 'skipped')] }))).toEqual({
    ok: true,
    cancelled: false,
    failedJobs: []
  })
})

test('only cancelled steps: the outcome is a cancellation', () => {
  const outcome = judgeOwnSteps(job({ steps: [step('Build', 'cancelled')] }))
  expect(outcome).toMatchObject({ ok: false, cancelled: true })
})

test('other jobs: failures, cancellations and timeouts count, skipped and successful jobs do not, this job is ignored', () => {
  const current = job({ name: 'report', status: 'in_progress', conclusion: null })
  const jobs = [
    job({ name: 'build', conclusion: 'success' }),
    job({ name: 'docs', conclusion: 'skipped' }),
    job({ name: 'test (linux)', conclusion: 'failure', steps: [step('npm test', 'failure')] }),
    job({ name: 'test (mac)', conclusion: 'cancelled' }),
    current
  ]
  const outcome = judgeOtherJobs(jobs, current)
  expect(outcome.ok).toBe(false)
  expect(outcome.cancelled).toBe(false)
  expect(outcome.failedJobs.map(j => [j.name, j.conclusion])).toEqual([
    ['test (linux)', 'failure'],
    ['test (mac)', 'cancelled']
  ])
  expect(unfinishedJobs(jobs, current)).toEqual([])
})

test('other jobs all cancelled: cancellation; still running jobs are listed as unfinished', () => {
  const jobs = [
    job({ name: 'a', conclusion: 'cancelled' }),
    job({ name: 'b', status: 'in_progress', conclusion: null })
  ]
  expect(judgeOtherJobs(jobs, undefined)).toMatchObject({ ok: false, cancelled: true })
  expect(unfinishedJobs(jobs, undefined)).toEqual(['b'])
})

test('unsettled steps: unfinished steps before the post steps, which GitHub has not recorded yet', () => {
  const current = job({
    status: 'in_progress',
    conclusion: null,
    steps: [
      step('Set up job', 'success'),
      step('Run make test', null, 'in_progress'),
      step('Deploy', null, 'queued'),
      step('Post Report to CodePipeline', null, 'in_progress'),
      step('Complete job', null, 'pending')
    ]
  })
  expect(unsettledSteps(current)).toEqual(['Run make test', 'Deploy'])
})

test('unsettled steps: a container job\'s "Stop containers" and anything after the first post step is still to come', () => {
  const current = job({
    status: 'in_progress',
    conclusion: null,
    steps: [
      step('Set up job', 'success'),
      step('Initialize containers', 'success'),
      step('Run make test', 'success'),
      step('Post Report to CodePipeline', null, 'in_progress'),
      step('Post Run actions/checkout@v5', null, 'pending'),
      step('Stop containers', null, 'pending'),
      step('Complete job', null, 'pending')
    ]
  })
  expect(unsettledSteps(current)).toEqual([])
})

test('unsettled steps: a step named like a post step but run before them is no cut-off for the steps before it', () => {
  const current = job({
    status: 'in_progress',
    conclusion: null,
    steps: [
      step('Build', null, 'in_progress'),
      step('Post Build', null, 'in_progress'),
      step('Complete job', null, 'pending')
    ]
  })
  expect(unsettledSteps(current)).toEqual(['Build'])
})
