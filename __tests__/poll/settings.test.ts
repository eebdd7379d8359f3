import { expect, test } from '@jest/globals'
import { UserError } from '../../src/errors.ts'
import { runContext } from '../../src/github/context.ts'
import { parsePollSettings } from '../../src/poll/settings.ts'

const env = {
  GITHUB_REPOSITORY: 'octo-org/poller',
  GITHUB_RUN_ID: '987',
  GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
  AWS_REGION: 'eu-west-1'
}
const reader = (inputs: Record<string, string>) => (name: string) => (inputs[name] ?? '').trim()
const parse = (inputs: Record<string, string>) =>
  parsePollSettings(
    reader({ provider: 'GitHubActions', 'github-token': 'ghs_x', ...inputs }),
    env,
    runContext(env)
  )

test('defaults: Build/Custom/<provider>/1, 10 a batch, dispatch mode, one poll, ten at a time', () => {
  expect(parse({})).toEqual({
    actionType: { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' },
    maxBatchSize: 10,
    queryParam: undefined,
    mode: 'dispatch',
    fallbacks: { repository: undefined, workflow: undefined, ref: undefined },
    allowedTargets: [expect.objectContaining({ text: 'octo-org/poller' })],
    jobIdInput: 'codepipeline-job-id',
    waitSeconds: 0,
    reconcile: { windowHours: 24, queueTimeoutMinutes: 30 },
    maxConcurrency: 10,
    dryRun: false,
    githubToken: 'ghs_x',
    apiUrl: 'https://ghe.example.com/api/v3',
    aws: { region: 'eu-west-1', maxAttempts: 5 }
  })
})

test('every input is read and normalised', () => {
  const s = parse({
    category: 'deploy',
    version: '2',
    'max-batch-size': '100',
    'query-param': ' Team = blue ',
    mode: 'Track',
    repository: 'octo-org/app',
    workflow: 'deploy.yml',
    ref: 'release',
    'job-id-input': 'job_id',
    'wait-seconds': '290',
    'max-concurrency': '1',
    'dry-run': 'true'
  })
  expect(s).toMatchObject({
    actionType: { category: 'Deploy', version: '2' },
    maxBatchSize: 100,
    queryParam: { Team: 'blue' },
    mode: 'track',
    fallbacks: { repository: 'octo-org/app', workflow: 'deploy.yml', ref: 'release' },
    jobIdInput: 'job_id',
    waitSeconds: 290,
    maxConcurrency: 1,
    dryRun: true
  })
})

test.each([
  [{ provider: '' }, /Input provider is required: name the custom action type/],
  [{ provider: 'Git Hub' }, /Input provider is "Git Hub"; use 1 to 35 characters/],
  [{ category: 'Lint' }, /Input category is "Lint"; allowed values: Source, Build, Deploy/],
  [{ version: '1.0' }, /Input version is "1.0"; use 1 to 9 characters/],
  [{ 'max-batch-size': '0' }, /max-batch-size is "0"; use a whole number from 1 to 100/],
  [{ 'query-param': '=blue' }, /query-param is "=blue"; use Key=Value/],
  [{ 'query-param': 'Team=blue sky' }, /query-param is "Team=blue sky"/],
  [{ mode: 'poll' }, /Input mode is "poll"; allowed values: dispatch, track/],
  [{ repository: 'octo-org' }, /Input repository is "octo-org"; use owner\/name/],
  [{ repository: 'octo-org/..' }, /Input repository is "octo-org\/.."; use owner\/name/],
  [{ repository: './app' }, /Input repository is ".\/app"; use owner\/name/],
  [{ workflow: '..' }, /Input workflow is ".."; use the workflow file name/],
  [
    { workflow: '.github/workflows/build.yml' },
    /Input workflow is ".github\/workflows\/build.yml"; use the workflow file name/
  ],
  [{ 'job-id-input': '1job' }, /Input job-id-input is "1job"; use a workflow input name/],
  [{ 'wait-seconds': '-1' }, /wait-seconds is "-1"; use a whole number from 0 to 3600/],
  [{ 'max-concurrency': '0' }, /max-concurrency is "0"; use a whole number from 1 to 100/],
  [{ 'dry-run': 'maybe' }, /Input dry-run is "maybe"; use true or false/],
  [{ 'github-token': '' }, /Input github-token is empty: pass a token that may start workflows/],
  [{ 'role-to-assume': 'poller' }, /Input role-to-assume is "poller"/],
  [
    { 'role-to-assume': 'arn:aws:iam::123456789012:role/poller', 'wait-seconds': '601' },
    /Input wait-seconds is 601, but the role session lasts role-duration-seconds \(900\).*at least 901/
  ]
])('%j is refused with a message naming the input', (inputs, message) => {
  expect(() => parse(inputs)).toThrow(UserError)
  expect(() => parse(inputs)).toThrow(message)
})

test('a long wait fits when the role session is long enough for it and the jobs after it', () => {
  const s = parse({
    'role-to-assume': 'arn:aws:iam::123456789012:role/poller',
    'wait-seconds': '3600',
    'role-duration-seconds': '3900'
  })
  expect(s.waitSeconds).toBe(3600)
  expect(s.aws.role?.durationSeconds).toBe(3900)
})
