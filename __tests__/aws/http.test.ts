import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, it } from '@jest/globals'
import { HttpConnection, USER_AGENT } from '../../src/aws/http.ts'

it('the user agent names the package version', () => {
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    name: string
    version: string
  }
  expect(USER_AGENT).toBe(`${name}/${version}`)
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
