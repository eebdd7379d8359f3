import { expect, test } from '@jest/globals'
import type { Job } from '@aws-sdk/client-codepipeline'
import { parseAllowedTargets } from '../../src/poll/allowed-targets.ts'
import { planJob } from '../../src/poll/job.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const settings = {
  fallbacks: {},
  jobIdInput: 'codepipeline-job-id',
  allowedTargets: parseAllowedTargets('octo-org/*', 'octo-org/pipelines'),
  mode: 'dispatch' as const
}

function job(configuration: Record<string, string>, continuationToken?: string): Job {
  return {
    id: JOB,
    nonce: 'n1',
    data: {
      actionConfiguration: { configuration },
      pipelineContext: { pipelineName: 'web', stage: { name: 'Build' }, action: { name: 'Compile' } },
      artifactCredentials: { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' },
      ...(continuationToken ? { continuationToken } : {})
    }
  }
}

const rejection = (configuration: Record<string, string>, fallbacks = {}) => {
  const { action } = planJob(job(configuration), { ...settings, fallbacks })
  if (action.kind !== 'reject') throw new Error(`expected a rejection, got ${action.kind}`)
  return action.message
}

test('a job with Repository, Workflow, Ref and Inputs becomes a dispatch with the job ID as an input', () => {
  const plan = planJob(
    job({
      Repository: 'octo-org/app',
      Workflow: 'build.yml',
      Ref: 'v1.2',
      Inputs: '{"env": "prod", "n": 2, "dry": false}'
    }),
    settings
  )
  expect(plan).toEqual({
    jobId: JOB,
    nonce: 'n1',
    pipeline: {
      pipelineName: 'web',
      stageName: 'Build',
      actionName: 'Compile',
      pipelineExecutionId: undefined
    },
    repository: 'octo-org/app',
    workflow: 'build.yml',
    ref: 'v1.2',
    action: {
      kind: 'dispatch',
      target: {
        owner: 'octo-org',
        repo: 'app',
        workflow: 'build.yml',
        ref: 'v1.2',
        // GitHub takes strings only: a number or boolean would be refused with 422 "… is not a string".
        inputs: { 'codepipeline-job-id': JOB, env: 'prod', n: '2', dry: 'false' }
      }
    }
  })
  // Nothing of the job data but its coordinates is kept.
  expect(JSON.stringify(plan)).not.toContain('secret')
})

test('numbers are sent as written, without losing digits', () => {
  const plan = planJob(
    job({
      Repository: 'octo-org/app',
      Workflow: 'build.yml',
      Inputs: '{"build": 12345678901234567890, "ratio": 1.50, "big": 1E3, "neg": -0, "on": true, "s": "7"}'
    }),
    settings
  )
  expect(plan.action.kind === 'dispatch' && plan.action.target.inputs).toEqual({
    'codepipeline-job-id': JOB,
    build: '12345678901234567890',
    ratio: '1.50',
    big: '1E3',
    neg: '-0',
    on: 'true',
    s: '7'
  })
})

test('the poller inputs fill in what the configuration leaves out; no ref means the default branch', () => {
  const plan = planJob(job({ Inputs: '' }), {
    ...settings,
    fallbacks: { repository: 'octo-org/app', workflow: '42' },
    jobIdInput: 'job'
  })
  expect(plan.action).toEqual({
    kind: 'dispatch',
    target: { owner: 'octo-org', repo: 'app', workflow: '42', inputs: { job: JOB } }
  })
  const configured = planJob(job({ Repository: 'octo-org/own', Workflow: 'own.yml' }), {
    ...settings,
    fallbacks: { repository: 'octo-org/app', workflow: 'x.yml', ref: 'dev' },
    jobIdInput: 'job'
  })
  expect(configured).toMatchObject({ repository: 'octo-org/own', workflow: 'own.yml', ref: 'dev' })
})

test('a continuation job is tracked (never dispatched again), bound to the workflow its job configures', () => {
  const plan = planJob(
    job(
      { Repository: 'Octo-Org/App', Workflow: 'build.yml', Inputs: 'not json' },
      'gha-run:1:octo-org/app:123'
    ),
    settings
  )
  expect(plan.action).toEqual({
    kind: 'track',
    run: { owner: 'octo-org', repo: 'app', runId: 123 },
    workflow: 'build.yml'
  })
})

test.each([
  [
    'another repository than the job configures',
    { Repository: 'octo-org/app' },
    'gha-run:1:octo-org/other:123',
    'names a run in octo-org/other, but the job\'s Repository is "octo-org/app"'
  ],
  ['a job with no Repository', {}, 'gha-run:1:octo-org/app:123', "but the job's Repository is not set"],
  [
    'a repository outside allowed-targets',
    { Repository: 'evil-org/app' },
    'gha-run:1:evil-org/app:123',
    'may not start evil-org/app'
  ]
])('a continuation token naming %s is refused', (_what, configuration, token, text) => {
  const { action } = planJob(job(configuration, token), settings)
  expect(action.kind === 'reject' && action.message).toContain(text)
})

test.each([
  [
    'a line break',
    'main\n::stop-commands::x',
    'not a git branch or tag name (it contains a space, a control character'
  ],
  ['..', 'main..dev', 'it contains ".."'],
  ['a .lock component', 'feature/x.lock', 'ends with ".lock"']
])('a Ref with %s is a rejection that quotes it escaped', (_what, ref, text) => {
  const plan = planJob(job({ Repository: 'octo-org/app', Workflow: 'b.yml', Ref: ref }), settings)
  expect(plan.action.kind === 'reject' && plan.action.message).toContain(text)
  expect(plan.action.kind === 'reject' && plan.action.message).toContain(JSON.stringify(ref))
  expect(plan.ref).toBe(JSON.stringify(ref))
})

test('a target outside allowed-targets is a rejection that names it and the line to add', () => {
  const plan = planJob(job({ Repository: 'evil-org/app', Workflow: 'b.yml', Ref: 'main' }), settings)
  expect(plan.action.kind === 'reject' && plan.action.message).toContain(
    "The poll action may not start evil-org/app/b.yml@main: it is not in the poll action's allowed-targets"
  )
})

test('in track mode, a job that declares output artifacts is refused: only dispatch mode can produce them', () => {
  const withOutputs: Job = job({ Repository: 'octo-org/app', Workflow: 'b.yml' })
  withOutputs.data = { ...withOutputs.data, outputArtifacts: [{ name: 'BuildOutput' }] }
  const plan = planJob(withOutputs, { ...settings, mode: 'track' })
  expect(plan.action.kind === 'reject' && plan.action.message).toContain(
    'declares output artifact(s) "BuildOutput", which track mode cannot produce'
  )
  expect(planJob(withOutputs, settings).action.kind).toBe('dispatch')
})

test('a continuation token the poller did not issue is a rejection that quotes (a short part of) it', () => {
  const plan = planJob(job({}, 'x'.repeat(300)), settings)
  expect(plan.action.kind).toBe('reject')
  expect(plan.action.kind === 'reject' && plan.action.message).toContain(
    `"${'x'.repeat(100)}…", which the poll action did not issue`
  )
})

test.each([
  [
    { Workflow: 'build.yml' },
    'The action configuration has no Repository, and the poll action has no repository input'
  ],
  [
    { Repository: 'octo-org/app' },
    'The action configuration has no Workflow, and the poll action has no workflow input'
  ],
  [{ Repository: 'app', Workflow: 'build.yml' }, 'The Repository property is "app"; use owner/name'],
  // `.` and `..` would be resolved out of the API URL and send the call (with the token) elsewhere.
  [{ Repository: '../app', Workflow: 'build.yml' }, 'The Repository property is "../app"; use owner/name'],
  [{ Repository: 'octo-org/..', Workflow: 'build.yml' }, 'The Repository property is "octo-org/.."'],
  [{ Repository: './.', Workflow: 'build.yml' }, 'The Repository property is "./."'],
  [
    { Repository: 'octo-org/app', Workflow: '..' },
    'The Workflow property is ".."; use the workflow file name'
  ],
  [{ Repository: 'octo-org/app', Workflow: '.' }, 'The Workflow property is "."'],
  [
    { Repository: 'octo-org/app', Workflow: 'ci/build.yml' },
    'The Workflow property is "ci/build.yml"; use the workflow file name'
  ],
  [
    { Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: 'env=prod' },
    "The Inputs property is not valid JSON (Unexpected token 'e'): write a JSON object"
  ],
  [
    { Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: '["a"]' },
    'The Inputs property must be a JSON object of workflow inputs'
  ],
  [
    { Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: '{"a": null}' },
    'The Inputs property sets "a" to null; workflow inputs take a string'
  ],
  [{ Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: '{"a": {"b": 1}}' }, 'sets "a" to {"b":1}'],
  [
    { Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: '{"codepipeline-job-id": "x"}' },
    'The Inputs property sets "codepipeline-job-id", the input the poll action fills with the CodePipeline job ID'
  ],
  [
    {
      Repository: 'octo-org/app',
      Workflow: 'b.yml',
      Inputs: JSON.stringify(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`i${i}`, 'v'])))
    },
    'The Inputs property has 25 inputs; with the job ID that makes 26, and GitHub accepts at most 25'
  ]
])('configuration %j is rejected naming the property', (configuration, message) => {
  expect(rejection(configuration)).toContain(message)
})

test('a JSON error says where, never quoting the text', () => {
  const long = 'x'.repeat(40)
  for (const text of [
    '{"token": "s3cr3t",',
    '{"token": s3cr3t}',
    's3cr3t',
    `{"${long}": s3cr3t, "${long}": 1}`,
    `s3cr3t${long}`
  ]) {
    const message = rejection({ Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: text })
    expect(message).toMatch(/^The Inputs property is not valid JSON \(.+\): write a JSON object/)
    expect(message).not.toContain('s3cr3t')
  }
})

test('names that merely contain dots are names', () => {
  const plan = planJob(job({ Repository: 'octo-org/.github', Workflow: '...yml' }), settings)
  expect(plan.action).toMatchObject({ kind: 'dispatch', target: { repo: '.github', workflow: '...yml' } })
})

test('24 extra inputs plus the job ID are exactly GitHub’s 25', () => {
  const inputs = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`i${i}`, 'v']))
  const plan = planJob(
    job({ Repository: 'octo-org/app', Workflow: 'b.yml', Inputs: JSON.stringify(inputs) }),
    settings
  )
  expect(plan.action.kind === 'dispatch' && Object.keys(plan.action.target.inputs)).toHaveLength(25)
})
