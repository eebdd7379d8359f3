import { CodePipelineServiceException, GetJobDetailsCommand } from '@aws-sdk/client-codepipeline'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { verifySigV4 } from '../../emulator/sigv4.ts'
import { STATIC, codepipeline } from './clients.ts'

// Vectors from the published AWS SigV4 test suite (aws-sig-v4-test-suite), so the verifier is checked
// against AWS rather than against the SDK it is meant to judge.
describe('SigV4 verifier against the AWS test suite', () => {
  const suite = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
  const at = Date.UTC(2015, 7, 30, 12, 36, 0)
  const scope = { region: 'us-east-1', service: 'service' }
  const lookup = (id: string) =>
    id === suite.accessKeyId ? { secretAccessKey: suite.secretAccessKey } : undefined
  const auth = (signed: string, sig: string): string =>
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signed}, Signature=${sig}`
  const base = { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' }

  it.each([
    [
      'get-vanilla',
      'GET',
      '/',
      '',
      {},
      'host;x-amz-date',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
    ],
    [
      'get-vanilla-query-order-key-case',
      'GET',
      '/?Param2=value2&Param1=value1',
      '',
      {},
      'host;x-amz-date',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'
    ],
    [
      'post-x-www-form-urlencoded',
      'POST',
      '/',
      'Param1=value1',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'content-type;host;x-amz-date',
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'
    ]
  ])('%s', (_name, method, url, body, headers, signed, sig) => {
    const request = { method, url, body, headers: { ...base, ...headers, authorization: auth(signed, sig) } }
    expect(verifySigV4(request, scope, lookup, at)).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' })
    const tampered = { ...request, url: url + (url.includes('?') ? '&x=1' : '?x=1') }
    expect(verifySigV4(tampered, scope, lookup, at)).toMatchObject({
      ok: false,
      code: 'InvalidSignatureException'
    })
    expect(verifySigV4(request, scope, lookup, at + 16 * 60_000)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Signature expired: 20150830T123600Z is now earlier than/)
    })
  })
})

describe('CodePipeline refuses requests it cannot authenticate', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await startEmulator()
    emu.sts.addStaticCredentials(STATIC)
  })
  afterEach(() => emu.close())

  async function refusal(client: ReturnType<typeof codepipeline>): Promise<CodePipelineServiceException> {
    const job = emu.codepipeline.addJob()
    try {
      await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    } catch (e) {
      expect(e).toBeInstanceOf(CodePipelineServiceException)
      return e as CodePipelineServiceException
    }
    throw new Error('expected a refusal')
  }

  it('a wrong secret is InvalidSignatureException', async () => {
    const e = await refusal(
      codepipeline(emu, { ...STATIC, secretAccessKey: 'not-the-secret' }, { maxAttempts: 1 })
    )
    expect(e.name).toBe('InvalidSignatureException')
    expect(e.message).toMatch(
      /^The request signature we calculated does not match the signature you provided/
    )
    expect(e.$metadata.httpStatusCode).toBe(400)
    expect(e.$metadata.requestId).toBeTruthy()
    // What the emulator checked it against, without the secret it holds or the one that was sent.
    expect(e.message).toContain(
      `the secret the emulator holds for ${STATIC.accessKeyId}, scoped to eu-west-1/codepipeline`
    )
    expect(e.message).not.toContain(STATIC.secretAccessKey)
    expect(e.message).not.toContain('not-the-secret')
  })

  it('an unknown access key, or a session token that is not its own, is UnrecognizedClientException', async () => {
    const unknown = await refusal(
      codepipeline(emu, { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' })
    )
    expect(unknown.name).toBe('UnrecognizedClientException')
    // AWS's words, then which keys the emulator knows and how to add one; never a secret.
    expect(unknown.message).toMatch(/^The security token included in the request is invalid\. \[emulator: /)
    expect(unknown.message).toContain(
      `access key AKIAUNKNOWN000000000 is not one the emulator knows: it knows the key pair ${STATIC.accessKeyId}`
    )
    expect(unknown.message).toContain('--access-key-id <id> --secret-access-key <secret>')
    expect(unknown.message).toContain('POST /_emulator/credentials')
    expect(unknown.message).not.toContain(STATIC.secretAccessKey)
    const withToken = await refusal(codepipeline(emu, { ...STATIC, sessionToken: 'stray' }))
    expect(withToken.name).toBe('UnrecognizedClientException')
    expect(withToken.message).toContain(
      `${STATIC.accessKeyId} is a long-term key pair: it takes no session token (x-amz-security-token)`
    )
  })

  it.each(['us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1', 'eusc-de-east-1'])(
    'a signature scoped to %s is verified and accepted',
    async region => {
      const job = emu.codepipeline.addJob()
      const out = await codepipeline(emu, STATIC, { region }).send(
        new GetJobDetailsCommand({ jobId: job.id })
      )
      expect(out.jobDetails?.id).toBe(job.id)
      expect(emu.requests.map(r => [r.status, r.signedRegion])).toEqual([[200, region]])
    }
  )

  it('a region outside AWS syntax is refused, saying which syntax is accepted', async () => {
    const e = await refusal(codepipeline(emu, STATIC, { region: 'moon', maxAttempts: 1 }))
    expect(e.name).toBe('InvalidSignatureException')
    expect(e.message).toBe(
      "Credential should be scoped to a valid region, not 'moon'. [emulator: any region in AWS's syntax is " +
        "accepted (lower-case words joined by '-', ending in a number: us-east-1, eu-west-1, us-gov-west-1, eusc-de-east-1)]"
    )
  })

  it('a signature for any region is still checked: signed for us-east-1, sent as eu-west-1, it is refused', async () => {
    const client = codepipeline(emu, STATIC, { region: 'us-east-1', maxAttempts: 1 })
    // Rewrites the scope after signing, so the signature no longer matches the scope it claims.
    client.middlewareStack.add(
      next => async args => {
        const request = args.request as { headers: Record<string, string> }
        request.headers.authorization = request.headers.authorization.replace('/us-east-1/', '/eu-west-1/')
        return next(args)
      },
      { step: 'finalizeRequest', priority: 'low' }
    )
    const e = await refusal(client)
    expect(e.name).toBe('InvalidSignatureException')
    expect(e.message).toContain('scoped to eu-west-1/codepipeline')
  })

  it('an unsigned request is MissingAuthenticationTokenException', async () => {
    const res = await fetch(emu.urls.codepipeline, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CodePipeline_20150709.PollForJobs'
      },
      body: '{}'
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token'
    })
  })

  it('an operation the service does not have is UnknownOperationException', async () => {
    const client = codepipeline(emu)
    // Rewrites the target before the SDK signs, so the request is validly signed but names another operation.
    client.middlewareStack.add(
      next => async args => {
        const request = args.request as { headers: Record<string, string> }
        request.headers['x-amz-target'] = 'CodePipeline_20150709.DeletePipeline'
        return next(args)
      },
      { step: 'build' }
    )
    const e = await refusal(client)
    expect(e.name).toBe('UnknownOperationException')
  })

  it('a client clock 20 minutes slow is refused, then the SDK corrects it from the Date header and succeeds', async () => {
    const job = emu.codepipeline.addJob()
    const client = codepipeline(emu)
    client.config.systemClockOffset = -20 * 60_000
    const out = await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(out.$metadata.attempts).toBe(2)
    expect(emu.requests.map(r => r.status)).toEqual([400, 200])
  })
})
