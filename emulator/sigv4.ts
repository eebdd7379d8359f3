// SigV4 verification written from the AWS "Create a signed AWS API request" spec, not from any SDK,
// so that a signing bug in the code under test shows up as a refused request.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export interface SigningCredentials {
  secretAccessKey: string
  /** Required to be echoed in x-amz-security-token when present (temporary credentials). */
  sessionToken?: string
  expiration?: Date
}

export interface SignedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export type SigV4Result =
  { ok: true; accessKeyId: string } | { ok: false; code: string; message: string; accessKeyId?: string }

const MAX_SKEW_MS = 15 * 60 * 1000
/**
 * AWS region names: a partition prefix, words, a number (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1).
 * Without a fixed `expected.region`, a signature scoped to any such region is verified, so any client set-up works.
 */
export const REGION_SYNTAX = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

/** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes, upper-case hex. */
export function uriEncode(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'))
  } catch {
    return value
  }
}

// Non-S3 services normalise the path and encode each already-encoded segment once more.
function canonicalUri(path: string): string {
  const segments: string[] = []
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue
    if (s === '..') segments.pop()
    else segments.push(s)
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : ''
  return '/' + segments.map(uriEncode).join('/') + trailing
}

function canonicalQuery(query: string): string {
  if (query === '') return ''
  return query
    .split('&')
    .filter(p => p !== '')
    .map(p => {
      const eq = p.indexOf('=')
      const k = eq < 0 ? p : p.slice(0, eq)
      const v = eq < 0 ? '' : p.slice(eq + 1)
      return [uriEncode(safeDecode(k)), uriEncode(safeDecode(v))]
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  if (v === undefined) return undefined
  return Array.isArray(v) ? v.join(',') : v
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request')
}

export function canonicalRequest(req: SignedRequest, signedHeaders: string[], payloadHash: string): string {
  const q = req.url.indexOf('?')
  const path = q < 0 ? req.url : req.url.slice(0, q)
  const query = q < 0 ? '' : req.url.slice(q + 1)
  const headerLines = signedHeaders.map(
    h => `${h}:${(headerValue(req.headers, h) ?? '').replace(/\s+/g, ' ').trim()}`
  )
  return [
    req.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    headerLines.join('\n') + '\n',
    signedHeaders.join(';'),
    payloadHash
  ].join('\n')
}

function amzDateToMs(d: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(d)
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

export function verifySigV4(
  req: SignedRequest,
  expected: { region?: string; service: string },
  lookup: (accessKeyId: string) => SigningCredentials | undefined,
  now: number = Date.now()
): SigV4Result {
  const auth = headerValue(req.headers, 'authorization')
  if (!auth)
    return { ok: false, code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }
  const space = auth.indexOf(' ')
  const algorithm = space < 0 ? auth : auth.slice(0, space)
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    return {
      ok: false,
      code: 'IncompleteSignatureException',
      message: `Unsupported AWS 'algorithm': '${algorithm}'`
    }
  }
  const params: Record<string, string> = {}
  for (const part of auth.slice(space + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  for (const p of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!params[p]) {
      return {
        ok: false,
        code: 'IncompleteSignatureException',
        message: `Authorization header requires '${p}' parameter. Authorization=${auth}`
      }
    }
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = params.Credential.split('/')
  if (!terminator || rest.length > 0) {
    return {
      ok: false,
      code: 'IncompleteSignatureException',
      message: `Credential is malformed: ${params.Credential}`
    }
  }
  const date = headerValue(req.headers, 'x-amz-date')
  if (!date) {
    return {
      ok: false,
      code: 'IncompleteSignatureException',
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    }
  }
  const creds = lookup(accessKeyId)
  const invalidToken = { ok: false as const, accessKeyId, code: 'UnrecognizedClientException' }
  const tokenMsg = 'The security token included in the request is invalid.'
  if (!creds) return { ...invalidToken, message: tokenMsg }
  if ((headerValue(req.headers, 'x-amz-security-token') ?? '') !== (creds.sessionToken ?? '')) {
    return { ...invalidToken, message: tokenMsg }
  }
  if (creds.expiration && creds.expiration.getTime() <= now) {
    return {
      ok: false,
      accessKeyId,
      code: 'ExpiredTokenException',
      message: 'The security token included in the request is expired'
    }
  }
  const bad = (message: string): SigV4Result => ({
    ok: false,
    accessKeyId,
    code: 'InvalidSignatureException',
    message
  })
  if (terminator !== 'aws4_request') {
    return bad(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `)
  }
  if (service !== expected.service)
    return bad(`Credential should be scoped to correct service: '${expected.service}'. `)
  if (expected.region !== undefined ? region !== expected.region : !REGION_SYNTAX.test(region)) {
    const allowed =
      expected.region !== undefined
        ? `this endpoint verifies signatures for region '${expected.region}' only`
        : "any region in AWS's syntax is accepted (lower-case words joined by '-', ending in a number: " +
          'us-east-1, eu-west-1, us-gov-west-1, eusc-de-east-1)'
    return bad(`Credential should be scoped to a valid region, not '${region}'. [emulator: ${allowed}]`)
  }
  if (scopeDate !== date.slice(0, 8)) {
    return bad(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${date.slice(0, 8)}', from '${date}'.`
    )
  }
  const signedAt = amzDateToMs(date)
  if (Number.isNaN(signedAt)) return bad(`Invalid X-Amz-Date '${date}'`)
  if (signedAt < now - MAX_SKEW_MS) {
    return bad(
      `Signature expired: ${date} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`
    )
  }
  if (signedAt > now + MAX_SKEW_MS) {
    return bad(
      `Signature not yet current: ${date} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`
    )
  }
  const signedHeaders = params.SignedHeaders.split(';')
  if (!signedHeaders.includes('host')) {
    return {
      ok: false,
      accessKeyId,
      code: 'IncompleteSignatureException',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    }
  }
  const sorted = [...signedHeaders].sort()
  if (sorted.join(';') !== signedHeaders.join(';') || signedHeaders.some(h => h !== h.toLowerCase())) {
    return bad(MISMATCH)
  }
  const bodyHash = sha256Hex(req.body)
  const declared = headerValue(req.headers, 'x-amz-content-sha256')
  if (declared !== undefined && declared !== bodyHash && declared !== 'UNSIGNED-PAYLOAD') {
    return bad("The provided 'x-amz-content-sha256' header does not match what was computed.")
  }
  const creq = canonicalRequest(req, signedHeaders, declared ?? bodyHash)
  const scope = `${scopeDate}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(creq)].join('\n')
  const expectedSig = hmac(signingKey(creds.secretAccessKey, scopeDate, region, service), stringToSign)
  const given = Buffer.from(params.Signature, 'hex')
  if (given.length !== expectedSig.length || !timingSafeEqual(given, expectedSig)) return bad(MISMATCH)
  return { ok: true, accessKeyId }
}
