import { createHash, createHmac } from 'node:crypto'

// AWS Signature Version 4 for header-signed requests, written from AWS's "Create a signed AWS API request"
// and checked against its published test suite. Only what the bridge sends is supported: no query strings
// (CodePipeline and STS take everything in the body) and no S3 exceptions.

export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** Temporary credentials carry it in x-amz-security-token, which is signed too. */
  sessionToken?: string
}

export interface UnsignedRequest {
  method: string
  /** The path as it goes on the wire (already percent-encoded). */
  path: string
  /** Every header here is signed; add unsigned ones (user-agent, content-length) after signing. */
  headers: Record<string, string>
  body: string
}

export interface SigningScope {
  region: string
  service: string
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

/** RFC 3986: unreserved characters stay, every other UTF-8 byte becomes %XX (upper-case hex). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

// Services other than S3 normalise the path (drop "." and empty segments, resolve "..") and encode each
// segment once more, so a wire path of /a%20b is signed as /a%2520b.
function canonicalUri(path: string): string {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop()
    else if (segment !== '' && segment !== '.') segments.push(segment)
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : ''
  return '/' + segments.map(uriEncode).join('/') + trailing
}

/** `20150830T123600Z`: ISO 8601 basic format, whole seconds, UTC. */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]|\.\d{3}/g, '')
}

export function canonicalRequest(request: UnsignedRequest, payloadHash: string): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    '', // no query string
    ...headers.map(([name, value]) => `${name}:${value}`),
    '',
    headers.map(([name]) => name).join(';'),
    payloadHash
  ].join('\n')
}

/**
 * Returns the request's headers plus x-amz-date, x-amz-security-token (temporary credentials) and
 * Authorization. A caller-set x-amz-content-sha256 is used as the payload hash, as the spec allows.
 */
export function sign(
  request: UnsignedRequest,
  credentials: SigningCredentials,
  scope: SigningScope,
  at: Date
): Record<string, string> {
  const date = amzDate(at)
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': date }
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken
  const payloadHash = headers['x-amz-content-sha256'] ?? sha256Hex(request.body)
  const creq = canonicalRequest({ ...request, headers }, payloadHash)
  const day = date.slice(0, 8)
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', date, credentialScope, sha256Hex(creq)].join('\n')
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), scope.region), scope.service),
    'aws4_request'
  )
  const signedHeaders = Object.keys(headers)
    .map(name => name.toLowerCase())
    .sort()
    .join(';')
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${hmac(key, stringToSign).toString('hex')}`
  return headers
}
