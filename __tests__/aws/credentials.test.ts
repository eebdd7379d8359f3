// role-to-assume: the job's OIDC token (@actions/core getIDToken) exchanged with STS (the SDK's STS client) for a
// session that signs CodePipeline calls; what the user reads when any part of that goes wrong.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import { connectCodePipeline } from '../../src/aws/codepipeline.ts'
import { renewing, resolveCredentials } from '../../src/aws/credentials.ts'
import { UserError } from '../../src/errors.ts'
import { failure } from '../../src/job-result.ts'
import { operations, ROLE_ARN, roleSettings, useEmulator } from './fixtures.ts'

const { emulator, masked } = useEmulator()

/** The emulator with a role for its repository; `oidcIssuer` makes it play a GitHub Enterprise issuer. */
function setUp(options: { oidcIssuer?: string } = {}) {
  const emu = emulator()
  if (options.oidcIssuer) emu.oidc.issuer = options.oidcIssuer
  emu.sts.addRole({ arn: ROLE_ARN, subject: 'repo:octo-org/octo-repo:*' })
  return emu
}

async function rejection(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

function expectNoSecrets(message: string): void {
  expect(message).not.toContain(emulator().oidc.requestToken)
  for (const issued of emulator().oidc.issued) expect(message).not.toContain(issued.token)
}

describe('role-to-assume', () => {
  it('returns the session and masks the token and the session', async () => {
    const emu = setUp()
    const credentials = await resolveCredentials(roleSettings(emu, { durationSeconds: 1800 }))
    const [issued] = emu.sts.issued
    expect(credentials).toMatchObject({
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken
    })
    expect(credentials.expiration).toBeInstanceOf(Date)
    expect(masked()).toEqual(
      expect.arrayContaining([
        emu.oidc.issued[0].token,
        issued.accessKeyId,
        issued.secretAccessKey,
        issued.sessionToken
      ])
    )
    expect(issued).toMatchObject({ sessionName: 'github-actions-run-1658821493', durationSeconds: 1800 })
  })

  it('asks the token service for the audience with the bearer request token, and STS unsigned', async () => {
    const emu = setUp()
    await resolveCredentials(roleSettings(emu))
    const [oidc, sts] = emu.requests
    expect(oidc.headers.authorization).toBe(`Bearer ${emu.oidc.requestToken}`)
    expect(emu.oidc.issued[0].audience).toBe('sts.amazonaws.com')
    expect(sts).toMatchObject({ method: 'POST', path: '/', operation: 'AssumeRoleWithWebIdentity' })
    expect(sts.headers.authorization).toBeUndefined()
    expect(sts.body).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'github-actions-run-1658821493',
      WebIdentityToken: emu.oidc.issued[0].token,
      DurationSeconds: '900'
    })
  })

  it('the session signs CodePipeline calls, with x-amz-security-token', async () => {
    const emu = setUp()
    const job = emu.codepipeline.addJob()
    const cp = await connectCodePipeline(roleSettings(emu))
    try {
      await cp.putJobResult(failure(job.id, 'JobFailed', 'm'))
    } finally {
      cp.destroy()
    }
    const put = emu.requests[2]
    expect(put.accessKeyId).toBe(emu.sts.issued[0].accessKeyId)
    expect(put.headers['x-amz-security-token']).toBe(emu.sts.issued[0].sessionToken)
    expect(emu.codepipeline.job(job.id)?.state).toBe('Failed')
  })

  it.each(['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'])(
    'without %s, says to add permissions: id-token: write, before any request',
    async name => {
      const emu = setUp()
      delete process.env[name]
      const error = await rejection(resolveCredentials(roleSettings(emu)))
      expect(error).toBeInstanceOf(UserError)
      expect(error.message).toBe(
        'role-to-assume is set, but this job cannot get a GitHub OIDC token: add `permissions: id-token: write` ' +
          'to the workflow or to this job.'
      )
      expect(emu.requests).toEqual([])
    }
  )

  it("a role that does not trust this repository is AccessDenied, with the token's own sub and aud beside the fix", async () => {
    const emu = setUp()
    emu.oidc.subject = 'repo:someone-else/repo:ref:refs/heads/main'
    const error = await rejection(resolveCredentials(roleSettings(emu)))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `Could not assume ${ROLE_ARN} (sts:AssumeRoleWithWebIdentity). STS said: AccessDenied: Not authorized to ` +
        `perform sts:AssumeRoleWithWebIdentity. This job's token has sub "repo:someone-else/repo:ref:refs/heads/main" ` +
        'and aud "sts.amazonaws.com", from https://token.actions.githubusercontent.com. Check the role\'s trust ' +
        'policy: it must trust the OIDC provider of token.actions.githubusercontent.com, its ' +
        'token.actions.githubusercontent.com:aud condition must accept that aud and its ' +
        'token.actions.githubusercontent.com:sub condition must match that sub (the repository, and the ref or ' +
        'the environment of this job).'
    )
    expectNoSecrets(error.message)
    // The token itself (which the emulator issued) appears nowhere.
    for (const { token } of emu.oidc.issued) expect(error.message).not.toContain(token.split('.')[1])
    expect(operations(emu).map(([op]) => op)).toEqual(['GET /oidc/token', 'AssumeRoleWithWebIdentity'])
  })

  it("on GitHub Enterprise, the hint names the token's issuer and its condition keys", async () => {
    const emu = setUp({ oidcIssuer: 'https://github.example.com/_services/token' })
    emu.oidc.subject = 'repo:someone-else/repo:environment:prod'
    const error = await rejection(resolveCredentials(roleSettings(emu)))
    expect(error.message).toContain(
      `This job's token has sub "repo:someone-else/repo:environment:prod" and aud "sts.amazonaws.com", from ` +
        "https://github.example.com/_services/token. Check the role's trust policy: it must trust the OIDC " +
        'provider of github.example.com/_services/token, its github.example.com/_services/token:aud condition'
    )
    expect(error.message).not.toContain('githubusercontent')
  })

  it('a wrong audience is InvalidIdentityToken with the OIDC provider hint', async () => {
    const emu = setUp()
    const error = await rejection(resolveCredentials(roleSettings(emu, { audience: 'my-audience' })))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `Could not assume ${ROLE_ARN}: STS said: InvalidIdentityToken: Incorrect token audience. Check that the ` +
        'account has an IAM OIDC provider for https://token.actions.githubusercontent.com with client ID ' +
        '"my-audience" (the audience input); on GitHub Enterprise, that is the bridge template\'s OidcIssuer.'
    )
    expectNoSecrets(error.message)
  })

  it('an STS endpoint whose host does not exist says to check the region and the endpoint, not the network', async () => {
    const emu = setUp()
    // A label over 63 characters: the resolver refuses it without asking any DNS server.
    process.env.AWS_ENDPOINT_URL_STS = `https://${'x'.repeat(64)}.example`
    const error = await rejection(resolveCredentials({ ...roleSettings(emu), maxAttempts: 3 }))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toMatch(
      new RegExp(
        `^Could not assume ${ROLE_ARN}: STS could not be reached: .*ENOTFOUND.*\\. x{64}\\.example does not ` +
          'exist \\(DNS has no such name\\), so nothing was sent: check that aws-region "eu-west-1" is an AWS ' +
          'region \\(e\\.g\\. eu-west-1\\), and AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL if either is set\\.$'
      )
    )
    expect(error.message).not.toMatch(/network/)
  })

  it('an expired ID token is an error, not retried', async () => {
    const emu = setUp()
    emu.oidc.lifetimeSeconds = -60
    const error = await rejection(resolveCredentials(roleSettings(emu)))
    expect(error).not.toBeInstanceOf(UserError)
    expect(error.message).toMatch(/^Could not assume .+: STS said: ExpiredTokenException: Token expired/)
    expectNoSecrets(error.message)
    expect(emu.requests).toHaveLength(2)
  })

  it.each([
    ['throttling', { kind: 'throttle' } as const],
    ['a 500', { kind: 'server-error' } as const],
    ['a dropped connection', { kind: 'drop' } as const]
  ])('STS %s is retried', async (_what, fault) => {
    const emu = setUp()
    emu.faults.add({ service: 'sts', ...fault })
    await resolveCredentials(roleSettings(emu))
    expect(operations(emu).map(([op, status]) => [op, status])).toEqual([
      ['GET /oidc/token', 200],
      ['AssumeRoleWithWebIdentity', fault.kind === 'drop' ? 0 : fault.kind === 'throttle' ? 400 : 500],
      ['AssumeRoleWithWebIdentity', 200]
    ])
  })

  it('STS out of reach is said as such, not as an answer from STS', async () => {
    const emu = setUp()
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:9'
    const error = await rejection(resolveCredentials({ ...roleSettings(emu), maxAttempts: 2 }))
    expect(error.message).toMatch(
      new RegExp(`^Could not assume ${ROLE_ARN}: STS could not be reached: .*ECONNREFUSED`)
    )
    expect(error.message).not.toContain('STS said')
  })

  it("IDPCommunicationError (the identity provider was slow) is retried; it is STS's own transient error", async () => {
    const emu = setUp()
    let answered = 0
    const stub = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        answered++
        res.writeHead(400, { 'content-type': 'text/xml' })
        res.end(
          answered === 1
            ? '<ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code>' +
                '<Message>Couldn&apos;t reach the identity provider</Message></Error></ErrorResponse>'
            : '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>'
        )
      })
    })
    await new Promise<void>(resolve => stub.listen(0, '127.0.0.1', resolve))
    try {
      process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`
      const error = await rejection(resolveCredentials(roleSettings(emu)))
      expect(answered).toBe(2)
      expect(error.message).toContain('STS said: AccessDenied: no.')
    } finally {
      stub.closeAllConnections()
      await new Promise(resolve => stub.close(resolve))
    }
  })

  it('the token service is retried on 503 (by @actions/core)', async () => {
    const emu = setUp()
    emu.faults.add({ service: 'oidc', kind: 'server-error', status: 503 })
    await resolveCredentials(roleSettings(emu))
    expect(operations(emu).map(([op, status]) => [op, status])).toEqual([
      ['GET /oidc/token', 503],
      ['GET /oidc/token', 200],
      ['AssumeRoleWithWebIdentity', 200]
    ])
  })

  it('a token service refusal names the audience and the status, never the request token', async () => {
    const emu = setUp()
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'not-the-request-token'
    const error = await rejection(resolveCredentials(roleSettings(emu)))
    expect(error.message).toMatch(
      /^Could not get a GitHub OIDC token for audience "sts.amazonaws.com": .*401/
    )
    expect(error.message).not.toContain('not-the-request-token')
    expect(error.message).not.toContain('\n')
    expect(operations(emu).map(([op]) => op)).toEqual(['GET /oidc/token'])
  })

  it('an OIDC endpoint over plain http that is not loopback is refused before the request token is sent', async () => {
    const emu = setUp()
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = 'http://token.example.com/oidc/token?api-version=2.0'
    const error = await rejection(resolveCredentials(roleSettings(emu)))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain(
      'Refusing to send the OIDC request token to ACTIONS_ID_TOKEN_REQUEST_URL over plain http'
    )
    expect(emu.requests).toEqual([])
  })
})

describe('renewing: the provider the poll action gives the SDK', () => {
  it('answers the first session first, then assumes the role again each time the SDK asks', async () => {
    const emu = setUp()
    const settings = roleSettings(emu)
    const first = await resolveCredentials(settings)
    const provide = renewing(settings, first)
    expect(await provide()).toBe(first)
    const second = await provide()
    expect(second.accessKeyId).not.toBe(first.accessKeyId)
    expect(emu.sts.issued).toHaveLength(2)
    expect(emu.oidc.issued).toHaveLength(2)
  })
})
