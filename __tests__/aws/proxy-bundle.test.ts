// The bundled report action (dist/) on a self-hosted runner behind a proxy, run as the runner runs it: its
// OIDC (@actions/core), STS and CodePipeline (AWS SDK) calls go through the proxy, and without one none do.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { operations, report, startReportEmulator } from '../e2e/report-fixture.ts'
import { selfSigned } from './self-signed.ts'
import { PROXY_NAMES, proxiedEnv, TestProxy } from './test-proxy.ts'

const certificate = selfSigned(PROXY_NAMES)
const PASSWORD = 'pr0xy-s3cret'

let emu: Emulator
let proxy: TestProxy
let proxyHost: string
let dir: string

beforeEach(async () => {
  emu = await startReportEmulator()
  proxy = new TestProxy(certificate)
  proxyHost = await proxy.listen()
  dir = await mkdtemp(join(tmpdir(), 'proxy-bundle-'))
  await writeFile(join(dir, 'ca.pem'), certificate.cert)
})
afterEach(async () => {
  await proxy.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

/** Reports success for a new job through the proxy settings in `env`. */
async function reportThrough(env: Record<string, string>): Promise<void> {
  const job = emu.codepipeline.addJob()
  const result = await report(emu, { 'job-id': job.id, status: 'success' }, { env })
  // The only thing allowed on stderr: the DEP0005 warning of `tunnel`, which @actions/http-client uses for CONNECT.
  expect(result.stderr.replace(/\(node:\d+\) \[DEP0005\][^\n]*\n(\(Use `node[^\n]*\n)?/, '')).toBe('')
  expect(result.exitCode).toBe(0)
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
  // The proxy password (and its Basic value) may only appear in the runner's mask commands.
  const visible = result.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
  expect(`${visible.join('\n')}${result.summary}`).not.toContain(PASSWORD)
  const basic = Buffer.from(`user:${PASSWORD}`).toString('base64')
  if (Object.values(env).some(value => value.includes(PASSWORD))) {
    expect(result.masked).toEqual(expect.arrayContaining([PASSWORD, basic]))
  }
}

test('without a proxy variable, nothing goes to the proxy', async () => {
  await reportThrough({})
  expect(proxy.seen).toEqual([])
})

test('plain http to an OIDC or STS endpoint that is not loopback is refused before anything is sent', async () => {
  const job = emu.codepipeline.addJob()
  const env = proxiedEnv(emu, 'http', { HTTP_PROXY: `http://user:${PASSWORD}@${proxyHost}` })
  const result = await report(emu, { 'job-id': job.id, status: 'success' }, { env })
  expect(result.exitCode).toBe(1)
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'error',
      message: expect.stringContaining(
        'Refusing to send the OIDC request token to ACTIONS_ID_TOKEN_REQUEST_URL over plain http to oidc.proxy.test'
      )
    })
  )
  expect(proxy.seen).toEqual([])
  expect(emu.requests).toEqual([])
})

test('STS over plain http (not loopback) is refused even when the OIDC endpoint is https', async () => {
  const job = emu.codepipeline.addJob()
  const env = {
    ...proxiedEnv(emu, 'https', {
      HTTPS_PROXY: `http://user:${PASSWORD}@${proxyHost}`,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem')
    }),
    AWS_ENDPOINT_URL_STS: proxiedEnv(emu, 'http', {}).AWS_ENDPOINT_URL_STS
  }
  const result = await report(emu, { 'job-id': job.id, status: 'success' }, { env })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(
    'Refusing to send the GitHub OIDC token to STS over plain http to sts.proxy.test'
  )
  expect(operations(emu, 'sts')).toEqual([])
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})

test('behind HTTPS_PROXY: CONNECT tunnels, TLS checked against the endpoint names (NODE_EXTRA_CA_CERTS)', async () => {
  await reportThrough(
    proxiedEnv(emu, 'https', {
      HTTPS_PROXY: `http://user:${PASSWORD}@${proxyHost}`,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem')
    })
  )
  // CodePipeline's two calls are made together, so over two tunnels.
  const hosts = proxy.seen.map(s => s.target.replace(/:\d+$/, ''))
  expect([...new Set(hosts)]).toEqual(['oidc.proxy.test', 'sts.proxy.test', 'codepipeline.proxy.test'])
  for (const [i, seen] of proxy.seen.entries()) {
    expect([seen.method, seen.servername]).toEqual(['CONNECT', hosts[i]])
  }
  const basic = `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`
  for (const seen of proxy.seen) expect(seen.headers['proxy-authorization']).toBe(basic)
})
