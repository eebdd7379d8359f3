import { failureMessage } from '../../src/messages.ts'
import { notJudged, type Outcome } from '../../src/outcome.ts'
import { buildRequest } from '../../src/report/request.ts'
import type { ReportSettings } from '../../src/report/settings.ts'
import type { RunContext } from '../../src/github/context.ts'
import { TRUNCATION_MARKER } from '../../src/text.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const run = {
  workflow: 'Build',
  runNumber: '42',
  runAttempt: 2,
  runId: '1234',
  runUrl: 'https://github.com/octo-org/octo-repo/actions/runs/1234'
} as RunContext
const settings = (over: Partial<ReportSettings> = {}): ReportSettings => ({
  jobId: JOB,
  status: 'job',
  failureType: 'JobFailed',
  githubToken: 't',
  artifactCompression: { setting: 'auto', level: 6 },
  dryRun: false,
  aws: { region: 'eu-west-1', maxAttempts: 5 },
  ...over
})
const ok: Outcome = { ok: true, cancelled: false, failedJobs: [] }
const failed: Outcome = {
  ok: false,
  cancelled: false,
  failedJobs: [
    { name: 'build', conclusion: 'failure', steps: [{ name: 'Run make test', conclusion: 'failure' }] },
    { name: 'e2e', conclusion: 'timed_out', steps: [{ name: 'Cypress', conclusion: 'timed_out' }] },
    { name: 'lint', conclusion: 'cancelled', steps: [] }
  ]
}

test('success: automatic summary names and links the run; external ID is the run ID', () => {
  expect(buildRequest(settings(), ok, run)).toEqual({
    kind: 'success',
    input: {
      jobId: JOB,
      executionDetails: {
        summary:
          'GitHub workflow "Build" run #42 (attempt 2) succeeded: https://github.com/octo-org/octo-repo/actions/runs/1234',
        externalExecutionId: '1234'
      }
    }
  })
})

test('success carries summary, percent, output variables or continuation token as given', () => {
  const req = buildRequest(
    settings({
      summary: 'Deployed',
      percentComplete: 100,
      outputVariables: { TAG: 'v1' },
      externalExecutionId: 'ext'
    }),
    ok,
    run
  )
  expect(req.input).toEqual({
    jobId: JOB,
    executionDetails: { summary: 'Deployed', externalExecutionId: 'ext', percentComplete: 100 },
    outputVariables: { TAG: 'v1' }
  })
  const cont = buildRequest(settings({ continuationToken: 'tok' }), ok, run)
  expect(cont.input).toMatchObject({ continuationToken: 'tok' })
})

test('failure: the automatic message names workflow, run, attempt, jobs, steps and the run URL', () => {
  const req = buildRequest(settings({ failureType: 'ConfigurationError' }), failed, run)
  expect(req).toEqual({
    kind: 'failure',
    input: {
      jobId: JOB,
      failureDetails: {
        type: 'ConfigurationError',
        externalExecutionId: '1234',
        message:
          'GitHub workflow "Build" run #42 (attempt 2) failed: job "build" failed at step "Run make test"; ' +
          'job "e2e" timed out at step "Cypress" (timed out); job "lint" was cancelled. ' +
          'Run: https://github.com/octo-org/octo-repo/actions/runs/1234'
      }
    }
  })
})

test('a cancellation says so', () => {
  expect(failureMessage({ ok: false, cancelled: true, failedJobs: [] }, run)).toBe(
    'GitHub workflow "Build" run #42 (attempt 2) was cancelled. Run: https://github.com/octo-org/octo-repo/actions/runs/1234'
  )
})

test('a custom message is used as given, truncated at 5000 characters', () => {
  const req = buildRequest(settings({ message: 'x'.repeat(6000) }), failed, run)
  const message = req.kind === 'failure' ? req.input.failureDetails?.message : ''
  expect(message).toHaveLength(5000)
  expect(message?.endsWith(TRUNCATION_MARKER)).toBe(true)
})

test('a run that could not be judged explains why, with its own failure type, even over a custom message', () => {
  const req = buildRequest(
    settings({ message: 'custom' }),
    notJudged('github-token may not read', 'ConfigurationError'),
    run
  )
  expect(req.input).toMatchObject({
    failureDetails: {
      type: 'ConfigurationError',
      message: `GitHub workflow "Build" run #42 (attempt 2) could not be judged: github-token may not read. Run: ${run.runUrl}`
    }
  })
})

test('hundreds of failed jobs are truncated in the middle; the run URL survives', () => {
  const many: Outcome = {
    ok: false,
    cancelled: false,
    failedJobs: Array.from({ length: 500 }, (_, i) => ({
      name: `job ${i}`,
      conclusion: 'failure',
      steps: []
    }))
  }
  const message = failureMessage(many, run)
  expect(message.length).toBeLessThanOrEqual(5000)
  expect(message).toContain(TRUNCATION_MARKER)
  expect(message.endsWith(`. Run: ${run.runUrl}`)).toBe(true)
})

test('a long summary and external execution ID are cut to their limits', () => {
  const req = buildRequest(settings({ summary: 's'.repeat(3000) }), ok, { ...run, runId: '9'.repeat(1600) })
  const details = req.kind === 'success' ? req.input.executionDetails : undefined
  expect(details?.summary).toHaveLength(2048)
  expect(details?.externalExecutionId).toHaveLength(1500)
})
