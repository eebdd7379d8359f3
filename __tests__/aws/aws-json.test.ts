import { createServer, type OutgoingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { AwsJsonClient } from '../../src/aws/aws-json.ts'
import { HttpConnection } from '../../src/transport/http.ts'
import { isTransient } from '../../src/aws/retries.ts'
import { AwsServiceError } from '../../src/aws/service-error.ts'
import { STATIC } from './fixtures.ts'

// Answers the emulator never gives but AWS, or a proxy in front of it, may: a stub replays them.
let answer: { status: number; headers?: OutgoingHttpHeaders; body: string }
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(answer.status, answer.headers ?? {})
    res.end(answer.body)
  })
})
let connection: HttpConnection
let client: AwsJsonClient

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  connection = new HttpConnection(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`))
  client = new AwsJsonClient({
    connection,
    targetPrefix: 'CodePipeline_20150709',
    scope: { region: 'eu-west-1', service: 'codepipeline' },
    credentials: STATIC
  })
})
afterAll(async () => {
  connection.destroy()
  await new Promise(resolve => server.close(resolve))
})
beforeEach(() => {
  answer = { status: 200, body: '' }
})

async function refusal(): Promise<AwsServiceError> {
  const error = await client.call('GetJobDetails', { jobId: 'x' }).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(AwsServiceError)
  return error as AwsServiceError
}

describe('awsJson1_1 answers', () => {
  it('an empty 200 is an empty output; the request ID comes from x-amzn-requestid', async () => {
    answer = { status: 200, headers: { 'x-amzn-requestid': 'req-1' }, body: '' }
    expect(await client.call('PutJobSuccessResult', { jobId: 'x' })).toEqual({
      output: {},
      requestId: 'req-1'
    })
  })

  it('takes the error name after # and before : of __type, and Message as well as message', async () => {
    answer = {
      status: 400,
      headers: { 'x-amzn-requestid': 'req-2' },
      body: JSON.stringify({
        __type: 'com.amazonaws.codepipeline#JobNotFoundException:http://internal.amazon.com/',
        Message: 'no such job'
      })
    }
    const error = await refusal()
    expect([error.name, error.message, error.status, error.requestId]).toEqual([
      'JobNotFoundException',
      'no such job',
      400,
      'req-2'
    ])
  })

  it('prefers the x-amzn-errortype header', async () => {
    answer = {
      status: 400,
      headers: { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/' },
      body: '{"message":"bad"}'
    }
    expect((await refusal()).name).toBe('ValidationException')
  })

  it("a proxy's HTML 502 is an UnknownError quoting the page's start, and retryable", async () => {
    answer = { status: 502, body: '<html>\n<body>Bad   Gateway</body></html>' }
    const error = await refusal()
    expect([error.name, error.message]).toEqual([
      'UnknownError',
      'HTTP 502: <html> <body>Bad Gateway</body></html>'
    ])
    expect(isTransient(error)).toBe(true)
  })

  it('a long page is quoted up to 200 characters, with an ellipsis; x-amz-request-id names the request', async () => {
    const page = `<html><body>${'Service Unavailable '.repeat(20)}</body></html>`
    answer = { status: 503, headers: { 'x-amz-request-id': 'req-3' }, body: page }
    const error = await refusal()
    expect(error.message).toBe(`HTTP 503: ${page.slice(0, 200)}…`)
    expect(error.requestId).toBe('req-3')
  })

  it('a 200 that is not JSON is an error that does not quote the body (it may hold job credentials)', async () => {
    answer = { status: 200, body: '{"jobDetails":{"data":{"artifactCredentials":{"secretAccessKey":"s3cr3t"' }
    const error = await refusal()
    expect(error.message).toBe('The answer to GetJobDetails is not JSON')
    expect(isTransient(error)).toBe(false)
  })

  it('a 501 is not retried, a 429 is', () => {
    expect(isTransient(new AwsServiceError('NotImplemented', '', 501, undefined))).toBe(false)
    expect(isTransient(new AwsServiceError('UnknownError', '', 429, undefined))).toBe(true)
    expect(isTransient(new AwsServiceError('RequestLimitExceeded', '', 400, undefined))).toBe(true)
  })
})
