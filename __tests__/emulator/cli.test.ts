import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { CodePipelineClient, GetJobDetailsCommand } from '@aws-sdk/client-codepipeline'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

let child: ChildProcessWithoutNullStreams
const exported: Record<string, string> = {}

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
    const bad = await fetch(`${admin}/_emulator/runs/1`, { method: 'POST', body: '{}' })
    expect(bad.status).toBe(400)
  })
})
