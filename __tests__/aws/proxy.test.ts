import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getCACertificates, setDefaultCACertificates } from 'node:tls'
import { inspect } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import { CodePipeline, CodePipelineError, connectCodePipeline } from '../../src/aws/codepipeline.ts'
import { UserError } from '../../src/errors.ts'
import { getIDToken } from '../../src/github/oidc.ts'
import { HttpConnection } from '../../src/transport/http.ts'
import { bypassesProxy, proxyFor, ProxyError } from '../../src/transport/proxy.ts'
import { recorders, ROLE_ARN, roleSettings, settings, STATIC } from './fixtures.ts'
import { selfSigned } from './self-signed.ts'
import { PROXY_NAMES, proxiedEnv, TestProxy } from './test-proxy.ts'

// Self-hosted runners behind a proxy: the calls go through HTTPS_PROXY / HTTP_PROXY as Octokit's do, against
// the test proxy in front of the emulator (test-proxy.ts). proxy-bundle.test.ts runs the bundled action so.

const PASSWORD = 's3cret p@ss'
const AUTHORIZATION = `Basic ${Buffer.from(`proxy-user:${PASSWORD}`).toString('base64')}`
/** The password as it goes in a URL. */
const USERINFO = `proxy-user:${encodeURIComponent(PASSWORD)}`

const certificate = selfSigned(PROXY_NAMES)
const defaultCAs = getCACertificates('default')
let emu: Emulator
let proxy: TestProxy
let proxyHost: string
let rec: ReturnType<typeof recorders>

beforeAll(() => setDefaultCACertificates([...defaultCAs, certificate.cert]))
afterAll(() => setDefaultCACertificates(defaultCAs))
beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addRole({ arn: ROLE_ARN, subject: 'repo:octo-org/octo-repo:*' })
  emu.sts.addStaticCredentials(STATIC)
  proxy = new TestProxy(certificate)
  proxyHost = await proxy.listen()
  rec = recorders()
})
afterEach(async () => {
  await proxy.close()
  await emu.close()
})

/** OIDC token → STS → two CodePipeline calls, the way the report action makes them. */
async function roleFlow(env: NodeJS.ProcessEnv): Promise<void> {
  const job = emu.codepipeline.addJob()
  const cp = await connectCodePipeline(roleSettings(emu), { setSecret: rec.setSecret, sleep: rec.sleep, env })
  try {
    await cp.getJobDetails(job.id)
    await cp.putJobSuccessResult({ jobId: job.id })
  } finally {
    cp.destroy()
  }
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
}

async function failure(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

/** Not in the message, nor anywhere in the error and its causes. */
function expectNoProxyCredentials(error: Error) {
  const everything = `${error.message}\n${inspect(error, { depth: 10, showHidden: true })}`
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'proxy-user', AUTHORIZATION.slice(6)])
    expect(everything).not.toContain(secret)
}

function cp(env: NodeJS.ProcessEnv, maxAttempts = 1): CodePipeline {
  return new CodePipeline(settings(emu, { maxAttempts }), STATIC, {
    setSecret: rec.setSecret,
    sleep: rec.sleep,
    env,
    timeoutMs: 5000
  })
}

describe('http endpoints through HTTP_PROXY: the absolute URL sent to the proxy', () => {
  it('OIDC, STS and CodePipeline all go through the proxy, with Proxy-Authorization', async () => {
    proxy.requireAuthorization = AUTHORIZATION
    await roleFlow(proxiedEnv(emu, 'http', { HTTP_PROXY: `http://${USERINFO}@${proxyHost}` }))
    expect(proxy.seen.map(s => [s.method, s.target.replace(/:\d+\//, ':port/')])).toEqual([
      ['GET', 'http://oidc.proxy.test:port/oidc/token?api-version=2.0&audience=sts.amazonaws.com'],
      ['POST', 'http://sts.proxy.test:port/'],
      ['POST', 'http://codepipeline.proxy.test:port/'],
      ['POST', 'http://codepipeline.proxy.test:port/']
    ])
    for (const seen of proxy.seen) expect(seen.headers['proxy-authorization']).toBe(AUTHORIZATION)
    expect(emu.requests.map(r => r.status)).toEqual([200, 200, 200, 200])
    // The SigV4 signature covers the host header: the endpoint's name, not the proxy's.
    expect(emu.requests[2].headers.host).toMatch(/^codepipeline\.proxy\.test:\d+$/)
  })

  it('lower-case http_proxy wins over HTTP_PROXY, as in @actions/http-client', async () => {
    const env = proxiedEnv(emu, 'http', {
      http_proxy: `http://${proxyHost}`,
      HTTP_PROXY: 'http://127.0.0.1:1'
    })
    await cp(env).getJobDetails(emu.codepipeline.addJob().id)
    expect(proxy.seen).toHaveLength(1)
  })

  it('a proxy that wants credentials (407) is not retried and says which variable to fix', async () => {
    proxy.requireAuthorization = AUTHORIZATION
    const env = proxiedEnv(emu, 'http', { HTTP_PROXY: `http://proxy-user:wrong@${proxyHost}` })
    const error = await failure(cp(env, 3).getJobDetails(emu.codepipeline.addJob().id))
    expect(error).toBeInstanceOf(CodePipelineError)
    expect(error.message).toContain(
      `(ProxyError: The proxy ${proxyHost} (from HTTP_PROXY) refused to connect to codepipeline.proxy.test:`
    )
    expect(error.message).toContain(
      'HTTP 407 Proxy Authentication Required; check the user name and password in HTTP_PROXY.'
    )
    expect(proxy.seen).toHaveLength(1)
    expectNoProxyCredentials(error)
  })
})

describe('https endpoints through HTTPS_PROXY: a CONNECT tunnel, then TLS with the endpoint', () => {
  it('OIDC, STS and CodePipeline each open one tunnel, kept alive; the credentials go on CONNECT only', async () => {
    proxy.requireAuthorization = AUTHORIZATION
    await roleFlow(proxiedEnv(emu, 'https', { HTTPS_PROXY: `http://${USERINFO}@${proxyHost}` }))
    expect(proxy.seen.map(s => [s.method, s.target.replace(/:\d+$/, ':port'), s.servername])).toEqual([
      ['CONNECT', 'oidc.proxy.test:port', 'oidc.proxy.test'],
      ['CONNECT', 'sts.proxy.test:port', 'sts.proxy.test'],
      ['CONNECT', 'codepipeline.proxy.test:port', 'codepipeline.proxy.test']
    ])
    for (const seen of proxy.seen) {
      expect(seen.headers['proxy-authorization']).toBe(AUTHORIZATION)
      expect(seen.headers.host).toBe(seen.target)
    }
    expect(emu.requests.map(r => [r.operation, r.status])).toEqual([
      ['GET /oidc/token', 200],
      ['AssumeRoleWithWebIdentity', 200],
      ['GetJobDetails', 200],
      ['PutJobSuccessResult', 200]
    ])
    for (const r of emu.requests) expect(r.headers['proxy-authorization']).toBeUndefined()
  })

  it('a tunnel refused with 407 is not retried; the message names the proxy, never its credentials', async () => {
    proxy.requireAuthorization = AUTHORIZATION
    const env = proxiedEnv(emu, 'https', { HTTPS_PROXY: `http://proxy-user:wrong-${USERINFO}@${proxyHost}` })
    const error = await failure(cp(env, 3).getJobDetails(emu.codepipeline.addJob().id))
    expect(error.message).toMatch(
      new RegExp(
        `^codepipeline:GetJobDetails failed \\(ProxyError: The proxy ${proxyHost} \\(from HTTPS_PROXY\\) refused ` +
          'to connect to codepipeline\\.proxy\\.test:\\d+: HTTP 407 Proxy Authentication Required; check the user ' +
          'name and password in HTTPS_PROXY\\.\\)'
      )
    )
    expect(proxy.seen).toHaveLength(1)
    expectNoProxyCredentials(error)
  })

  it('without credentials, a 407 says to put them in the variable', async () => {
    proxy.requireAuthorization = AUTHORIZATION
    const error = await failure(
      cp(proxiedEnv(emu, 'https', { HTTPS_PROXY: `http://${proxyHost}` })).getJobDetails('x')
    )
    expect(error.message).toContain(
      'HTTP 407 Proxy Authentication Required; it wants credentials: put them in HTTPS_PROXY ' +
        '(http://user:password@host:port).'
    )
  })

  it('a 502 to CONNECT (the proxy could not reach the endpoint) is retried', async () => {
    proxy.refuseConnect = 502
    const env = proxiedEnv(emu, 'https', { HTTPS_PROXY: `http://${proxyHost}` })
    const error = await failure(cp(env, 3).getJobDetails(emu.codepipeline.addJob().id))
    expect(error.message).toContain('refused to connect to codepipeline.proxy.test:')
    expect(error.message).toContain(': HTTP 502 Refused.')
    expect(error.message).toContain('Gave up after 3 attempts')
    expect(proxy.seen.map(s => s.method)).toEqual(['CONNECT', 'CONNECT', 'CONNECT'])
  })

  it('the OIDC token request takes the proxy too', async () => {
    const env = proxiedEnv(emu, 'https', { https_proxy: `http://${proxyHost}` })
    const token = await getIDToken(
      { url: env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '', requestToken: emu.oidc.requestToken },
      'sts.amazonaws.com',
      { setSecret: rec.setSecret, env }
    )
    expect(token).toBe(emu.oidc.issued[0].token)
    expect(proxy.seen.map(s => s.method)).toEqual(['CONNECT'])
  })
})

describe('an https:// proxy (TLS to the proxy itself)', () => {
  let tlsProxy: TestProxy
  let tlsProxyHost: string
  beforeEach(async () => {
    tlsProxy = new TestProxy(certificate, true)
    tlsProxyHost = await tlsProxy.listen()
  })
  afterEach(() => tlsProxy.close())

  it.each(['https', 'http'] as const)('%s endpoints: the whole role flow through it', async scheme => {
    tlsProxy.requireAuthorization = AUTHORIZATION
    const variable = scheme === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
    await roleFlow(proxiedEnv(emu, scheme, { [variable]: `https://${USERINFO}@${tlsProxyHost}` }))
    expect(tlsProxy.seen.map(s => s.method)).toEqual(
      scheme === 'https' ? ['CONNECT', 'CONNECT', 'CONNECT'] : ['GET', 'POST', 'POST', 'POST']
    )
  })
})

describe('a proxy that cannot be reached', () => {
  async function closedPort(): Promise<number> {
    const server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise(resolve => server.close(resolve))
    return port
  }

  it.each(['https', 'http'] as const)(
    '%s endpoint: a clear, retried error naming the proxy host without its credentials',
    async scheme => {
      const port = await closedPort()
      const variable = scheme === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
      const env = proxiedEnv(emu, scheme, { [variable]: `http://${USERINFO}@127.0.0.1:${port}` })
      const error = await failure(cp(env, 2).getJobDetails(emu.codepipeline.addJob().id))
      expect(error.message).toBe(
        `codepipeline:GetJobDetails failed (ProxyError: Could not connect to the proxy 127.0.0.1:${port} ` +
          `(from ${variable}): connect ECONNREFUSED 127.0.0.1:${port}). Gave up after 2 attempts; CodePipeline ` +
          'or the network may be unavailable.'
      )
      expect(rec.sleeps).toHaveLength(1)
      expectNoProxyCredentials(error)
    }
  )

  it('on the role path too: the OIDC request names the proxy', async () => {
    const port = await closedPort()
    const env = proxiedEnv(emu, 'https', { HTTPS_PROXY: `http://${USERINFO}@127.0.0.1:${port}` })
    const error = await failure(
      connectCodePipeline(roleSettings(emu), { setSecret: rec.setSecret, sleep: rec.sleep, env })
    )
    expect(error.message).toBe(
      'Could not get a GitHub OIDC token for audience "sts.amazonaws.com": Could not connect to the proxy ' +
        `127.0.0.1:${port} (from HTTPS_PROXY): connect ECONNREFUSED 127.0.0.1:${port}`
    )
    expectNoProxyCredentials(error)
  })
})

describe('NO_PROXY and loopback', () => {
  it('an endpoint NO_PROXY names is reached directly: the proxy sees nothing', async () => {
    const env = proxiedEnv(emu, 'https', {
      HTTPS_PROXY: `http://${proxyHost}`,
      NO_PROXY: 'example.com, .proxy.test'
    })
    const client = cp(env)
    // Direct, *.proxy.test does not resolve (or the lookup times out): anything but the proxy's answer.
    const error = await failure(client.getJobDetails('x'))
    expect(error.message).not.toContain('ProxyError')
    expect(proxy.seen).toEqual([])
  })

  it('the emulator on 127.0.0.1 is never proxied, whatever the variables say', async () => {
    const env = { ...emu.env, HTTPS_PROXY: `http://${proxyHost}`, HTTP_PROXY: `http://${proxyHost}` }
    await cp(env).getJobDetails(emu.codepipeline.addJob().id)
    expect(proxy.seen).toEqual([])
  })

  const url = (text: string) => new URL(text)
  it.each([
    ['*', 'https://sts.eu-west-1.amazonaws.com/', true],
    ['amazonaws.com', 'https://sts.eu-west-1.amazonaws.com/', true],
    ['amazonaws.com', 'https://amazonaws.com/', true],
    ['.amazonaws.com', 'https://sts.eu-west-1.amazonaws.com/', true],
    ['.amazonaws.com', 'https://amazonaws.com/', false],
    ['*.amazonaws.com', 'https://codepipeline.eu-west-1.amazonaws.com/', true],
    ['AMAZONAWS.COM', 'https://sts.eu-west-1.amazonaws.com/', true],
    ['azonaws.com', 'https://sts.eu-west-1.amazonaws.com/', false],
    ['sts.eu-west-1.amazonaws.com:443', 'https://sts.eu-west-1.amazonaws.com/', true],
    ['sts.eu-west-1.amazonaws.com:8443', 'https://sts.eu-west-1.amazonaws.com/', false],
    ['internal:8080', 'http://internal:8080/', true],
    ['internal:80', 'http://internal/', true],
    [' github.com , ,amazonaws.com ', 'https://sts.eu-west-1.amazonaws.com/', true],
    ['github.com', 'https://sts.eu-west-1.amazonaws.com/', false],
    ['', 'https://localhost:4566/', true],
    ['', 'http://127.0.0.1:4566/', true],
    ['', 'http://[::1]:4566/', true],
    ['', 'https://10.0.0.1/', false]
  ])('NO_PROXY=%j for %s: bypassed %s', (noProxy, target, bypassed) => {
    expect(bypassesProxy(url(target), { NO_PROXY: noProxy })).toBe(bypassed)
    expect(bypassesProxy(url(target), { no_proxy: noProxy, NO_PROXY: 'nothing.test' })).toBe(bypassed)
  })
})

describe('the proxy variables', () => {
  const sts = new URL('https://sts.eu-west-1.amazonaws.com/')
  const endpointHttp = new URL('http://internal.example.com:4566/')

  it('https endpoints take https_proxy/HTTPS_PROXY, http ones http_proxy/HTTP_PROXY, never the other', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128' }
    expect(proxyFor(sts, env)?.url.href).toBe('http://secure:3128/')
    expect(proxyFor(endpointHttp, env)?.url.href).toBe('http://plain:3128/')
    expect(proxyFor(sts, { HTTP_PROXY: 'http://plain:3128' })).toBeUndefined()
    expect(proxyFor(sts, { https_proxy: '', HTTPS_PROXY: 'http://upper:1' })?.variable).toBe('HTTPS_PROXY')
  })

  it('keeps the credentials out of the URL, percent-decoded into a Basic header', () => {
    const proxy = proxyFor(sts, { HTTPS_PROXY: `http://${USERINFO}@proxy.example.com:3128/ignored?x` })
    expect(proxy).toEqual({
      url: new URL('http://proxy.example.com:3128'),
      variable: 'HTTPS_PROXY',
      authorization: AUTHORIZATION
    })
    expect(new HttpConnection(sts, { env: { HTTPS_PROXY: 'http://p:3128' } }).proxy?.url.host).toBe('p:3128')
  })

  it('a value without a scheme is an http:// proxy', () => {
    expect(proxyFor(sts, { HTTPS_PROXY: 'proxy.example.com:3128' })?.url.href).toBe(
      'http://proxy.example.com:3128/'
    )
    expect(proxyFor(sts, { HTTPS_PROXY: '10.0.0.1:3128' })?.url.href).toBe('http://10.0.0.1:3128/')
  })

  it('an unusable value stops the role path with that UserError, before any request', async () => {
    const env = proxiedEnv(emu, 'https', { HTTPS_PROXY: 'socks5://proxy:1080' })
    const error = await failure(
      connectCodePipeline(roleSettings(emu), { setSecret: rec.setSecret, sleep: rec.sleep, env })
    )
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      'HTTPS_PROXY names a socks5:// proxy; only http:// and https:// proxies are supported.'
    )
    expect(emu.requests).toEqual([])
  })

  it('an unusable value is a UserError that does not quote it (it may hold a password)', () => {
    const unusable = (value: string) => {
      try {
        proxyFor(sts, { HTTPS_PROXY: value })
      } catch (error) {
        expect(error).toBeInstanceOf(UserError)
        expect((error as Error).message).not.toContain('s3cret')
        return (error as Error).message
      }
      throw new Error(`${value} was accepted`)
    }
    expect(unusable('socks5://user:s3cret@proxy:1080')).toBe(
      'HTTPS_PROXY names a socks5:// proxy; only http:// and https:// proxies are supported.'
    )
    expect(unusable('http://user:s3cret@[proxy')).toBe(
      'HTTPS_PROXY is not a URL; set it to the proxy, for example http://proxy.example.com:3128.'
    )
  })

  it('ProxyError is what a refusal is', () => {
    expect(new ProxyError('m', { status: 407 })).toMatchObject({ name: 'ProxyError', status: 407 })
  })
})
