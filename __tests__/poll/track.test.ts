import { expect, test } from '@jest/globals'
import type { RunJob, RunStatus } from '../../src/github/runs.ts'
import {
  parseRunToken,
  runToken,
  startedResult,
  trackedResult,
  uncheckedResult
} from '../../src/poll/track.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const tracked = { owner: 'octo-org', repo: 'app.js', runId: 1658821500 }
const URL = 'https://github.com/octo-org/app.js/actions/runs/1658821500'
const run = (over: Partial<RunStatus> = {}): RunStatus => ({
  id: 1658821500,
  name: 'Build',
  title: 'Build for CodePipeline job 0123abcd-4567-89ab-cdef-0123456789ab',
  workflowFile: 'build.yml',
  workflowId: 161335,
  runNumber: 7,
  attempt: 2,
  event: 'workflow_dispatch',
  headBranch: 'main',
  status: 'in_progress',
  conclusion: null,
  url: URL,
  createdAt: Date.parse('2026-12-06T10:00:00Z'),
  updatedAt: Date.parse('2026-12-06T10:05:00Z'),
  ...over
})
const job = (name: string, conclusion: string | null, steps: [string, string | null][] = []): RunJob => ({
  id: 1,
  name,
  status: conclusion ? 'completed' : 'in_progress',
  conclusion,
  runnerName: null,
  url: null,
  steps: steps.map(([n, c], i) => ({
    number: i + 1,
    name: n,
    status: c ? 'completed' : 'in_progress',
    conclusion: c
  }))
})

test('a token names the repository and run, and reads back; anything else does not parse', () => {
  expect(runToken(tracked)).toBe('gha-run:1:octo-org/app.js:1658821500')
  expect(parseRunToken(runToken(tracked))).toEqual(tracked)
  for (const bad of [
    '',
    'gha-run:2:octo-org/app:1',
    'gha-run:1:octo-org:1',
    'gha-run:1:o/r:x',
    'gha-run:1:o/r/x:1',
    // Would resolve to another API path when the run is looked up.
    'gha-run:1:../..:1',
    'gha-run:1:o/..:1',
    'gha-run:1:./r:1',
    ' gha-run:1:o/r:1'
  ]) {
    expect(parseRunToken(bad)).toBeUndefined()
  }
})

test('after a dispatch: success at 0 % with the token and the run ID', () => {
  expect(startedResult(JOB, tracked, 'build.yml', URL)).toEqual({
    kind: 'success',
    input: {
      jobId: JOB,
      continuationToken: 'gha-run:1:octo-org/app.js:1658821500',
      executionDetails: {
        summary: `Started GitHub workflow build.yml in octo-org/app.js: ${URL}`,
        externalExecutionId: '1658821500',
        percentComplete: 0
      }
    }
  })
})

test('a running run: same token, progress by finished jobs, never 100 %', () => {
  const queued = trackedResult(JOB, tracked, run({ status: 'queued' }), [])
  expect(queued.input).toMatchObject({
    continuationToken: runToken(tracked),
    executionDetails: {
      summary: `GitHub workflow "Build" run #7 (attempt 2) is queued. ${URL}`,
      percentComplete: 0
    }
  })
  const most = trackedResult(JOB, tracked, run(), [job('a', 'success'), job('b', 'success'), job('c', null)])
  expect(most.input).toMatchObject({
    executionDetails: {
      summary: `GitHub workflow "Build" run #7 (attempt 2) is in progress: 2 of 3 jobs done. ${URL}`,
      percentComplete: 66
    }
  })
  const all = trackedResult(JOB, tracked, run(), [job('a', 'success')])
  expect(all.kind === 'success' && all.input.executionDetails?.percentComplete).toBe(99)
})

test.each(['success', 'neutral', 'skipped'])(
  'a run concluded %s is a plain success with the run URL',
  conclusion => {
    expect(trackedResult(JOB, tracked, run({ status: 'completed', conclusion }), [])).toEqual({
      kind: 'success',
      input: {
        jobId: JOB,
        executionDetails: {
          summary: `GitHub workflow "Build" run #7 (attempt 2) succeeded: ${URL}`,
          externalExecutionId: '1658821500'
        }
      }
    })
  }
)

test('a failed run names failed jobs and steps', () => {
  const result = trackedResult(JOB, tracked, run({ status: 'completed', conclusion: 'failure' }), [
    job('lint', 'success'),
    job('test', 'failure', [
      ['Checkout', 'success'],
      ['Run tests', 'failure']
    ]),
    job('e2e', 'timed_out', [['Run e2e', 'timed_out']])
  ])
  expect(result).toEqual({
    kind: 'failure',
    input: {
      jobId: JOB,
      failureDetails: {
        type: 'JobFailed',
        message:
          'GitHub workflow "Build" run #7 (attempt 2) failed: job "test" failed at step "Run tests"; ' +
          `job "e2e" timed out at step "Run e2e" (timed out). Run: ${URL}`,
        externalExecutionId: '1658821500'
      }
    }
  })
})

test.each([
  ['cancelled', 'was cancelled'],
  ['timed_out', 'failed'],
  ['startup_failure', 'failed'],
  ['action_required', 'failed']
])('a run concluded %s with no failed job is still a failure ("%s")', (conclusion, verb) => {
  const result = trackedResult(JOB, tracked, run({ status: 'completed', conclusion }), [job('a', 'success')])
  expect(result.kind).toBe('failure')
  expect(result.kind === 'failure' && result.input.failureDetails?.message).toBe(
    `GitHub workflow "Build" run #7 (attempt 2) ${verb}. Run: ${URL}`
  )
})

test('a run that could not be checked keeps the action running with the same token', () => {
  expect(uncheckedResult(JOB, tracked, 'HTTP 503')).toEqual({
    kind: 'success',
    input: {
      jobId: JOB,
      continuationToken: runToken(tracked),
      executionDetails: {
        summary: 'Could not check octo-org/app.js run 1658821500 (HTTP 503); looking again at the next poll.',
        externalExecutionId: '1658821500'
      }
    }
  })
})

test('messages stay within CodePipeline limits', () => {
  const many = Array.from({ length: 400 }, (_, i) =>
    job(`job ${i} ${'x'.repeat(20)}`, 'failure', [['step', 'failure']])
  )
  const failed = trackedResult(JOB, tracked, run({ status: 'completed', conclusion: 'failure' }), many)
  const message = failed.kind === 'failure' ? (failed.input.failureDetails?.message ?? '') : ''
  expect(message.length).toBeLessThanOrEqual(5000)
  expect(message.endsWith(`Run: ${URL}`)).toBe(true)
  const long = trackedResult(JOB, tracked, run({ name: 'n'.repeat(3000) }), [])
  expect(long.kind === 'success' && long.input.executionDetails?.summary?.length).toBeLessThanOrEqual(2048)
})
