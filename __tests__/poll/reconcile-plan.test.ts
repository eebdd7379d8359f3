import { expect, test } from '@jest/globals'
import type { JobData } from '@aws-sdk/client-codepipeline'
import type { RunStatus } from '../../src/github/runs.ts'
import { parseAllowedTargets } from '../../src/poll/allowed-targets.ts'
import { queuedProblem, runNameAdvice, unreportedProblem } from '../../src/poll/reconcile-messages.ts'
import { parseReconcileSettings } from '../../src/poll/reconcile-settings.ts'
import { whyNotItsJob } from '../../src/poll/run-job.ts'
import { jobIdsIn, repositoriesToReconcile, runsToCheck } from '../../src/poll/runs-to-check.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const OTHER = 'ffffffff-4567-89ab-cdef-0123456789ab'
const NOW = Date.parse('2026-12-06T12:00:00Z')
const URL = 'https://github.com/octo-org/app/actions/runs/5'
const repo = { owner: 'octo-org', repo: 'app' }

const run = (over: Partial<RunStatus> = {}): RunStatus => ({
  id: 5,
  name: 'Build',
  title: `Build for CodePipeline job ${JOB}`,
  workflowFile: 'build.yml',
  workflowId: 161335,
  runNumber: 12,
  attempt: 1,
  event: 'workflow_dispatch',
  headBranch: 'main',
  status: 'completed',
  conclusion: 'success',
  url: URL,
  createdAt: NOW - 10 * 60_000,
  updatedAt: NOW - 5 * 60_000,
  ...over
})

test('the repositories reconciled: those allowed-targets names without a wildcard, and those runs were started in', () => {
  const patterns = parseAllowedTargets('octo-org/app/build.yml\nOcto-Org/App\nocto-org/*\n*/api', 'x/y')
  expect(repositoriesToReconcile(patterns, [{ owner: 'octo-org', repo: 'web' }, repo])).toEqual([
    { owner: 'octo-org', repo: 'app' },
    { owner: 'octo-org', repo: 'web' }
  ])
  // Empty allowed-targets means the poller's own repository.
  expect(repositoriesToReconcile(parseAllowedTargets('', 'octo-org/pipelines'), [])).toEqual([
    { owner: 'octo-org', repo: 'pipelines' }
  ])
})

test("a run's job IDs come from its name, each once; a name without one is no job's", () => {
  expect(jobIdsIn(`Build ${JOB} (retry of ${JOB}) after ${OTHER}`)).toEqual([JOB, OTHER])
  expect(jobIdsIn('CodePipeline poller')).toEqual([])
  expect(jobIdsIn(`x${JOB.toUpperCase()}`)).toEqual([])
})

test('runs to check: active first, only dispatched runs of allowed workflows that name a job', () => {
  const patterns = parseAllowedTargets('octo-org/app/build.yml@main', 'x/y')
  const runs = [
    run({ id: 1 }),
    run({ id: 2, status: 'in_progress', conclusion: null }),
    run({ id: 3, workflowFile: 'release.yml' }),
    run({ id: 4, event: 'push' }),
    run({ id: 6, title: 'Build' }),
    run({ id: 7, headBranch: 'feature' }),
    run({ id: 8, status: 'queued', conclusion: null, createdAt: NOW - 31 * 60_000 }),
    run({ id: 9, status: 'queued', conclusion: null, createdAt: NOW - 29 * 60_000 })
  ]
  const checks = runsToCheck(repo, runs, patterns, 30, NOW)
  expect(checks.map(c => [c.run.id, c.kind, c.queuedTooLong])).toEqual([
    [2, 'active', false],
    [8, 'active', true],
    [9, 'active', false],
    [1, 'ended', false]
  ])
  expect(checks[0].jobIds).toEqual([JOB])
  // 0 turns the queue limit off.
  expect(runsToCheck(repo, [runs[6]], patterns, 0, NOW)[0].queuedTooLong).toBe(false)
})

const job = (
  over: { type?: Partial<NonNullable<JobData['actionTypeId']>>; config?: Record<string, string> } = {}
) =>
  ({
    actionTypeId: {
      category: 'Build',
      owner: 'Custom',
      provider: 'GitHubActions',
      version: '1',
      ...over.type
    },
    actionConfiguration: {
      configuration: { Repository: 'octo-org/app', Workflow: 'build.yml', ...over.config }
    }
  }) as JobData
const settings = {
  actionType: { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' } as const,
  fallbacks: {}
}

test("a run speaks only for a job of this action type that names the run's own repository and workflow", () => {
  expect(whyNotItsJob(job(), run(), repo, settings)).toBeUndefined()
  expect(whyNotItsJob(job({ config: { Repository: 'OCTO-ORG/App' } }), run(), repo, settings)).toBeUndefined()
  expect(whyNotItsJob(job({ config: { Workflow: '161335' } }), run(), repo, settings)).toBeUndefined()
  expect(whyNotItsJob(job({ type: { provider: 'Other' } }), run(), repo, settings)).toBe(
    'it is a job of another action type'
  )
  expect(whyNotItsJob(job({ config: { Repository: 'octo-org/api' } }), run(), repo, settings)).toBe(
    'the job names repository "octo-org/api"'
  )
  expect(whyNotItsJob(job({ config: { Workflow: 'deploy.yml' } }), run(), repo, settings)).toBe(
    'the job names workflow "deploy.yml"'
  )
  expect(whyNotItsJob(job({ config: { Workflow: '1' } }), run(), repo, settings)).toBe(
    'the job names workflow "1"'
  )
  // A job without Repository/Workflow is the poller's fallbacks'.
  const bare = { ...job(), actionConfiguration: { configuration: {} } } as JobData
  expect(
    whyNotItsJob(bare, run(), repo, {
      ...settings,
      fallbacks: { repository: 'octo-org/app', workflow: 'build.yml' }
    })
  ).toBeUndefined()
  expect(whyNotItsJob(bare, run(), repo, settings)).toBe('the job names repository ""')
})

test('the failure of an unreported run: its workflow, run, conclusion and link, typed by whose fix it needs', () => {
  expect(unreportedProblem(run({ conclusion: 'startup_failure' }))).toEqual({
    type: 'ConfigurationError',
    message: expect.stringMatching(
      /^GitHub workflow "Build" run #12 \(attempt 1\) could not start \(startup_failure\), so it never reported on this job: .* Run: https:\/\/github\.com\/octo-org\/app\/actions\/runs\/5$/
    )
  })
  for (const conclusion of ['success', 'skipped', 'neutral']) {
    expect(unreportedProblem(run({ conclusion }))).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringContaining(`finished (${conclusion}) without reporting this job's result`)
    })
  }
  expect(unreportedProblem(run({ conclusion: 'cancelled' }))).toEqual({
    type: 'JobFailed',
    message: `GitHub workflow "Build" run #12 (attempt 1) was cancelled before it reported this job's result; the poll action reports the failure in its stead. Run: ${URL}`
  })
  for (const conclusion of ['failure', 'timed_out']) {
    expect(unreportedProblem(run({ conclusion }))).toMatchObject({
      type: 'JobFailed',
      message: expect.stringContaining(`ended (${conclusion}) before it reported`)
    })
  }
  expect(queuedProblem(run({ status: 'queued' }), 30)).toEqual({
    type: 'SystemUnavailable',
    message: expect.stringContaining(
      'was still queued after 30 minutes (queue-timeout-minutes of the poll action)'
    )
  })
})

test('the run-name advice names the workflow file and gives the line to add', () => {
  expect(runNameAdvice('octo-org/app', run({ title: 'Build' }), 'codepipeline-job-id')).toContain(
    'Add this line to the workflow, next to `name:`: run-name: Build for CodePipeline job ${{ inputs.codepipeline-job-id }}'
  )
})

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

test('reconcile inputs: defaults, 0 turns off, and the stopped-* inputs checked before anything is sent', () => {
  expect(parseReconcileSettings(reader({}))).toEqual({ windowHours: 24, queueTimeoutMinutes: 30 })
  expect(parseReconcileSettings(reader({ 'reconcile-hours': '0', 'queue-timeout-minutes': '0' }))).toEqual({
    windowHours: 0,
    queueTimeoutMinutes: 0
  })
  expect(() => parseReconcileSettings(reader({ 'reconcile-hours': '200' }))).toThrow(
    'Input reconcile-hours is "200"; use a whole number from 0 to 168.'
  )
  const stopped = {
    'stopped-pipeline': 'web',
    'stopped-execution-id': JOB,
    'stopped-stage': 'Deploy',
    'stopped-action': 'Ship'
  }
  expect(parseReconcileSettings(reader(stopped)).stopped).toEqual({
    pipeline: 'web',
    executionId: JOB,
    stage: 'Deploy',
    action: 'Ship'
  })
  expect(() => parseReconcileSettings(reader({ 'stopped-pipeline': 'web' }))).toThrow(
    'Inputs stopped-pipeline and stopped-execution-id go together'
  )
  expect(() => parseReconcileSettings(reader({ ...stopped, 'stopped-execution-id': 'abc' }))).toThrow(
    'Input stopped-execution-id is "abc", which is not a pipeline execution ID'
  )
  expect(() => parseReconcileSettings(reader({ ...stopped, 'stopped-pipeline': 'a b' }))).toThrow(
    'Input stopped-pipeline is "a b"; a pipeline name is 1 to 100 letters'
  )
  expect(() =>
    parseReconcileSettings(reader({ ...stopped, 'stopped-action': 'x\n::stop-commands::' }))
  ).toThrow('Input stopped-action is "x\\n::stop-commands::"')
})
