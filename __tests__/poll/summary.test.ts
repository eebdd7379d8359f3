import { expect, test } from '@jest/globals'
import { logLine, pollOutputs, pollSummary, unreportedMessage } from '../../src/poll/summary.ts'
import type { Reconciled } from '../../src/poll/reconcile.ts'
import type { JobRecord } from '../../src/poll/worker.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const dispatched: JobRecord = {
  jobId: JOB,
  pipeline: { pipelineName: 'web', stageName: 'Build', actionName: 'Compile', pipelineExecutionId: 'e1' },
  repository: 'octo-org/app',
  workflow: 'build.yml',
  ref: 'main',
  runId: 77,
  runUrl: 'https://github.com/octo-org/app/actions/runs/77',
  result: 'dispatched',
  detail: 'started https://github.com/octo-org/app/actions/runs/77'
}
const failed: JobRecord = {
  jobId: 'ffffffff-4567-89ab-cdef-0123456789ab',
  pipeline: {},
  result: 'failed',
  detail: 'ConfigurationError: The action configuration has no Repository | pipe\nnewline'
}
const waiting: JobRecord = { ...failed, result: 'unreported', detail: 'PutJobFailureResult failed: denied' }
const cancelled: JobRecord = {
  ...dispatched,
  runId: 12,
  runUrl: 'https://github.com/octo-org/app/actions/runs/12',
  result: 'cancelled',
  detail: 'pipeline web execution e1 was stopped: its action Compile (stage Build) was abandoned'
}
const nothingReconciled: Reconciled = { records: [], repositories: [], runs: 0, githubCalls: 0 }
const polled = (records: JobRecord[], reconciled: Reconciled = nothingReconciled) => ({ records, reconciled })

test('outputs: the jobs as JSON with nulls for unknowns, and the counts', () => {
  const outputs = pollOutputs(polled([dispatched, failed, waiting]))
  expect(outputs.dispatched).toBe('1')
  expect(outputs.failed).toBe('2')
  expect(JSON.parse(outputs.jobs)[0]).toEqual({
    jobId: JOB,
    pipeline: 'web',
    pipelineExecutionId: 'e1',
    stage: 'Build',
    action: 'Compile',
    repository: 'octo-org/app',
    workflow: 'build.yml',
    ref: 'main',
    runId: 77,
    runUrl: 'https://github.com/octo-org/app/actions/runs/77',
    result: 'dispatched',
    detail: 'started https://github.com/octo-org/app/actions/runs/77'
  })
  expect(JSON.parse(outputs.jobs)[1]).toMatchObject({ pipeline: null, repository: null, runId: null })
  expect(pollOutputs(polled([]))).toEqual({ jobs: '[]', dispatched: '0', failed: '0', reconciled: '[]' })
  const reconciled = { ...nothingReconciled, records: [cancelled], repositories: ['octo-org/app'], runs: 3 }
  expect(JSON.parse(pollOutputs(polled([], reconciled)).reconciled)).toEqual([
    expect.objectContaining({ jobId: JOB, runId: 12, result: 'cancelled', detail: cancelled.detail })
  ])
})

test('one log line per job: place, target, what happened', () => {
  expect(logLine(dispatched)).toBe(
    `Job ${JOB} (web / Build / Compile) → octo-org/app build.yml@main: dispatched, started https://github.com/octo-org/app/actions/runs/77`
  )
  expect(logLine({ ...failed, detail: '' })).toBe('Job ffffffff-4567-89ab-cdef-0123456789ab: failed')
})

test('the step fails naming every job left waiting, and only then', () => {
  expect(unreportedMessage([dispatched, failed])).toBeUndefined()
  expect(unreportedMessage([dispatched, waiting])).toBe(
    '1 CodePipeline job(s) could not be answered and wait until CodePipeline times them out:\n' +
      'Job ffffffff-4567-89ab-cdef-0123456789ab: unreported, PutJobFailureResult failed: denied'
  )
})

test('the summary is a table with escaped cells and linked runs', () => {
  const md = pollSummary(polled([dispatched, failed]), 'Build/Custom/GitHubActions/1', false)
  expect(md).toContain(
    '### CodePipeline jobs for Build/Custom/GitHubActions/1: 2 polled, 1 dispatched, 1 failed'
  )
  expect(md).toContain(
    `| \`${JOB}\` | web / Build / Compile | octo-org/app build.yml@main | [77](https://github.com/octo-org/app/actions/runs/77) | 🚀 dispatched |`
  )
  expect(md).toContain(
    '| — | — | — | ❌ failed | ConfigurationError: The action configuration has no Repository \\| pipe<br>newline |'
  )
  expect(pollSummary(polled([]), 'Build/Custom/X/1', false)).toBe(
    '### No CodePipeline jobs were waiting for Build/Custom/X/1\n'
  )
  expect(pollSummary(polled([]), 'Build/Custom/X/1', true)).toBe(
    '### 🔎 Dry run: nothing was polled for Build/Custom/X/1\n'
  )
})

test('runs started earlier get a section of their own: what was checked, with what, and what was done', () => {
  const reconciled = {
    records: [cancelled],
    repositories: ['octo-org/app', 'octo-org/api'],
    runs: 3,
    githubCalls: 3
  }
  const md = pollSummary(polled([], reconciled), 'Build/Custom/X/1', false)
  expect(md).toContain(
    '### Runs started earlier\n\nChecked 3 run(s) that name a job in `octo-org/app`, `octo-org/api` with 3 GitHub call(s).'
  )
  expect(md).toContain(
    `| \`${JOB}\` | web / Build / Compile | octo-org/app build.yml@main | [12](https://github.com/octo-org/app/actions/runs/12) | ⏹️ run cancelled | pipeline web execution e1 was stopped`
  )
  const quiet = pollSummary(polled([], { ...reconciled, records: [] }), 'Build/Custom/X/1', false)
  expect(quiet).toContain('with 3 GitHub call(s). None needed anything.')
})
