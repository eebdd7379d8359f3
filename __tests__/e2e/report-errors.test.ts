// What a user sees when something is wrong: bad input (caught before any network call), credentials that
// cannot be obtained, AWS refusing or failing, and the retries that hide passing faults.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { operations, report, resultOf, ROLE, startReportEmulator } from './report-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startReportEmulator()
})
afterEach(() => emu.close())

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'

test.each<[Record<string, string>, string]>([
  [{ 'job-id': 'build-42' }, 'Input job-id is "build-42", which is not a CodePipeline job ID'],
  [
    { status: 'passed' },
    'Input status is "passed"; allowed values: job, workflow, success, failure, cancelled.'
  ],
  [
    { 'failure-type': 'Broken' },
    'Input failure-type is "Broken"; allowed values: JobFailed, ConfigurationError'
  ],
  [
    { 'output-variables': 'not a pair' },
    'output-variables line 1 is "not a pair"; write one KEY=value per line.'
  ],
  [{ 'percent-complete': '150' }, 'Input percent-complete is "150"; use a whole number from 0 to 100.'],
  [{ 'role-to-assume': 'github-role' }, 'Input role-to-assume is "github-role"; use a role ARN'],
  [
    { 'role-duration-seconds': '60' },
    'Input role-duration-seconds is "60"; use a whole number from 900 to 43200.'
  ],
  [{ 'max-attempts': 'lots' }, 'Input max-attempts is "lots"; use a whole number from 1 to 20.'],
  [{ 'aws-region': '' }, 'No AWS region: set the aws-region input'],
  [{ 'continuation-token': 'abc', 'output-variables': 'A=1' }, 'cannot be combined'],
  [{ 'output-artifacts': 'A=out\nA=dist' }, 'output-artifacts']
])('bad input %j fails with a clear error and makes no network call', async (inputs, message) => {
  const result = await report(
    emu,
    { 'job-id': JOB, status: 'success', ...inputs },
    { env: inputs['aws-region'] === '' ? { AWS_REGION: undefined } : {} }
  )
  expect(result.exitCode).toBe(1)
  expect(result.commands).toContainEqual(
    expect.objectContaining({ command: 'error', message: expect.stringContaining(message) })
  )
  expect(emu.requests).toEqual([])
})

test('without permissions: id-token: write the error says exactly that, and names the job left waiting', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(
    emu,
    { 'job-id': job.id, status: 'success' },
    { env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined } }
  )
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain('add `permissions: id-token: write` to the workflow or to this job')
  expect(result.stdout).toContain(
    `CodePipeline job ${job.id} is left waiting until CodePipeline times it out; re-run this workflow job to report again.`
  )
  expect(operations(emu, 'codepipeline')).toEqual([])
})

test("a role whose trust policy does not match this repository gets STS's reason and the fix", async () => {
  const other = 'arn:aws:iam::123456789012:role/other-repos-only'
  emu.sts.addRole({ arn: other, subject: 'repo:someone-else/*' })
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'success', 'role-to-assume': other })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(`Could not assume ${other}`)
  expect(result.stdout).toContain('Not authorized to perform sts:AssumeRoleWithWebIdentity')
  // The token's own claims, beside the condition keys of its issuer.
  expect(result.stdout).toContain(
    `This job's token has sub "repo:octo-org/octo-repo:ref:refs/heads/main" and aud "sts.amazonaws.com", from ` +
      'https://token.actions.githubusercontent.com.'
  )
  expect(result.stdout).toContain(
    'token.actions.githubusercontent.com:sub condition must match that sub (the repository, and the ref or the ' +
      'environment of this job)'
  )
  expect(result.stdout).not.toMatch(/\n\s+at .*\.js:\d+/) // no stack trace
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})

test('an audience the OIDC provider does not know is explained', async () => {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'success', audience: 'my-audience' })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain('Incorrect token audience')
  expect(result.stdout).toContain('client ID "my-audience" (the audience input)')
})

test('a missing IAM permission names the action to allow and the job left waiting; it is not retried', async () => {
  emu.codepipeline.deny(ROLE, 'PutJobFailureResult')
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'failure', message: 'x' })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(
    'Allow codepipeline:PutJobFailureResult in the IAM policy of the role this action uses'
  )
  expect(result.stdout).toContain(`Could not deliver the failure of CodePipeline job ${job.id}`)
  expect(result.stdout).toContain('left waiting until CodePipeline times it out')
  expect(operations(emu, 'codepipeline').filter(op => op === 'PutJobFailureResult')).toHaveLength(1)
})

test('throttling and a dropped connection are retried, and the result still arrives', async () => {
  emu.faults.add({ service: 'codepipeline', operation: 'PutJobSuccessResult', kind: 'throttle' })
  emu.faults.add({ service: 'codepipeline', operation: 'PutJobSuccessResult', kind: 'drop' })
  emu.faults.add({ service: 'sts', kind: 'server-error' })
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'success' })
  expect(result.exitCode).toBe(0)
  expect(resultOf(emu, job.id).kind).toBe('success')
  expect(operations(emu, 'codepipeline').filter(op => op === 'PutJobSuccessResult')).toHaveLength(3)
  expect(operations(emu, 'sts')).toHaveLength(2)
})

test('CodePipeline failing on every attempt fails the step loudly and names the job left waiting', async () => {
  emu.faults.add({
    service: 'codepipeline',
    operation: 'PutJobFailureResult',
    kind: 'server-error',
    times: 10
  })
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'failure', message: 'x', 'max-attempts': '3' })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(`Could not deliver the failure of CodePipeline job ${job.id}`)
  expect(result.stdout).toContain(
    `CodePipeline job ${job.id} is left waiting until CodePipeline times it out`
  )
  expect(operations(emu, 'codepipeline').filter(op => op === 'PutJobFailureResult')).toHaveLength(3)
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})
