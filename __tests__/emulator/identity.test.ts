// The OIDC → STS → CodePipeline chain, each hop through the real client the actions use.
import * as core from '@actions/core'
import { GetJobDetailsCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline'
import {
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  InvalidIdentityTokenException,
  STSServiceException
} from '@aws-sdk/client-sts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { codepipeline, sts } from './clients.ts'

const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
let emu: Emulator
const saved = { ...process.env }

beforeAll(() => {
  // getIDToken registers the token as a secret, which prints ::add-mask:: on stdout.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterAll(() => {
  jest.restoreAllMocks()
})
beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addRole({ arn: ROLE, subject: 'repo:octo-org/octo-repo:*' })
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = emu.env.ACTIONS_ID_TOKEN_REQUEST_URL
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = emu.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
})
afterEach(async () => {
  process.env = { ...saved }
  await emu.close()
})

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>
}

async function assume(webIdentityToken: string, extra: Record<string, unknown> = {}) {
  return sts(emu).send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE,
      RoleSessionName: 'github-actions-run-1658821493',
      WebIdentityToken: webIdentityToken,
      ...extra
    })
  )
}

async function stsError(p: Promise<unknown>): Promise<STSServiceException> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(STSServiceException)
    return e as STSServiceException
  }
  throw new Error('expected an STS error')
}

describe('OIDC token endpoint through @actions/core getIDToken', () => {
  it('returns a JWT with the requested audience and GitHub claims', async () => {
    const jwt = await core.getIDToken('sts.amazonaws.com')
    expect(claims(jwt)).toMatchObject({
      aud: 'sts.amazonaws.com',
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      iss: 'https://token.actions.githubusercontent.com',
      repository: 'octo-org/octo-repo'
    })
    const { exp, iat } = claims(jwt) as { exp: number; iat: number }
    expect(exp - iat).toBe(300)
    expect(emu.requests.at(-1)).toMatchObject({ service: 'oidc', operation: 'GET /oidc/token', status: 200 })
  })

  it('defaults the audience to the repository owner URL and follows emu.oidc.subject', async () => {
    emu.oidc.subject = 'repo:octo-org/octo-repo:environment:production'
    const c = claims(await core.getIDToken())
    expect(c.aud).toBe('https://github.com/octo-org')
    expect(c.sub).toBe('repo:octo-org/octo-repo:environment:production')
  })

  it('refuses a wrong request token with 401', async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'wrong'
    await expect(core.getIDToken('sts.amazonaws.com')).rejects.toThrow(/401/)
  })

  it.each(['bearer', 'BEARER', 'Bearer'])(
    'takes the %s scheme in any case, as HTTP auth schemes are',
    async scheme => {
      const url = `${emu.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sts.amazonaws.com`
      const res = await fetch(url, { headers: { authorization: `${scheme} ${emu.oidc.requestToken}` } })
      expect(res.status).toBe(200)
      const { value } = (await res.json()) as { value: string }
      expect(claims(value).aud).toBe('sts.amazonaws.com')
      const wrong = await fetch(url, { headers: { authorization: `${scheme} not-the-token` } })
      expect(wrong.status).toBe(401)
      const basic = await fetch(url, { headers: { authorization: `Basic ${emu.oidc.requestToken}` } })
      expect(basic.status).toBe(401)
    }
  )
})

describe('STS AssumeRoleWithWebIdentity through @aws-sdk/client-sts', () => {
  it('issues temporary credentials that CodePipeline then accepts', async () => {
    const out = await assume(await core.getIDToken('sts.amazonaws.com'), { DurationSeconds: 900 })
    const c = out.Credentials
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(c?.SessionToken).toBeTruthy()
    expect(c?.Expiration).toBeInstanceOf(Date)
    expect((c?.Expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(890_000)
    expect(out.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/github-codepipeline/github-actions-run-1658821493'
    )
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/octo-repo:ref:refs/heads/main')
    expect(out.Audience).toBe('sts.amazonaws.com')
    expect(out.$metadata.requestId).toBeTruthy()
    expect(emu.sts.issued[0]).toMatchObject({
      roleArn: ROLE,
      sessionName: 'github-actions-run-1658821493',
      durationSeconds: 900
    })

    const job = emu.codepipeline.addJob()
    const creds = {
      accessKeyId: c!.AccessKeyId!,
      secretAccessKey: c!.SecretAccessKey!,
      sessionToken: c!.SessionToken!
    }
    await codepipeline(emu, creds).send(new PutJobSuccessResultCommand({ jobId: job.id }))
    expect(emu.codepipeline.job(job.id)?.results[0].accessKeyId).toBe(creds.accessKeyId)
    expect(
      emu.requests.find(r => r.operation === 'PutJobSuccessResult')?.headers['x-amz-security-token']
    ).toBe(creds.sessionToken)

    emu.codepipeline.deny(ROLE, 'GetJobDetails')
    const denied = codepipeline(emu, creds).send(new GetJobDetailsCommand({ jobId: job.id }))
    await expect(denied).rejects.toThrow(
      /^User: arn:aws:sts::123456789012:assumed-role\/github-codepipeline\/github-actions-run-1658821493 is not authorized to perform: codepipeline:GetJobDetails/
    )
  })

  it('a subject outside the trust policy is AccessDenied (403)', async () => {
    emu.oidc.subject = 'repo:someone-else/fork:ref:refs/heads/main'
    const e = await stsError(assume(await core.getIDToken('sts.amazonaws.com')))
    expect(e.name).toBe('AccessDenied')
    expect(e.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity')
    expect(e.$metadata.httpStatusCode).toBe(403)
  })

  it('an unknown role is AccessDenied', async () => {
    const jwt = await core.getIDToken('sts.amazonaws.com')
    const e = await stsError(
      sts(emu).send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::123456789012:role/nope',
          RoleSessionName: 'x1',
          WebIdentityToken: jwt
        })
      )
    )
    expect(e.name).toBe('AccessDenied')
  })

  it('a token for another audience is InvalidIdentityToken "Incorrect token audience"', async () => {
    // The wire code is InvalidIdentityToken; the SDK maps it to its modelled class.
    const e = await stsError(assume(await core.getIDToken('https://github.com/octo-org')))
    expect(e).toBeInstanceOf(InvalidIdentityTokenException)
    expect(e.name).toBe('InvalidIdentityTokenException')
    expect(e.message).toBe('Incorrect token audience')
  })

  it('a token this emulator did not sign, or an expired one, is refused', async () => {
    const other = await startEmulator()
    const forged = other.oidc.issue('sts.amazonaws.com')
    await other.close()
    expect(await stsError(assume(forged))).toBeInstanceOf(InvalidIdentityTokenException)
    emu.oidc.lifetimeSeconds = -10
    expect(await stsError(assume(emu.oidc.issue('sts.amazonaws.com')))).toBeInstanceOf(ExpiredTokenException)
  })

  it('validates RoleSessionName and DurationSeconds with AWS messages', async () => {
    const jwt = emu.oidc.issue('sts.amazonaws.com')
    const name = await stsError(assume(jwt, { RoleSessionName: 'has space' }))
    expect(name.name).toBe('ValidationError')
    expect(name.message).toBe(
      "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*'
    )
    const short = await stsError(assume(jwt, { DurationSeconds: 60 }))
    expect(short.message).toContain('Member must have value greater than or equal to 900')
    const long = await stsError(assume(jwt, { DurationSeconds: 7200 }))
    expect(long.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'
    )
  })

  it('expired STS credentials are refused by CodePipeline with ExpiredTokenException', async () => {
    const out = await assume(emu.oidc.issue('sts.amazonaws.com'))
    const c = out.Credentials!
    emu.sts.expire(c.AccessKeyId!)
    const job = emu.codepipeline.addJob()
    const client = codepipeline(emu, {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!
    })
    await expect(client.send(new GetJobDetailsCommand({ jobId: job.id }))).rejects.toMatchObject({
      name: 'ExpiredTokenException'
    })
  })

  it('other STS actions are InvalidAction', async () => {
    const res = await fetch(emu.urls.sts, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15'
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('<Code>InvalidAction</Code>')
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy()
  })
})
