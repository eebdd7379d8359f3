// The admin API as a shell script or a newcomer with curl uses it: strict bodies, 404 for what does not exist,
// key pairs of one's own, hand-made runs for the report action's job mode, action types and wake-ups.
import { GetJobDetailsCommand } from '@aws-sdk/client-codepipeline'
import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startAdmin } from '../../emulator/admin.ts'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { codepipeline } from './clients.ts'

let emu: Emulator
let admin: { url: string; close(): Promise<void> }
beforeEach(async () => {
  emu = await startEmulator()
  admin = await startAdmin(emu)
})
afterEach(async () => {
  await admin.close()
  await emu.close()
})

interface Answer {
  status: number
  body: Record<string, unknown> & { message?: string; field?: string }
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${admin.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
  })
  expect(res.headers.get('content-type')).toBe('application/json')
  return { status: res.status, body: (await res.json()) as Answer['body'] }
}

describe('admin API: bodies are checked', () => {
  it.each([
    [
      'text that is not JSON',
      '/_emulator/jobs',
      'nope',
      undefined,
      'the request body must be a JSON object, got: nope'
    ],
    [
      'a JSON array',
      '/_emulator/jobs',
      [],
      undefined,
      'the request body must be a JSON object, got an array'
    ],
    [
      'a typo for queue',
      '/_emulator/jobs',
      { queued: true },
      'queued',
      'unknown field "queued" in the request body; the fields are: queue, id,'
    ],
    [
      'a number as queue',
      '/_emulator/jobs',
      { queue: 'yes' },
      'queue',
      'queue must be true or false, got the string "yes"'
    ],
    [
      'a number as a configuration value',
      '/_emulator/jobs',
      { configuration: { Repository: 5 } },
      'configuration.Repository',
      'configuration.Repository must be a string, got the number 5'
    ],
    [
      'a property the action type does not have',
      '/_emulator/jobs',
      { configuration: { Repositry: 'octo-org/octo-repo' } },
      'configuration.Repositry',
      'configuration.Repositry is not a property of action type Build/Custom/GitHubActions/1; its properties are: Repository, Workflow, Ref, Inputs'
    ],
    [
      'a queryable property the action type lacks (PollerGroups is off by default)',
      '/_emulator/jobs',
      { queue: true, configuration: { PollerGroup: 'blue' } },
      'configuration.PollerGroup',
      'configuration.PollerGroup is not a property of action type Build/Custom/GitHubActions/1'
    ],
    [
      'queue together with another state',
      '/_emulator/jobs',
      { queue: true, state: 'InProgress' },
      'state',
      'queue: true makes the job Queued'
    ],
    ['a malformed job ID', '/_emulator/jobs', { id: 'job-1' }, 'id', 'id must be a CodePipeline job ID'],
    [
      'a step with an unknown conclusion',
      '/_emulator/runs',
      { steps: [{ name: 'Build', conclusion: 'failed' }] },
      'steps[0].conclusion',
      'steps[0].conclusion must be one of success, failure, cancelled'
    ],
    [
      'a step completed without a conclusion',
      '/_emulator/runs',
      { steps: [{ name: 'Build', status: 'completed' }] },
      'steps[0].conclusion',
      'steps[0].status completed needs a conclusion'
    ],
    [
      'jobs and the one-job shorthand together',
      '/_emulator/runs',
      { jobs: [{ name: 'a' }], steps: ['x'] },
      'steps',
      'give either jobs or steps (one job), not both'
    ],
    [
      'a workflow without a file',
      '/_emulator/workflows',
      { repo: 'octo-org/octo-repo' },
      'file',
      'file is required'
    ],
    [
      'a lower-case access key ID',
      '/_emulator/credentials',
      { accessKeyId: 'akia-mine', secretAccessKey: 's' },
      'accessKeyId',
      'accessKeyId must be 16 to 128 upper-case letters and digits'
    ],
    [
      'two queryable properties',
      '/_emulator/action-types',
      {
        provider: 'Two',
        properties: [
          { name: 'A', required: true, queryable: true },
          { name: 'B', required: true, queryable: true }
        ]
      },
      'properties',
      'an action type has at most one queryable property, got A, B'
    ],
    [
      'an optional queryable property',
      '/_emulator/action-types',
      { provider: 'Opt', properties: [{ name: 'Group', queryable: true }] },
      'properties',
      "queryable property 'Group' must be required"
    ],
    [
      'a wake-up with a numeric repository',
      '/_emulator/wake-ups',
      { repository: 5, workflow: 'poll.yml' },
      'repository',
      'repository must be a string, got the number 5'
    ],
    [
      'a negative wake-up delay',
      '/_emulator/wake-ups',
      { repository: 'o/r', workflow: 'poll.yml', delayMs: -1 },
      'delayMs',
      'delayMs must be a whole number from 0 to 600000'
    ]
  ])('%s is a 400 naming the field', async (_what, path, body, field, message) => {
    const answer = await call('POST', path, body)
    expect(answer.status).toBe(400)
    expect(answer.body.message).toContain(message)
    expect(answer.body.field).toBe(field)
    expect(emu.codepipeline.jobs).toEqual([])
    expect(emu.github.runs.size).toBe(0)
  })

  it('a valid body keeps its documented types: configuration values are strings, queue a boolean', async () => {
    emu.codepipeline.usePollerGroups()
    const bad = await call('POST', '/_emulator/jobs', {
      queue: true,
      configuration: { PollerGroup: 'blue team' }
    })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toBe(
      "PollerGroup is 'blue team', but a queryable property's value has 1 to 20 letters, digits, '_' or '-'"
    )
    const answer = await call('POST', '/_emulator/jobs', {
      queue: true,
      configuration: { Repository: 'octo-org/app', PollerGroup: 'blue' },
      pipelineName: 'release'
    })
    expect(answer.status).toBe(201)
    expect(answer.body).toMatchObject({ state: 'Queued' })
    const job = emu.codepipeline.job(String(answer.body.id))
    expect(job?.data.actionConfiguration.configuration).toEqual({
      Repository: 'octo-org/app',
      Workflow: 'build.yml',
      Ref: 'main',
      PollerGroup: 'blue'
    })
    expect(job?.data.pipelineContext.pipelineName).toBe('release')
  })
})

describe('admin API: what does not exist is a 404', () => {
  const nobody = '00000000-0000-4000-8000-000000000000'
  it.each([
    ['GET', `/_emulator/jobs/${nobody}`, `no job ${nobody}`],
    ['POST', `/_emulator/jobs/${nobody}/timeout`, `no job ${nobody}`],
    ['GET', '/_emulator/runs/1', 'no run 1'],
    ['POST', '/_emulator/runs/1', 'no run 1'],
    ['POST', '/_emulator/runs/1/steps/1', 'no run 1']
  ])('%s %s', async (method, path, message) => {
    const answer = await call(method, path, method === 'POST' ? { conclusion: 'failure' } : undefined)
    expect(answer.status).toBe(404)
    expect(answer.body.message).toContain(message)
  })

  it('a job or step a run does not have', async () => {
    const run = (await call('POST', '/_emulator/runs', { steps: ['Set up job'] })).body as { id: number }
    const job = await call('POST', `/_emulator/runs/${run.id}/jobs/42`, { conclusion: 'success' })
    expect([job.status, job.body.message]).toEqual([404, `run ${run.id} has no job 42`])
    const step = await call('POST', `/_emulator/runs/${run.id}/steps/2`, { conclusion: 'failure' })
    expect(step.status).toBe(404)
    expect(step.body.message).toContain('has no step 2; its steps are numbered 1 to 1')
    const route = await call('DELETE', '/_emulator/jobs')
    expect([route.status, route.body.message]).toEqual([404, 'no admin route DELETE /_emulator/jobs'])
  })
})

describe('admin API: credentials', () => {
  it('a key pair added through the admin API signs requests for us-east-1 through the real SDK', async () => {
    const mine = { accessKeyId: 'AKIAMYOWNKEY00000001', secretAccessKey: 'my-own-secret/value+1' }
    const added = await call('POST', '/_emulator/credentials', mine)
    expect(added.status).toBe(201)
    expect(added.body).toEqual({
      accessKeyId: mine.accessKeyId,
      kind: 'static',
      arn: 'arn:aws:iam::123456789012:user/emulator-user'
    })

    const job = emu.codepipeline.addJob()
    // A copy: the SDK writes its own bookkeeping ($source) into the credentials object it is given.
    const client = codepipeline(emu, { ...mine }, { region: 'us-east-1' })
    const out = await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(out.jobDetails?.id).toBe(job.id)
    expect(emu.requests.at(-1)).toMatchObject({ accessKeyId: mine.accessKeyId, signedRegion: 'us-east-1' })

    const listed = await call('GET', '/_emulator/credentials')
    expect(JSON.stringify(listed.body)).not.toContain(mine.secretAccessKey)
    const again = await call('POST', '/_emulator/credentials', { ...mine, secretAccessKey: 'another' })
    expect([again.status, again.body.field]).toEqual([409, 'accessKeyId'])
  })
})

describe('admin API: a run for trying the report action in job mode', () => {
  it('creates a run whose one job is in progress on a runner, as the report action finds "the current job"', async () => {
    const created = await call('POST', '/_emulator/runs', {
      steps: ['Set up job', 'Run make test', 'Post Report to CodePipeline']
    })
    expect(created.status).toBe(201)
    const run = created.body as { id: number; env: Record<string, string> }
    expect(run.env).toEqual({
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_NUMBER: '1',
      GITHUB_WORKFLOW: 'Build',
      GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/build.yml@refs/heads/main',
      RUNNER_NAME: 'GitHub Actions 1'
    })

    // What the report action reads: the jobs of this attempt, and the in-progress one on RUNNER_NAME.
    const octokit = getOctokit(emu.github.token, { baseUrl: emu.urls.github })
    const read = async () =>
      (
        await octokit.rest.actions.listJobsForWorkflowRunAttempt({
          owner: 'octo-org',
          repo: 'octo-repo',
          run_id: Number(run.env.GITHUB_RUN_ID),
          attempt_number: Number(run.env.GITHUB_RUN_ATTEMPT)
        })
      ).data.jobs
    const current = (await read()).find(
      j => j.status === 'in_progress' && j.runner_name === run.env.RUNNER_NAME
    )
    expect(current?.name).toBe('build')
    expect(current?.steps?.map(s => [s.number, s.name, s.status, s.conclusion])).toEqual([
      [1, 'Set up job', 'completed', 'success'],
      [2, 'Run make test', 'completed', 'success'],
      [3, 'Post Report to CodePipeline', 'completed', 'success']
    ])

    const failed = await call('POST', `/_emulator/runs/${run.id}/steps/2`, { conclusion: 'failure' })
    expect(failed.status).toBe(200)
    const after = await read()
    expect(after[0].steps?.[1]).toMatchObject({
      name: 'Run make test',
      status: 'completed',
      conclusion: 'failure'
    })
    expect(after[0].status).toBe('in_progress')

    const done = await call('POST', `/_emulator/runs/${run.id}/jobs/${after[0].id}`, {
      conclusion: 'failure'
    })
    expect(done.body).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect((await read())[0].completed_at).not.toBeNull()
  })

  it('takes a runner name, a job name, a repository and full jobs', async () => {
    const one = await call('POST', '/_emulator/runs', {
      repo: 'octo-org/app',
      job: 'deploy',
      runnerName: 'my-laptop',
      steps: [{ name: 'Deploy', status: 'in_progress' }]
    })
    expect(one.body).toMatchObject({
      repository: { full_name: 'octo-org/app' },
      env: { RUNNER_NAME: 'my-laptop', GITHUB_REPOSITORY: 'octo-org/app' }
    })
    const many = await call('POST', '/_emulator/runs', {
      jobs: [
        { name: 'lint', conclusion: 'success', runnerName: 'GitHub Actions 2', steps: ['Lint'] },
        { name: 'build', status: 'in_progress', runnerName: 'GitHub Actions 1', steps: ['Set up job'] }
      ]
    })
    const run = emu.github.run(Number(many.body.id))
    expect(run?.jobs.map(j => [j.name, j.status, j.conclusion, j.runner_name])).toEqual([
      ['lint', 'completed', 'success', 'GitHub Actions 2'],
      ['build', 'in_progress', null, 'GitHub Actions 1']
    ])
    const ambiguous = await call('POST', `/_emulator/runs/${run?.id}/steps/1`, { conclusion: 'failure' })
    expect(ambiguous.status).toBe(400)
    expect(ambiguous.body.message).toContain(`/_emulator/runs/${run?.id}/jobs/<job id>/steps/1`)
  })
})

describe('admin API: action types and wake-ups', () => {
  it('registers an action type with a queryable property; its jobs are checked against its properties', async () => {
    const type = { provider: 'Teams', properties: [{ name: 'Team', required: true, queryable: true }] }
    const registered = await call('POST', '/_emulator/action-types', type)
    expect(registered.status).toBe(201)
    expect(registered.body).toMatchObject({ key: 'Build/Custom/Teams/1', declared: true })
    const actionTypeId = { provider: 'Teams' }
    const ok = await call('POST', '/_emulator/jobs', {
      queue: true,
      actionTypeId,
      configuration: { Team: 'red' }
    })
    expect(ok.status).toBe(201)
    const typo = await call('POST', '/_emulator/jobs', { actionTypeId, configuration: { Tem: 'red' } })
    expect([typo.status, typo.body.field]).toEqual([400, 'configuration.Tem'])
    const listed = (await call('GET', '/_emulator/action-types')).body as unknown as Array<{ key: string }>
    expect(listed.map(t => t.key)).toEqual(['Build/Custom/GitHubActions/1', 'Build/Custom/Teams/1'])
  })

  it('configures a wake-up, lists it and its deliveries without the token, and removes it', async () => {
    emu.github.addWorkflow('octo-org/octo-repo', { file: 'poll.yml' })
    const set = await call('POST', '/_emulator/wake-ups', {
      repository: 'octo-org/octo-repo',
      workflow: 'poll.yml',
      delayMs: 0
    })
    expect(set.status).toBe(201)
    expect(set.body).toMatchObject({ workflow: 'poll.yml', delayMs: 0, token: '***' })
    const job = await call('POST', '/_emulator/jobs', { queue: true })
    await emu.wakeUp.forJob(String(job.body.id))
    const deliveries = await call('GET', '/_emulator/wake-ups/deliveries')
    expect(deliveries.body).toMatchObject([
      { jobId: job.body.id, ok: true, status: 204, request: { headers: { Authorization: 'Bearer ***' } } }
    ])
    expect(JSON.stringify(deliveries.body)).not.toContain(emu.github.token)
    expect(JSON.stringify((await call('GET', '/_emulator/wake-ups')).body)).not.toContain(emu.github.token)
    expect((await call('DELETE', '/_emulator/wake-ups')).body).toEqual({ removed: 1 })
    expect(emu.wakeUp.configs).toEqual([])
  })
})
