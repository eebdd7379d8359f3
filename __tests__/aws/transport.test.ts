import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { relative } from 'node:path'
import { expect, it } from '@jest/globals'
import { isTransient } from '../../src/aws/retries.ts'
import { AwsServiceError } from '../../src/aws/service-error.ts'
import {
  bodyExcerpt,
  HttpConnection,
  isConnectionFailure,
  TimeoutError,
  USER_AGENT
} from '../../src/transport/http.ts'
import { reachableFiles, ROOT } from '../docs/source-scan.ts'

// The transport both the AWS client and the OIDC token request use.

it('layering: the transport loads nothing from src/aws or src/github, the OIDC request nothing from src/aws', () => {
  const loads = (entry: string) => reachableFiles(entry).map(file => relative(ROOT, file))
  expect(loads('src/transport/http.ts').filter(f => /^src\/(aws|github)\//.test(f))).toEqual([])
  expect(loads('src/github/oidc.ts').filter(f => f.startsWith('src/aws/'))).toEqual([])
})

it('connection failures are classified here; AWS retries them and its own service errors', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
  for (const error of [refused, new TimeoutError('no response'), new Error('socket hang up')]) {
    expect(isConnectionFailure(error)).toBe(true)
    expect(isTransient(error)).toBe(true)
  }
  for (const error of [new Error('other'), undefined, 'ECONNRESET', { code: 42 }])
    expect(isConnectionFailure(error)).toBe(false)
  const throttled = new AwsServiceError('ThrottlingException', 'slow down', 400, undefined)
  expect([isConnectionFailure(throttled), isTransient(throttled)]).toEqual([false, true])
})

it('the user agent names the package version', () => {
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    name: string
    version: string
  }
  expect(USER_AGENT).toBe(`${name}/${version}`)
})

it('bodyExcerpt: whitespace collapsed, 200 characters at most, an ellipsis when cut, no split surrogate pair', () => {
  expect(bodyExcerpt('  <p>\n  Bad \t Gateway </p> ')).toBe('<p> Bad Gateway </p>')
  expect(bodyExcerpt('')).toBe('')
  expect(bodyExcerpt('a'.repeat(200))).toBe('a'.repeat(200))
  expect(bodyExcerpt('a'.repeat(201))).toBe(`${'a'.repeat(200)}…`)
  expect(bodyExcerpt(`${'a'.repeat(199)}😀😀`)).toBe(`${'a'.repeat(199)}😀…`)
})

it('reuses one connection for consecutive requests; destroy() closes it', async () => {
  const server = createServer((req, res) => {
    req.resume()
    res.end('ok')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const connections = () => new Promise<number>(resolve => server.getConnections((_e, n) => resolve(n)))
  let opened = 0
  server.on('connection', () => opened++)
  try {
    const connection = new HttpConnection(
      new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    )
    for (let i = 0; i < 3; i++) expect((await connection.request('POST', {}, 'x')).body).toBe('ok')
    expect(opened).toBe(1)
    expect(await connections()).toBe(1)
    connection.destroy()
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(await connections()).toBe(0)
  } finally {
    await new Promise(resolve => server.close(resolve))
  }
})
