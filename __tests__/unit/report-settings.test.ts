import { parseReportSettings } from '../../src/report/settings.ts'
import { UserError } from '../../src/errors.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const env = { GITHUB_RUN_ID: '987', AWS_REGION: 'eu-west-1' }
const reader = (inputs: Record<string, string>) => (name: string) => (inputs[name] ?? '').trim()
const parse = (inputs: Record<string, string>, e: NodeJS.ProcessEnv = env) =>
  parseReportSettings(reader({ 'job-id': JOB, 'github-token': 'ghs_x', ...inputs }), e)

test('defaults: job mode, JobFailed, region from AWS_REGION, 5 attempts, ambient credentials', () => {
  const s = parse({})
  expect(s).toMatchObject({ jobId: JOB, status: 'job', failureType: 'JobFailed', dryRun: false })
  expect(s.aws).toEqual({ region: 'eu-west-1', maxAttempts: 5 })
})

test('role settings get a session name derived from the run and a 900 s duration', () => {
  const s = parse({
    'role-to-assume': 'arn:aws:iam::123456789012:role/github-codepipeline',
    'aws-region': 'us-east-1'
  })
  expect(s.aws).toEqual({
    region: 'us-east-1',
    maxAttempts: 5,
    role: {
      arn: 'arn:aws:iam::123456789012:role/github-codepipeline',
      sessionName: 'github-actions-run-987',
      durationSeconds: 900,
      audience: 'sts.amazonaws.com'
    }
  })
})

test.each([
  [{ 'job-id': '' }, /Input job-id is required/],
  [{ 'job-id': 'ABC' }, /job-id is "ABC", which is not a CodePipeline job ID/],
  [{ 'job-id': JOB.toUpperCase() }, /not a CodePipeline job ID/],
  [{ status: 'done' }, /Input status is "done"; allowed values: job, workflow, success, failure, cancelled/],
  [{ 'failure-type': 'Oops' }, /failure-type is "Oops"; allowed values: JobFailed, ConfigurationError/],
  [{ 'percent-complete': '101' }, /percent-complete is "101"; use a whole number from 0 to 100/],
  [{ 'percent-complete': '5.5' }, /percent-complete/],
  [{ 'max-attempts': '0' }, /max-attempts is "0"; use a whole number from 1 to 20/],
  [
    { 'role-duration-seconds': '60', 'role-to-assume': 'arn:aws:iam::123456789012:role/r' },
    /from 900 to 43200/
  ],
  [{ 'role-to-assume': 'my-role' }, /role-to-assume is "my-role"; use a role ARN/],
  [{ 'role-session-name': 'a b', 'role-to-assume': 'arn:aws:iam::123456789012:role/r' }, /role-session-name/],
  [{ 'aws-region': 'Europe' }, /aws-region is "Europe", which is not an AWS region name/],
  [{ 'dry-run': 'maybe' }, /dry-run is "maybe"; use true or false/],
  [
    { 'external-execution-id': 'x'.repeat(1501) },
    /external-execution-id is 1501 characters long; the limit is 1500/
  ],
  [
    { 'continuation-token': 'x'.repeat(2049) },
    /continuation-token is 2049 characters long; the limit is 2048/
  ],
  [{ 'continuation-token': 't', 'output-variables': 'A=1' }, /cannot be combined/],
  [{ 'github-token': '', status: 'workflow' }, /github-token is empty, but status "workflow"/]
])('rejects %j', (inputs, message) => {
  expect(() => parse(inputs)).toThrow(UserError)
  expect(() => parse(inputs)).toThrow(message)
})

test('a missing region names both ways to set it', () => {
  expect(() => parse({}, { GITHUB_RUN_ID: '1' })).toThrow(/set the aws-region input .* or AWS_REGION/)
})

test('AWS_DEFAULT_REGION is the last fallback; the input wins', () => {
  expect(parse({}, { AWS_DEFAULT_REGION: 'ap-south-1' }).aws.region).toBe('ap-south-1')
  expect(parse({ 'aws-region': 'us-gov-west-1' }).aws.region).toBe('us-gov-west-1')
  expect(parse({ 'aws-region': 'eusc-de-east-1' }).aws.region).toBe('eusc-de-east-1')
})

test('explicit statuses need no github-token; values are case-insensitive', () => {
  const s = parse({ 'github-token': '', status: 'Failure', 'failure-type': 'permissionerror' })
  expect(s.status).toBe('failure')
  expect(s.failureType).toBe('PermissionError')
})
