import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import { connectCodePipeline } from '../../src/aws/codepipeline.ts'
import { resolveCredentials } from '../../src/aws/credentials.ts'
import { UserError } from '../../src/errors.ts'
import { operations, recorders, ROLE_ARN, roleSettings, settings, STATIC } from './fixtures.ts'

let emu: Emulator
let rec: ReturnType<typeof recorders>

beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addRole({ arn: ROLE_ARN, subject: 'repo:octo-org/octo-repo:*' })
  rec = recorders()
})
afterEach(() => emu.close())

function deps(env: NodeJS.ProcessEnv = emu.env) {
  return { setSecret: rec.setSecret, sleep: rec.sleep, env }
}

async function rejection(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

/** Nothing secret may reach an error message: not the request token, not an ID token. */
function expectNoSecrets(message: string) {
  expect(message).not.toContain(emu.oidc.requestToken)
  for (const issued of emu.oidc.issued) expect(message).not.toContain(issued.token)
}

describe('role-to-assume: OIDC token, then STS AssumeRoleWithWebIdentity', () => {
  it('returns the session, with Date expiration, and masks the token and the session first', async () => {
    const credentials = await resolveCredentials(roleSettings(emu, { durationSeconds: 1800 }), deps())
    const [issued] = emu.sts.issued
    expect(credentials).toEqual({
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: issued.expiration
    })
    expect(credentials.expiration).toBeInstanceOf(Date)
    const token = emu.oidc.issued[0].token
    expect(rec.secrets).toEqual([token, issued.accessKeyId, issued.secretAccessKey, issued.sessionToken])
    expect(issued).toMatchObject({ sessionName: 'github-actions-run-1658821493', durationSeconds: 1800 })
  })

  it('asks the token service for the audience with the bearer request token, and STS unsigned', async () => {
    await resolveCredentials(roleSettings(emu, { audience: 'sts.amazonaws.com' }), deps())
    const [oidc, sts] = emu.requests
    expect(oidc.headers).toMatchObject({
      authorization: `Bearer ${emu.oidc.requestToken}`,
      accept: 'application/json'
    })
    expect(emu.oidc.issued[0].audience).toBe('sts.amazonaws.com')
    expect(sts).toMatchObject({ method: 'POST', path: '/', operation: 'AssumeRoleWithWebIdentity' })
    expect(sts.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(sts.headers.authorization).toBeUndefined()
    expect(sts.body).toEqual({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'github-actions-run-1658821493',
      WebIdentityToken: emu.oidc.issued[0].token,
      DurationSeconds: '900'
    })
  })

  it('the session signs CodePipeline calls, with x-amz-security-token', async () => {
    const job = emu.codepipeline.addJob()
    const cp = await connectCodePipeline(roleSettings(emu), deps())
    try {
      await cp.putJobFailureResult({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'm' } })
    } finally {
      cp.destroy()
    }
    const put = emu.requests[2]
    expect(put.accessKeyId).toBe(emu.sts.issued[0].accessKeyId)
    expect(put.headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target,'
    )
    expect(emu.codepipeline.job(job.id)?.state).toBe('Failed')
  })

  it.each(['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'])(
    'without %s, says to add permissions: id-token: write, before any request',
    async name => {
      const error = await rejection(resolveCredentials(roleSettings(emu), deps({ ...emu.env, [name]: '' })))
      expect(error).toBeInstanceOf(UserError)
      expect(error.message).toBe(
        'role-to-assume is set, but this job cannot get a GitHub OIDC token: add `permissions: id-token: write` ' +
          'to the workflow or to this job.'
      )
      expect(emu.requests).toEqual([])
    }
  )

  it('a role that does not trust this repository is AccessDenied with the trust-policy hint', async () => {
    emu.oidc.subject = 'repo:someone-else/repo:ref:refs/heads/main'
    const error = await rejection(resolveCredentials(roleSettings(emu), deps()))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `Could not assume ${ROLE_ARN} (sts:AssumeRoleWithWebIdentity). STS said: AccessDenied: Not authorized to ` +
        "perform sts:AssumeRoleWithWebIdentity. Check the role's trust policy: it must trust the " +
        'token.actions.githubusercontent.com provider, and its token.actions.githubusercontent.com:sub condition ' +
        'must match this repository and ref.'
    )
    expectNoSecrets(error.message)
    expect(operations(emu).map(([op]) => op)).toEqual(['GET /oidc/token', 'AssumeRoleWithWebIdentity'])
  })

  it('a wrong audience is InvalidIdentityToken with the OIDC provider hint', async () => {
    const error = await rejection(resolveCredentials(roleSettings(emu, { audience: 'my-audience' }), deps()))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `Could not assume ${ROLE_ARN}: STS said: InvalidIdentityToken: Incorrect token audience. Check that the ` +
        'account has the GitHub OIDC provider (token.actions.githubusercontent.com) with client ID "my-audience" ' +
        '(the audience input).'
    )
    expectNoSecrets(error.message)
  })

  it('a duration above the role maximum is a ValidationError for the user', async () => {
    const error = await rejection(resolveCredentials(roleSettings(emu, { durationSeconds: 7200 }), deps()))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `Could not assume ${ROLE_ARN}: STS said: ValidationError: The requested DurationSeconds exceeds the ` +
        'MaxSessionDuration set for this role.'
    )
  })

  it('an expired ID token is an error, not retried', async () => {
    emu.oidc.lifetimeSeconds = -60
    const error = await rejection(resolveCredentials(roleSettings(emu), deps()))
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
    emu.faults.add({ service: 'sts', ...fault })
    await resolveCredentials(roleSettings(emu), deps())
    expect(operations(emu).map(([op, status]) => [op, status])).toEqual([
      ['GET /oidc/token', 200],
      ['AssumeRoleWithWebIdentity', fault.kind === 'drop' ? 0 : fault.kind === 'throttle' ? 400 : 500],
      ['AssumeRoleWithWebIdentity', 200]
    ])
    expect(rec.sleeps).toHaveLength(1)
  })

  it('STS unavailable after max-attempts names the role and the last answer', async () => {
    emu.faults.add({ service: 'sts', kind: 'server-error', times: 5 })
    const error = await rejection(resolveCredentials({ ...roleSettings(emu), maxAttempts: 2 }, deps()))
    expect(error.message).toBe(
      `Could not assume ${ROLE_ARN}: STS said: InternalFailure: An internal error occurred.`
    )
    expect(emu.requests.filter(r => r.service === 'sts')).toHaveLength(2)
  })

  it('STS out of reach is said as such, not as an answer from STS', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const env = { ...emu.env, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` }
    const error = await rejection(resolveCredentials({ ...roleSettings(emu), maxAttempts: 2 }, deps(env)))
    expect(error.message).toMatch(
      new RegExp(`^Could not assume ${ROLE_ARN}: STS could not be reached: .*ECONNREFUSED`)
    )
    expect(error.message).not.toContain('STS said')
  })

  it("IDPCommunicationError (the identity provider was slow) is retried; it is STS's own transient error", async () => {
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
            : '<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>'
        )
      })
    })
    await new Promise<void>(resolve => stub.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`
      const error = await rejection(
        resolveCredentials(roleSettings(emu), deps({ ...emu.env, AWS_ENDPOINT_URL_STS: url }))
      )
      expect(answered).toBe(2)
      expect(error.message).toContain('STS said: AccessDenied: no.')
    } finally {
      stub.closeAllConnections()
      await new Promise(resolve => stub.close(resolve))
    }
  })

  it('the token service is retried on 503 and on a dropped connection, like @actions/core', async () => {
    emu.faults.add({ service: 'oidc', kind: 'server-error', status: 503 })
    emu.faults.add({ service: 'oidc', kind: 'drop' })
    await resolveCredentials(roleSettings(emu), deps())
    expect(operations(emu).map(([op, status]) => [op, status])).toEqual([
      ['GET /oidc/token', 503],
      ['GET /oidc/token', 0],
      ['GET /oidc/token', 200],
      ['AssumeRoleWithWebIdentity', 200]
    ])
  })

  it('whatever the token step throws, its text is in the message', async () => {
    const setSecret = () => {
      throw 'the runner could not mask the token'
    }
    const error = await rejection(resolveCredentials(roleSettings(emu), { ...deps(), setSecret }))
    expect(error.message).toBe(
      'Could not get a GitHub OIDC token for audience "sts.amazonaws.com": the runner could not mask the token'
    )
  })

  it('a token service refusal is not retried and the request token is not quoted', async () => {
    const error = await rejection(
      resolveCredentials(
        roleSettings(emu),
        deps({ ...emu.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-token' })
      )
    )
    expect(error.message).toBe(
      'Could not get a GitHub OIDC token for audience "sts.amazonaws.com": GitHub\'s OIDC token service ' +
        'answered HTTP 401: Unauthorized: the ACTIONS_ID_TOKEN_REQUEST_TOKEN bearer token is missing or wrong.'
    )
    expect(error.message).not.toContain('wrong-token')
    expect(emu.requests).toHaveLength(1)
  })
})

describe('ambient credentials (no role-to-assume)', () => {
  it('reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment and signs with them', async () => {
    emu.sts.addStaticCredentials(STATIC)
    const env = {
      ...emu.env,
      AWS_ACCESS_KEY_ID: STATIC.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey
    }
    const job = emu.codepipeline.addJob()
    const cp = await connectCodePipeline(settings(emu), deps(env))
    try {
      await cp.getJobDetails(job.id)
    } finally {
      cp.destroy()
    }
    expect(operations(emu)).toEqual([['GetJobDetails', 200, undefined]])
    expect(emu.requests[0].accessKeyId).toBe(STATIC.accessKeyId)
  })

  it('with AWS_SESSION_TOKEN (what configure-aws-credentials exports for a role) signs it too', async () => {
    const session = await resolveCredentials(roleSettings(emu), deps())
    const env = {
      ...emu.env,
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken
    }
    const cp = await connectCodePipeline(settings(emu), deps(env))
    try {
      await cp.getJobDetails(emu.codepipeline.addJob().id)
    } finally {
      cp.destroy()
    }
    expect(operations(emu).at(-1)).toEqual(['GetJobDetails', 200, undefined])
    expect(emu.requests.at(-1)?.headers['x-amz-security-token']).toBe(session.sessionToken)
  })
})
