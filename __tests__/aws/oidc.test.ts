import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getIDToken, oidcEndpoint } from '../../src/github/oidc.ts'
import { bodyExcerpt } from '../../src/transport/http.ts'
import { recorders } from './fixtures.ts'

// A bare token service: what the tests need to see is the exact request line and the retries.
let seen: IncomingMessage[]
let answers: Array<[number, string] | 'drop'>
let base: string
const server = createServer((req, res) => {
  seen.push(req)
  const answer = answers.shift() ?? [200, JSON.stringify({ value: 'header.payload.signature' })]
  if (answer === 'drop') return void req.socket.destroy()
  res.writeHead(answer[0], { 'content-type': 'application/json' })
  res.end(answer[1])
})

beforeEach(async () => {
  seen = []
  answers = []
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const endpoint = () => ({ url: `${base}/idtoken?api-version=2.0`, requestToken: 'request-token' })

describe('getIDToken', () => {
  it('appends the encoded audience to the runner URL and masks the token', async () => {
    const rec = recorders()
    const token = await getIDToken(endpoint(), 'https://example.com/a b', rec)
    expect(token).toBe('header.payload.signature')
    expect(rec.secrets).toEqual(['header.payload.signature'])
    expect(seen[0].url).toBe('/idtoken?api-version=2.0&audience=https%3A%2F%2Fexample.com%2Fa%20b')
    expect(seen[0].headers).toMatchObject({
      authorization: 'Bearer request-token',
      accept: 'application/json'
    })
  })

  it('starts the query itself when the URL has none', async () => {
    await getIDToken({ ...endpoint(), url: `${base}/idtoken` }, 'sts.amazonaws.com', recorders())
    expect(seen[0].url).toBe('/idtoken?audience=sts.amazonaws.com')
  })

  it('retries 502, 503, 504 and dropped connections with short waits', async () => {
    answers = [[502, '{}'], [503, '{}'], [504, '{}'], 'drop']
    const rec = recorders()
    await getIDToken(endpoint(), 'sts.amazonaws.com', rec)
    expect(seen).toHaveLength(5)
    expect(rec.sleeps).toHaveLength(4)
    rec.sleeps.forEach((ms, i) => expect(ms).toBeLessThan(10 * 2 ** i))
  })

  it('gives up after 11 tries, as @actions/core does', async () => {
    answers = Array.from({ length: 20 }, () => [503, '{"message":"busy"}'] as [number, string])
    await expect(getIDToken(endpoint(), 'aud', recorders())).rejects.toThrow(
      "GitHub's OIDC token service answered HTTP 503: busy."
    )
    expect(seen).toHaveLength(11)
  })

  it('does not retry other statuses', async () => {
    answers = [[500, 'oops']]
    await expect(getIDToken(endpoint(), 'aud', recorders())).rejects.toThrow(
      "GitHub's OIDC token service answered HTTP 500: oops."
    )
    expect(seen).toHaveLength(1)
  })

  it('quotes a long non-JSON refusal as the AWS client does: 200 characters and an ellipsis', async () => {
    const page = `<html>\n<h1>Internal   Server Error</h1>${'x'.repeat(300)}</html>`
    answers = [[500, page]]
    const error = await getIDToken(endpoint(), 'aud', recorders()).catch((e: unknown) => e as Error)
    expect((error as Error).message).toBe(
      `GitHub's OIDC token service answered HTTP 500: ${bodyExcerpt(page)}.`
    )
    expect(bodyExcerpt(page)).toBe(`<html> <h1>Internal Server Error</h1>${'x'.repeat(163)}…`)
  })

  it('an answer without a token is an error that does not quote the body', async () => {
    answers = [[200, '{"count": 0}']]
    const rec = recorders()
    await expect(getIDToken(endpoint(), 'aud', rec)).rejects.toThrow(
      "GitHub's OIDC token service answered without a token."
    )
    expect(rec.secrets).toEqual([])
  })
})

describe('oidcEndpoint', () => {
  it('needs both runner variables', () => {
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/t?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
    }
    expect(oidcEndpoint(env)).toEqual({ url: env.ACTIONS_ID_TOKEN_REQUEST_URL, requestToken: 't' })
    expect(oidcEndpoint({ ...env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' })).toBeUndefined()
    expect(oidcEndpoint({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' })).toBeUndefined()
  })
})
