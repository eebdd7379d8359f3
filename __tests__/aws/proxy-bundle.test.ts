// The bundled report action (dist/) on a self-hosted runner behind a proxy, run as the runner runs it: its
// OIDC, STS and CodePipeline calls go through the proxy, and without one nothing more is loaded than before.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { report, startReportEmulator } from '../e2e/report-fixture.ts'
import { selfSigned } from './self-signed.ts'
import { PROXY_NAMES, proxiedEnv, TestProxy } from './test-proxy.ts'

const certificate = selfSigned(PROXY_NAMES)
const PASSWORD = 'pr0xy-s3cret'
const TLS_MODULES = ['tls', 'https', '_tls_wrap', 'internal/tls/wrap']

let emu: Emulator
let proxy: TestProxy
let proxyHost: string
let dir: string

beforeEach(async () => {
  emu = await startReportEmulator()
  proxy = new TestProxy(certificate)
  proxyHost = await proxy.listen()
  dir = await mkdtemp(join(tmpdir(), 'proxy-bundle-'))
  // Preloaded into the action: which of Node's own modules it loaded, written when it exits.
  await writeFile(
    join(dir, 'loaded.mjs'),
    "import { writeFileSync } from 'node:fs'\n" +
      "process.on('exit', () => writeFileSync(process.env.LOADED_FILE, JSON.stringify(process.moduleLoadList)))\n"
  )
  await writeFile(join(dir, 'ca.pem'), certificate.cert)
})
afterEach(async () => {
  await proxy.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

/** Reports success for a new job; returns Node's built-in modules the action loaded. */
async function reportThrough(env: Record<string, string>): Promise<string[]> {
  const job = emu.codepipeline.addJob()
  const result = await report(
    emu,
    { 'job-id': job.id, status: 'success' },
    {
      env: {
        ...env,
        NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'loaded.mjs')).href}`,
        LOADED_FILE: join(dir, 'loaded.json')
      }
    }
  )
  expect([result.exitCode, result.stderr]).toEqual([0, ''])
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
  // The proxy password (and its Basic value) may only appear in the runner's mask commands.
  const visible = result.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
  expect(`${visible.join('\n')}${result.summary}`).not.toContain(PASSWORD)
  const basic = Buffer.from(`user:${PASSWORD}`).toString('base64')
  if (Object.values(env).some(value => value.includes(PASSWORD))) {
    expect(result.masked).toEqual(expect.arrayContaining([PASSWORD, basic]))
  }
  const loaded = JSON.parse(await readFile(join(dir, 'loaded.json'), 'utf8')) as string[]
  return loaded.filter(m => m.startsWith('NativeModule ')).map(m => m.slice('NativeModule '.length))
}

test('without a proxy (the emulator is plain http), no TLS module is loaded', async () => {
  const loaded = await reportThrough({})
  expect(loaded).toContain('http')
  expect(loaded.filter(m => TLS_MODULES.includes(m))).toEqual([])
  expect(proxy.seen).toEqual([])
})

test('behind HTTP_PROXY with http endpoints: every call through the proxy, still no TLS module', async () => {
  const loaded = await reportThrough(
    proxiedEnv(emu, 'http', { HTTP_PROXY: `http://user:${PASSWORD}@${proxyHost}` })
  )
  expect(proxy.seen.map(s => s.target.replace(/:\d+\/.*/, ''))).toEqual([
    'http://oidc.proxy.test',
    'http://sts.proxy.test',
    'http://codepipeline.proxy.test',
    'http://codepipeline.proxy.test'
  ])
  expect(loaded.filter(m => TLS_MODULES.includes(m))).toEqual([])
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
