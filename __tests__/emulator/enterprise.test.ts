// The emulator as a GitHub Enterprise host: the REST API under Server's /api/v3 (or at the root for GHE.com),
// links on the enterprise web host, and OIDC tokens from the enterprise issuer, which its STS alone accepts.
import { spawn, spawnSync } from 'node:child_process'
import { getOctokit } from '@actions/github'
import { AssumeRoleWithWebIdentityCommand, InvalidIdentityTokenException } from '@aws-sdk/client-sts'
import { afterEach, describe, expect, it } from '@jest/globals'
import { githubHost, startEmulator, type Emulator } from '../../emulator/index.ts'
import { sts } from './clients.ts'

const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
let emu: Emulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})

describe('githubHost', () => {
  it('lays out a Server and a GHE.com host as GitHub does', () => {
    expect(githubHost('github.example.com')).toEqual({
      serverUrl: 'https://github.example.com',
      apiPath: '/api/v3',
      oidcIssuer: 'https://github.example.com/_services/token'
    })
    expect(githubHost('octocorp.ghe.com')).toEqual({
      serverUrl: 'https://octocorp.ghe.com',
      apiPath: '',
      oidcIssuer: 'https://token.actions.octocorp.ghe.com'
    })
    for (const bad of ['', 'https://github.example.com', 'a b', 'x/'])
      expect(() => githubHost(bad)).toThrow(/not a host name/)
  })
})

describe('a GitHub Enterprise Server', () => {
  it('serves the API under /api/v3 only, and links runs on its web host', async () => {
    emu = await startEmulator({ github: githubHost('github.example.com') })
    expect(emu.env.GITHUB_API_URL).toBe(`${new URL(emu.urls.github).origin}/api/v3`)
    expect(emu.urls.github).toBe(emu.env.GITHUB_API_URL)
    expect(emu.env.GITHUB_SERVER_URL).toBe('https://github.example.com')
    emu.github.addWorkflow('octo-org/octo-repo', {
      file: 'build.yml',
      inputs: { 'codepipeline-job-id': { required: true } }
    })
    const octokit = getOctokit(emu.github.token, { baseUrl: emu.env.GITHUB_API_URL })
    const repo = await octokit.rest.repos.get({ owner: 'octo-org', repo: 'octo-repo' })
    expect(repo.data.html_url).toBe('https://github.example.com/octo-org/octo-repo')
    expect(repo.data.url).toBe(`${emu.env.GITHUB_API_URL}/repos/octo-org/octo-repo`)
    const dispatch = await octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        owner: 'octo-org',
        repo: 'octo-repo',
        workflow_id: 'build.yml',
        ref: 'main',
        inputs: { 'codepipeline-job-id': 'job-1' },
        return_run_details: true
      }
    )
    const details = dispatch.data as unknown as { workflow_run_id: number; run_url: string; html_url: string }
    expect(details.html_url).toBe(
      `https://github.example.com/octo-org/octo-repo/actions/runs/${details.workflow_run_id}`
    )
    expect(details.run_url).toBe(
      `${emu.env.GITHUB_API_URL}/repos/octo-org/octo-repo/actions/runs/${details.workflow_run_id}`
    )
    const recorded = emu.requests.filter(r => r.service === 'github').map(r => [r.operation, r.path])
    expect(recorded).toEqual([
      ['GET /repos/{owner}/{repo}', '/api/v3/repos/octo-org/octo-repo'],
      [
        'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
        '/api/v3/repos/octo-org/octo-repo/actions/workflows/build.yml/dispatches'
      ]
    ])

    // github.com's layout (no /api/v3) is not the API here.
    const root = await fetch(`${new URL(emu.urls.github).origin}/repos/octo-org/octo-repo`, {
      headers: { authorization: `Bearer ${emu.github.token}` }
    })
    expect(root.status).toBe(404)
  })

  it('pages with Link headers that keep the base path', async () => {
    emu = await startEmulator({ github: githubHost('github.example.com') })
    const run = emu.github.addRun('octo-org/octo-repo', {
      jobs: [{ name: 'a' }, { name: 'b' }, { name: 'c' }]
    })
    const response = await fetch(
      `${emu.env.GITHUB_API_URL}/repos/octo-org/octo-repo/actions/runs/${run.id}/jobs?per_page=2`,
      {
        headers: { authorization: `Bearer ${emu.github.token}` }
      }
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('link')).toContain(
      `<${emu.env.GITHUB_API_URL}/repos/octo-org/octo-repo/actions/runs/${run.id}/jobs?per_page=2&page=2>; rel="next"`
    )
  })
})

describe("an enterprise issuer's tokens", () => {
  it('carry its iss and the host in the default audience; STS takes them and names its provider', async () => {
    emu = await startEmulator({ github: githubHost('github.example.com') })
    emu.sts.addRole({
      arn: ROLE,
      subject: 'repo:octo-org/octo-repo:*',
      audience: 'https://github.example.com/octo-org'
    })
    const token = emu.oidc.issue()
    expect(emu.oidc.issued[0].claims).toMatchObject({
      iss: 'https://github.example.com/_services/token',
      aud: 'https://github.example.com/octo-org'
    })
    const out = await sts(emu).send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE,
        RoleSessionName: 'session',
        WebIdentityToken: token
      })
    )
    expect(out.Provider).toBe('arn:aws:iam::123456789012:oidc-provider/github.example.com/_services/token')
  })

  it("are the only ones STS takes: a github.com token finds no provider in an enterprise's account", async () => {
    emu = await startEmulator({
      github: { oidcIssuer: 'https://token.actions.githubusercontent.com/octo-enterprise' }
    })
    emu.sts.addRole({ arn: ROLE, subject: 'repo:octo-org/octo-repo:*' })
    emu.oidc.claims = { iss: 'https://token.actions.githubusercontent.com' }
    const error = await sts(emu)
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE,
          RoleSessionName: 'session',
          WebIdentityToken: emu.oidc.issue('sts.amazonaws.com')
        })
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidIdentityTokenException)
    expect((error as Error).message).toBe(
      'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com'
    )
  })
})

describe('npm run emulator --github-host', () => {
  it('prints the enterprise API, web host and issuer', async () => {
    const child = spawn(process.execPath, ['emulator/cli.ts', '--github-host', 'github.example.com'], {
      stdio: 'pipe'
    })
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('Ctrl-C to stop.')) resolve()
      })
      child.once('exit', code => reject(new Error(`emulator exited with ${code}: ${out}`)))
    })
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
    expect(out).toMatch(/^export GITHUB_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/v3$/m)
    expect(out).toMatch(/^export GITHUB_SERVER_URL=https:\/\/github\.example\.com$/m)
    expect(out).toContain('(issuer https://github.example.com/_services/token)')
  })

  it('refuses a host or an issuer that is not one, before starting', () => {
    const host = spawnSync(process.execPath, ['emulator/cli.ts', '--github-host', 'https://x'], {
      encoding: 'utf8'
    })
    expect([host.status, host.stderr]).toEqual([
      2,
      '--github-host must be a host name such as github.example.com or octo.ghe.com, got https://x\n'
    ])
    const issuer = spawnSync(process.execPath, ['emulator/cli.ts', '--oidc-issuer', 'http://x/'], {
      encoding: 'utf8'
    })
    expect([issuer.status, issuer.stderr]).toEqual([
      2,
      '--oidc-issuer must be an https:// URL without a trailing slash, got http://x/\n'
    ])
  })
})
