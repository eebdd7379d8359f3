import { createServer, type OutgoingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { AwsServiceError } from '../../src/aws/service-error.ts'
import { assumeRoleWithWebIdentity, element } from '../../src/aws/sts.ts'
import { HttpConnection } from '../../src/transport/http.ts'

describe('element: the STS answer fields', () => {
  const response =
    '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
    '  <AssumeRoleWithWebIdentityResult>\n    <Credentials>\n' +
    '      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n' +
    '      <SecretAccessKey>a+b/c&amp;d&lt;e&gt;f&quot;g&apos;h&#65;&#x42;</SecretAccessKey>\n' +
    '      <SessionToken><![CDATA[token&amp;<raw>]]></SessionToken>\n' +
    '      <Expiration>2026-11-29T12:00:00Z</Expiration>\n' +
    '    </Credentials>\n    <Audience/>\n  </AssumeRoleWithWebIdentityResult>\n' +
    '</AssumeRoleWithWebIdentityResponse>'

  it('reads an element and decodes the XML entities', () => {
    expect(element(response, 'AccessKeyId')).toBe('ASIAEXAMPLE')
    expect(element(response, 'SecretAccessKey')).toBe('a+b/c&d<e>f"g\'hAB')
  })

  it('takes CDATA literally', () => {
    expect(element(response, 'SessionToken')).toBe('token&amp;<raw>')
  })

  it('an empty element is the empty string, a missing one undefined', () => {
    expect(element(response, 'Audience')).toBe('')
    expect(element(response, 'Provider')).toBeUndefined()
  })

  it('matches the whole name only, and elements with attributes', () => {
    expect(element('<CodeName>x</CodeName><Code>y</Code>', 'Code')).toBe('y')
    expect(element('<Message xml:lang="en">hi</Message>', 'Message')).toBe('hi')
  })

  it('scopes to an enclosing element', () => {
    const error =
      element('<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>', 'Error') ?? ''
    expect(element(error, 'Code')).toBe('Throttling')
  })

  it('leaves an unknown entity as it is', () => {
    expect(element('<M>&nbsp;&amp;</M>', 'M')).toBe('&nbsp;&')
  })
})

describe('STS error answers', () => {
  // Answers the emulator does not give: a stub replays them.
  let answer: { status: number; headers?: OutgoingHttpHeaders; body: string }
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(answer.status, answer.headers ?? {})
    res.end(answer.body)
  })
  let connection: HttpConnection
  beforeAll(async () => {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    connection = new HttpConnection(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`))
  })
  afterAll(async () => {
    connection.destroy()
    await new Promise(resolve => server.close(resolve))
  })
  const request = { roleArn: 'arn', sessionName: 's', durationSeconds: 900, webIdentityToken: 't' }
  const refusal = () =>
    assumeRoleWithWebIdentity(connection, request).then(
      () => undefined,
      (e: unknown) => e as AwsServiceError
    )

  it('takes the request ID from either AWS header, else from the error document', async () => {
    const body =
      '<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>' +
      '<RequestId>from-body</RequestId></ErrorResponse>'
    answer = { status: 403, headers: { 'x-amz-request-id': 'from-header' }, body }
    expect(await refusal()).toMatchObject({ name: 'AccessDenied', requestId: 'from-header' })
    answer = { status: 403, headers: { 'x-amzn-requestid': 'from-amzn' }, body }
    expect((await refusal())?.requestId).toBe('from-amzn')
    answer = { status: 403, body }
    expect((await refusal())?.requestId).toBe('from-body')
  })

  it("quotes a proxy's long page as the awsJson client does", async () => {
    const page = `<html>${'Gateway Timeout '.repeat(20)}</html>`
    answer = { status: 504, body: page }
    const error = await refusal()
    expect(error).toBeInstanceOf(AwsServiceError)
    expect([error?.name, error?.message]).toEqual(['UnknownError', `HTTP 504: ${page.slice(0, 200)}…`])
  })
})
