import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { GetJobDetailsCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline'
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts'
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { STATIC, codepipeline, sts } from './clients.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addStaticCredentials(STATIC)
})
afterEach(() => emu.close())

describe('faults seen through the real clients', () => {
  it('a CodePipeline throttle is retried by the SDK, then the call succeeds', async () => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', operation: 'PutJobSuccessResult', kind: 'throttle' })
    const out = await codepipeline(emu).send(new PutJobSuccessResultCommand({ jobId: job.id }))
    expect(out.$metadata.attempts).toBe(2)
    expect(emu.requests.map(r => [r.operation, r.status, r.fault])).toEqual([
      ['PutJobSuccessResult', 400, 'throttle'],
      ['PutJobSuccessResult', 200, undefined]
    ])
    expect(emu.codepipeline.job(job.id)?.results).toHaveLength(1)
    expect(emu.faults.pending).toHaveLength(0)
  })

  it('a dropped connection is retried by the SDK; only the matching operation is hit', async () => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', operation: 'PutJobSuccessResult', kind: 'drop' })
    const client = codepipeline(emu)
    await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    const out = await client.send(new PutJobSuccessResultCommand({ jobId: job.id }))
    expect(out.$metadata.attempts).toBe(2)
    expect(emu.requests.map(r => [r.operation, r.status])).toEqual([
      ['GetJobDetails', 200],
      ['PutJobSuccessResult', 0],
      ['PutJobSuccessResult', 200]
    ])
  })

  it('`after` lets that many matching requests through before the fault hits', async () => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', operation: 'GetJobDetails', kind: 'throttle', after: 2 })
    const client = codepipeline(emu)
    for (let i = 0; i < 3; i++) await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(emu.requests.map(r => [r.status, r.fault])).toEqual([
      [200, undefined],
      [200, undefined],
      [400, 'throttle'],
      [200, undefined]
    ])
    expect(() => emu.faults.add({ service: 's3', kind: 'drop', after: -1 })).toThrow(
      'fault after must be a non-negative integer, got -1'
    )
  })

  it('more faults than attempts reach the caller as the service error', async () => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', kind: 'server-error', times: 2 })
    const client = codepipeline(emu, STATIC, { maxAttempts: 2 })
    await expect(client.send(new GetJobDetailsCommand({ jobId: job.id }))).rejects.toMatchObject({
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500, attempts: 2 }
    })
  })

  it('an STS 500 is retried by the SDK', async () => {
    emu.sts.addRole({ arn: 'arn:aws:iam::123456789012:role/r' })
    emu.faults.add({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', kind: 'server-error' })
    const out = await sts(emu).send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        RoleSessionName: 's1',
        WebIdentityToken: emu.oidc.issue('sts.amazonaws.com')
      })
    )
    expect(out.$metadata.attempts).toBe(2)
    expect(emu.requests[0]).toMatchObject({ service: 'sts', status: 500, fault: 'server-error' })
  })

  it('an OIDC 503 is retried by @actions/core', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const saved = { ...process.env }
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = emu.env.ACTIONS_ID_TOKEN_REQUEST_URL
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = emu.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
    try {
      emu.faults.add({ service: 'oidc', kind: 'server-error', status: 503 })
      await expect(core.getIDToken('sts.amazonaws.com')).resolves.toMatch(/^ey/)
      expect(emu.requests.map(r => r.status)).toEqual([503, 200])
    } finally {
      process.env = saved
      write.mockRestore()
    }
  })

  it('a GitHub throttle is a 429 with rate-limit headers', async () => {
    emu.github.addRepo('octo-org/octo-repo')
    emu.faults.add({ service: 'github', operation: 'GET /repos/{owner}/{repo}', kind: 'throttle' })
    const octokit = getOctokit(emu.github.token, { baseUrl: emu.urls.github })
    const e = (await octokit.rest.repos.get({ owner: 'octo-org', repo: 'octo-repo' }).catch(err => err)) as {
      status: number
      response: { headers: Record<string, string> }
    }
    expect(e.status).toBe(429)
    expect(e.response.headers['retry-after']).toBe('0')
    expect(e.response.headers['x-ratelimit-remaining']).toBe('0')
    await expect(octokit.rest.repos.get({ owner: 'octo-org', repo: 'octo-repo' })).resolves.toBeTruthy()
  })

  it('delay faults and latencyMs slow requests down', async () => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', kind: 'delay', delayMs: 150 })
    const client = codepipeline(emu)
    let start = performance.now()
    await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(performance.now() - start).toBeGreaterThanOrEqual(140)
    expect(emu.requests[0]).toMatchObject({ fault: 'delay', status: 200 })

    const slow = await startEmulator({ latencyMs: 60 })
    try {
      slow.github.addRepo('o/r')
      const octokit = getOctokit(slow.github.token, { baseUrl: slow.urls.github })
      start = performance.now()
      await octokit.rest.repos.get({ owner: 'o', repo: 'r' })
      expect(performance.now() - start).toBeGreaterThanOrEqual(55)
    } finally {
      await slow.close()
    }
  })
})
