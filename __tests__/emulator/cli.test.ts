import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { CodePipelineClient, GetJobDetailsCommand, PollForJobsCommand } from '@aws-sdk/client-codepipeline'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

let child: ChildProcessWithoutNullStreams
let output = ''
const exported: Record<string, string> = {}
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

beforeAll(async () => {
  // Node 24 strips the types itself, as `npm run emulator` does.
  child = spawn(process.execPath, ['emulator/cli.ts'], { stdio: 'pipe' })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ctrl-C to stop.')) resolve()
    })
    child.once('exit', code => reject(new Error(`emulator exited with ${code}: ${out}`)))
  })
  output = out
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) exported[m[1]] = m[2].replace(/^'(.*)'$/, '$1')
})
afterAll(async () => {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})

describe('npm run emulator', () => {
  it('prints export lines that a real client can use against the seeded job', async () => {
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining([
        'AWS_ENDPOINT_URL_CODEPIPELINE',
        'AWS_ENDPOINT_URL_STS',
        'GITHUB_API_URL',
        'ACTIONS_ID_TOKEN_REQUEST_URL',
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'GITHUB_TOKEN',
        'EMULATOR_ADMIN_URL'
      ])
    )
    const client = new CodePipelineClient({
      region: exported.AWS_REGION,
      endpoint: exported.AWS_ENDPOINT_URL_CODEPIPELINE,
      credentials: {
        accessKeyId: exported.AWS_ACCESS_KEY_ID,
        secretAccessKey: exported.AWS_SECRET_ACCESS_KEY
      }
    })
    const out = await client.send(new GetJobDetailsCommand({ jobId: exported.CODEPIPELINE_JOB_ID }))
    expect(out.jobDetails?.id).toBe(exported.CODEPIPELINE_JOB_ID)
  })

  it('offers an admin API to create jobs, list them and move runs', async () => {
    const admin = exported.EMULATOR_ADMIN_URL
    const created = await fetch(`${admin}/_emulator/jobs`, {
      method: 'POST',
      body: JSON.stringify({ queue: true, configuration: { Workflow: 'deploy.yml' } })
    })
    expect(created.status).toBe(201)
    const job = (await created.json()) as { id: string; state: string }
    expect(job.state).toBe('Queued')
    const list = (await (await fetch(`${admin}/_emulator/jobs`)).json()) as Array<{
      id: string
      state: string
    }>
    expect(list.map(j => j.state)).toEqual(['InProgress', 'Queued'])

    const dispatch = await fetch(
      `${exported.GITHUB_API_URL}/repos/octo-org/octo-repo/actions/workflows/build.yml/dispatches`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${exported.GITHUB_TOKEN}` },
        body: JSON.stringify({
          ref: 'main',
          inputs: { 'codepipeline-job-id': job.id },
          return_run_details: true
        })
      }
    )
    const { workflow_run_id } = (await dispatch.json()) as { workflow_run_id: number }
    const moved = await fetch(`${admin}/_emulator/runs/${workflow_run_id}`, {
      method: 'POST',
      body: JSON.stringify({ status: 'completed', conclusion: 'success' })
    })
    expect(await moved.json()).toMatchObject({
      id: workflow_run_id,
      status: 'completed',
      conclusion: 'success'
    })
    const missing = await fetch(`${admin}/_emulator/runs/1`, { method: 'POST', body: '{}' })
    expect(missing.status).toBe(404)
    const typo = await fetch(`${admin}/_emulator/jobs`, { method: 'POST', body: '{"queued":true}' })
    expect(typo.status).toBe(400)
    expect(await typo.json()).toMatchObject({ field: 'queued' })
  })

  it('prints the --endpoint-url form for AWS CLIs that ignore AWS_ENDPOINT_URL_* (v2 before 2.13, v1)', () => {
    const lines = output.split('\n').filter(l => l.startsWith('aws --endpoint-url '))
    expect(lines).toEqual([
      `aws --endpoint-url ${exported.AWS_ENDPOINT_URL_CODEPIPELINE} codepipeline get-job-details --job-id ${exported.CODEPIPELINE_JOB_ID}`,
      `aws --endpoint-url ${exported.AWS_ENDPOINT_URL_CODEPIPELINE} codepipeline poll-for-jobs --action-type-id category=Build,owner=Custom,provider=GitHubActions,version=1`,
      expect.stringMatching(
        new RegExp(
          `^aws --endpoint-url ${exported.AWS_ENDPOINT_URL_CODEPIPELINE} codepipeline stop-pipeline-execution --pipeline-name my-pipeline --pipeline-execution-id [0-9a-f-]{36} --abandon$`
        )
      )
    ])
    expect(exported.AWS_DEFAULT_REGION).toBe(exported.AWS_REGION)
  })

  // Only where an AWS CLI is installed: the printed line, run as printed with the printed exports (botocore signs).
  const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0 ? it : it.skip
  awsCli('the printed aws --endpoint-url line works as printed, signed for us-east-1', () => {
    const line = output.split('\n').find(l => l.includes('get-job-details')) ?? ''
    const [, ...args] = line.split(' ')
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...exported,
      AWS_DEFAULT_REGION: 'us-east-1'
    }
    const run = spawnSync('aws', [...args, '--query', 'jobDetails.id', '--output', 'text'], {
      env,
      encoding: 'utf8'
    })
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe(exported.CODEPIPELINE_JOB_ID)
  })
})

/** Starts `npm run emulator` (node emulator/cli.ts under Node 24) with options; resolves once it is ready. */
async function startCli(
  args: string[]
): Promise<{ child: ChildProcessWithoutNullStreams; out: () => string }> {
  const proc = spawn(process.execPath, ['emulator/cli.ts', ...args], { stdio: 'pipe' })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', () => out.includes('Ctrl-C to stop.') && resolve())
    proc.once('exit', code => reject(new Error(`emulator exited with ${code}: ${out}`)))
  })
  return { child: proc, out: () => out }
}

async function stop(proc: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise(resolve => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  await exited
}

function exportsOf(out: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1')
  return env
}

describe('npm run emulator with options', () => {
  it('a port in use is one line naming the port and --port, and a non-zero exit', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const line = `emulator: port ${port} is in use; start on other ports with --port <base> (the emulator takes a few consecutive ports from <base>)\n`
      const run = spawnSync(process.execPath, ['emulator/cli.ts', '--port', String(port)], {
        encoding: 'utf8'
      })
      expect(run.status).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toBe(line)
      // The same through npm (present when the tests run under `npm test`): npm adds nothing to stderr.
      const npm = process.env.npm_execpath
      if (npm) {
        const viaNpm = spawnSync(process.execPath, [npm, 'run', 'emulator', '--', '--port', String(port)], {
          encoding: 'utf8'
        })
        expect(viaNpm.status).not.toBe(0)
        expect(viaNpm.stderr).toBe(line)
      }
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })

  it.each([
    [['--access-key-id', 'AKIAMYOWNKEY00000001'], '--access-key-id and --secret-access-key go together'],
    [['--region', 'Europe'], '--region must be an AWS region such as us-east-1, got Europe'],
    [['--wake-up', 'poll'], '--wake-up takes [<owner>/<repo>/]<workflow file>[@<branch>]'],
    [['--prot', '4566'], "emulator: Unknown option '--prot'"]
  ])('%j is refused in one line', (args, message) => {
    const run = spawnSync(process.execPath, ['emulator/cli.ts', ...args], { encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toContain(message)
  })

  it('accepts your own key pair, signed for us-east-1 by the real SDK, and never prints its secret', async () => {
    const mine = { accessKeyId: 'AKIAMYOWNKEY00000001', secretAccessKey: 'my/own+secret-value' }
    const { child: proc, out } = await startCli([
      '--access-key-id',
      mine.accessKeyId,
      '--secret-access-key',
      mine.secretAccessKey,
      '--region',
      'us-east-1'
    ])
    try {
      const env = exportsOf(out())
      expect(env.AWS_REGION).toBe('us-east-1')
      expect(out()).toContain(`${mine.accessKeyId} (yours)`)
      expect(out()).not.toContain(mine.secretAccessKey)
      const client = new CodePipelineClient({
        region: 'us-east-1',
        endpoint: env.AWS_ENDPOINT_URL_CODEPIPELINE,
        credentials: { ...mine }
      })
      const details = await client.send(new GetJobDetailsCommand({ jobId: env.CODEPIPELINE_JOB_ID }))
      expect(details.jobDetails?.data?.pipelineContext?.pipelineArn).toMatch(
        /^arn:aws:codepipeline:us-east-1:/
      )
    } finally {
      await stop(proc)
    }
  })

  it('--poller-groups makes PollerGroup queryable and required, as the template option does', async () => {
    const { child: proc, out } = await startCli(['--poller-groups'])
    try {
      const env = exportsOf(out())
      expect(out()).toContain(
        'poll-for-jobs --action-type-id category=Build,owner=Custom,provider=GitHubActions,version=1 --query-param PollerGroup=default'
      )
      const admin = (body: unknown) =>
        fetch(`${env.EMULATOR_ADMIN_URL}/_emulator/jobs`, { method: 'POST', body: JSON.stringify(body) })
      const ungrouped = await admin({ queue: true })
      expect(ungrouped.status).toBe(400)
      expect(await ungrouped.json()).toMatchObject({
        message: expect.stringContaining('PollerGroup is required')
      })
      const linux = (await (
        await admin({ queue: true, configuration: { PollerGroup: 'linux' } })
      ).json()) as {
        id: string
      }
      const client = new CodePipelineClient({
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL_CODEPIPELINE,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
      })
      const actionTypeId = {
        category: 'Build',
        owner: 'Custom',
        provider: 'GitHubActions',
        version: '1'
      } as const
      const polled = await client.send(
        new PollForJobsCommand({ actionTypeId, queryParam: { PollerGroup: 'linux' } })
      )
      expect(polled.jobs?.map(j => j.id)).toEqual([linux.id])
      await expect(client.send(new PollForJobsCommand({ actionTypeId }))).rejects.toThrow(
        "queryParam must have the key 'PollerGroup'"
      )
    } finally {
      await stop(proc)
    }
  })

  it('--wake-up dispatches the poll workflow when a job is queued, and says so', async () => {
    const { child: proc, out } = await startCli(['--wake-up', 'poll.yml', '--wake-up-delay', '5'])
    try {
      const env = exportsOf(out())
      expect(out()).toContain(
        "Wake-up: a queued job dispatches octo-org/octo-repo's poll.yml on its default branch 5 ms later"
      )
      const created = await fetch(`${env.EMULATOR_ADMIN_URL}/_emulator/jobs`, {
        method: 'POST',
        body: '{"queue":true}'
      })
      const job = (await created.json()) as { id: string }
      const deadline = Date.now() + 5000
      while (!out().includes(`wake-up for job ${job.id}`) && Date.now() < deadline) await sleep(20)
      expect(out()).toMatch(new RegExp(`wake-up for job ${job.id}: HTTP 204 \\d+ ms after it was queued\n`))
      const dispatches = (await (
        await fetch(`${env.EMULATOR_ADMIN_URL}/_emulator/dispatches`)
      ).json()) as Array<{
        workflow: string
        ref: string
      }>
      expect(dispatches).toMatchObject([{ workflow: 'poll.yml', ref: 'main' }])
    } finally {
      await stop(proc)
    }
  })
})
