import { describe, expect, it } from '@jest/globals'
import { amzDate, canonicalRequest, sha256Hex, sign } from '../../src/aws/sigv4.ts'

// Vectors from AWS's published SigV4 test suite (aws-sig-v4-test-suite): the request as the suite writes
// it, and the Authorization header AWS computed for it. The ones with a query string are left out: the
// signer supports none, as CodePipeline and STS take everything in the body.
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  scope: { region: 'us-east-1', service: 'service' },
  at: new Date('2015-08-30T12:36:00Z'),
  host: 'example.amazonaws.com'
}
const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='

interface Vector {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
  sessionToken?: string
  signedHeaders: string
  signature: string
}

const VECTORS: Record<string, Vector> = {
  'get-vanilla': {
    method: 'GET',
    path: '/',
    signedHeaders: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
  },
  'post-vanilla': {
    method: 'POST',
    path: '/',
    signedHeaders: 'host;x-amz-date',
    signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'
  },
  'get-header-value-trim': {
    method: 'GET',
    path: '/',
    headers: { 'My-Header1': ' value1', 'My-Header2': ' "a   b   c"' },
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736'
  },
  'post-header-value-case': {
    method: 'POST',
    path: '/',
    headers: { 'My-Header1': 'VALUE1' },
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d'
  },
  'post-x-www-form-urlencoded': {
    method: 'POST',
    path: '/',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'
  },
  'post-x-www-form-urlencoded-parameters': {
    method: 'POST',
    path: '/',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf8' },
    body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe'
  },
  'post-sts-header-before': {
    method: 'POST',
    path: '/',
    sessionToken: STS_TOKEN,
    signedHeaders: 'host;x-amz-date;x-amz-security-token',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead'
  },
  'get-utf8': {
    method: 'GET',
    path: '/ሴ',
    signedHeaders: 'host;x-amz-date',
    signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85'
  },
  'normalize-path/get-space': {
    method: 'GET',
    path: '/example space/',
    signedHeaders: 'host;x-amz-date',
    signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741'
  },
  'normalize-path/get-slash-dot-slash': {
    method: 'GET',
    path: '/./',
    signedHeaders: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
  },
  'normalize-path/get-relative-relative': {
    method: 'GET',
    path: '/example1/example2/../..',
    signedHeaders: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
  }
}

function signVector(v: Vector): Record<string, string> {
  const credentials = { ...SUITE.credentials, sessionToken: v.sessionToken }
  const request = {
    method: v.method,
    path: v.path,
    headers: { Host: SUITE.host, ...v.headers },
    body: v.body ?? ''
  }
  return sign(request, credentials, SUITE.scope, SUITE.at)
}

describe('SigV4 signer against the AWS test suite', () => {
  it.each(Object.entries(VECTORS))('%s', (_name, vector) => {
    const headers = signVector(vector)
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        `SignedHeaders=${vector.signedHeaders}, Signature=${vector.signature}`
    )
    expect(headers['x-amz-date']).toBe('20150830T123600Z')
  })

  it('builds the canonical request of post-x-www-form-urlencoded-parameters exactly', () => {
    const body = 'Param1=value1'
    const creq = canonicalRequest(
      {
        method: 'POST',
        path: '/',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=utf8',
          Host: 'example.amazonaws.com',
          'X-Amz-Date': '20150830T123600Z'
        },
        body
      },
      sha256Hex(body)
    )
    expect(creq).toBe(
      'POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf8\nhost:example.amazonaws.com\n' +
        'x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n' +
        '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e'
    )
  })

  it('signs x-amz-content-sha256 when given and uses it as the payload hash', () => {
    const body = '{}'
    const request = { method: 'POST', path: '/', headers: { host: SUITE.host }, body }
    const withHash = { ...request, headers: { ...request.headers, 'x-amz-content-sha256': sha256Hex(body) } }
    const signed = sign(withHash, SUITE.credentials, SUITE.scope, SUITE.at)
    expect(signed.authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date,')
    // A different declared hash changes the signature: the header, not the body, is what is signed.
    const lying = {
      ...withHash,
      headers: { ...withHash.headers, 'x-amz-content-sha256': sha256Hex('other') }
    }
    expect(sign(lying, SUITE.credentials, SUITE.scope, SUITE.at).authorization).not.toBe(signed.authorization)
  })

  it('formats the signing time as ISO 8601 basic, whole seconds', () => {
    expect(amzDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z')
  })
})
