// A host that does not exist is a setting to fix (aws-region, the endpoint variables), never "the network".
import { describe, expect, it } from '@jest/globals'
import { unresolvedHost } from '../../src/aws/unresolved-host.ts'

/** What Node's resolver throws for a name DNS does not have. */
const notFound = (host: string) =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
    errno: -3008,
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname: host
  })

describe('unresolvedHost', () => {
  it('names the host, the region and the endpoint variables of the service', () => {
    expect(
      unresolvedHost(notFound('codepipeline.eu-wset-1.amazonaws.com'), 'CODEPIPELINE', 'eu-wset-1')
    ).toBe(
      'codepipeline.eu-wset-1.amazonaws.com does not exist (DNS has no such name), so nothing was sent: check ' +
        'that aws-region "eu-wset-1" is an AWS region (e.g. eu-west-1), and AWS_ENDPOINT_URL_CODEPIPELINE or ' +
        'AWS_ENDPOINT_URL if either is set.'
    )
    expect(unresolvedHost(notFound('sts.eu-wset-1.amazonaws.com'), 'STS', 'eu-wset-1')).toContain(
      'AWS_ENDPOINT_URL_STS'
    )
  })

  it('reads an error the SDK wrapped, which keeps only the message', () => {
    const wrapped = new Error(
      'AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND s3.eu-wset-1.amazonaws.com'
    )
    expect(unresolvedHost(wrapped, 'S3', 'eu-wset-1')).toMatch(
      /^s3\.eu-wset-1\.amazonaws\.com does not exist/
    )
  })

  it('leaves every other failure alone: a refused connection, a DNS timeout, an answer', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    const again = Object.assign(new Error('getaddrinfo EAI_AGAIN sts.amazonaws.com'), { code: 'EAI_AGAIN' })
    for (const error of [refused, again, new Error('AccessDenied'), undefined, 'ENOTFOUND'])
      expect(unresolvedHost(error, 'STS', 'eu-west-1')).toBeUndefined()
  })
})
