// SigV4 as S3 checks it, written from the AWS "Authenticating Requests (AWS Signature Version 4)" pages for
// Amazon S3: the path is encoded once and never normalised, x-amz-content-sha256 is required and stands for
// the payload in the canonical request, every x-amz-* header must be signed, and a chunked upload chains a
// signature per chunk (and one for its trailer) from the seed signature of the headers.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { sha256Hex, signingKey, uriEncode } from './sigv4.ts'

export const EMPTY_SHA256 = sha256Hex('')
const MAX_SKEW_MS = 15 * 60 * 1000

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
const PAYLOAD_MODES = [
  UNSIGNED_PAYLOAD,
  STREAMING_UNSIGNED_TRAILER,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER
]

export interface S3SigningSecret {
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/** What a chunked body needs to check its chunk signatures. */
export interface S3SigningContext {
  accessKeyId: string
  amzDate: string
  scope: string
  key: Buffer
  seedSignature: string
  /** The x-amz-content-sha256 value: a hex digest or one of the payload modes above. */
  payload: string
}

export interface S3AuthFailure {
  ok: false
  status: number
  code: string
  message: string
  accessKeyId?: string
  /** Extra elements of the error document (Region, HeadersNotSigned, StringToSign, …). */
  fields?: Record<string, string>
}

export type S3AuthResult = { ok: true; context: S3SigningContext } | S3AuthFailure

interface RequestParts {
  method: string
  url: string
  headers: IncomingHttpHeaders
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  if (v === undefined) return undefined
  return Array.isArray(v) ? v.join(',') : v
}

function decode(value: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? value.replace(/\+/g, '%20') : value)
  } catch {
    return value
  }
}

/** S3 keeps the path as it is (no `.`/`..` or `//` folding) and encodes each segment exactly once. */
export function s3CanonicalUri(path: string): string {
  return path
    .split('/')
    .map(s => uriEncode(decode(s, false)))
    .join('/')
}

function canonicalQuery(query: string): string {
  return query
    .split('&')
    .filter(p => p !== '')
    .map(p => {
      const eq = p.indexOf('=')
      return [
        uriEncode(decode(eq < 0 ? p : p.slice(0, eq), true)),
        uriEncode(decode(eq < 0 ? '' : p.slice(eq + 1), true))
      ]
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

export function s3CanonicalRequest(req: RequestParts, signedHeaders: string[], payload: string): string {
  const q = req.url.indexOf('?')
  const path = q < 0 ? req.url : req.url.slice(0, q)
  const query = q < 0 ? '' : req.url.slice(q + 1)
  const lines = signedHeaders.map(h => `${h}:${(header(req.headers, h) ?? '').replace(/\s+/g, ' ').trim()}`)
  return [
    req.method.toUpperCase(),
    s3CanonicalUri(path),
    canonicalQuery(query),
    lines.join('\n') + '\n',
    signedHeaders.join(';'),
    payload
  ].join('\n')
}

function amzDateToMs(d: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(d)
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === 32 && y.length === 32 && /^[0-9a-f]{64}$/.test(a) && timingSafeEqual(x, y)
}

export function isPayloadMode(value: string): boolean {
  return PAYLOAD_MODES.includes(value) || /^[0-9a-f]{64}$/.test(value)
}

/**
 * Checks an Authorization-header SigV4 request the way S3 does and answers with S3's error codes. `lookup`
 * resolves an access key id to its secret; callers decide afterwards whether that principal may do the
 * operation (a valid signature from a principal without permission is AccessDenied, not a signing error).
 */
export function verifyS3Request(
  req: RequestParts,
  expected: { region: string },
  lookup: (accessKeyId: string) => S3SigningSecret | undefined,
  now: number = Date.now()
): S3AuthResult {
  const auth = header(req.headers, 'authorization') ?? ''
  const malformed = (message: string, fields?: Record<string, string>): S3AuthFailure => ({
    ok: false,
    status: 400,
    code: 'AuthorizationHeaderMalformed',
    message,
    fields
  })
  const space = auth.indexOf(' ')
  const algorithm = space < 0 ? auth : auth.slice(0, space)
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    return {
      ok: false,
      status: 400,
      code: 'InvalidArgument',
      message: 'Unsupported Authorization Type',
      fields: { ArgumentName: 'Authorization', ArgumentValue: algorithm }
    }
  }
  const params: Record<string, string> = {}
  for (const part of auth.slice(space + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  for (const p of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!params[p]) return malformed(`The authorization header is malformed; missing ${p}.`)
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = params.Credential.split('/')
  if (!terminator || rest.length > 0) {
    return malformed(
      `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
    )
  }
  if (region !== expected.region) {
    return malformed(
      `The authorization header is malformed; the region '${region}' is wrong; expecting '${expected.region}'`,
      { Region: expected.region }
    )
  }
  if (service !== 's3') {
    return malformed(
      `The authorization header is malformed; incorrect service '${service}'. This endpoint belongs to 's3'.`
    )
  }
  if (terminator !== 'aws4_request') {
    return malformed(
      `The authorization header is malformed; incorrect terminal '${terminator}'. This endpoint uses 'aws4_request'.`
    )
  }
  const amzDate = header(req.headers, 'x-amz-date')
  if (!amzDate) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'AWS authentication requires a valid Date or x-amz-date header'
    }
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return malformed(
      `The authorization header is malformed; Invalid credential date "${scopeDate}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`
    )
  }
  const signedAt = amzDateToMs(amzDate)
  if (Number.isNaN(signedAt)) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'AWS authentication requires a valid Date or x-amz-date header'
    }
  }
  if (Math.abs(signedAt - now) > MAX_SKEW_MS) {
    return {
      ok: false,
      status: 403,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      accessKeyId,
      fields: {
        RequestTime: amzDate,
        ServerTime: new Date(now).toISOString(),
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS)
      }
    }
  }
  const payload = header(req.headers, 'x-amz-content-sha256')
  if (payload === undefined) {
    return {
      ok: false,
      status: 400,
      code: 'InvalidRequest',
      message: 'Missing required header for this request: x-amz-content-sha256',
      accessKeyId
    }
  }
  if (!isPayloadMode(payload)) {
    return {
      ok: false,
      status: 400,
      code: 'InvalidArgument',
      message:
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, ' +
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.',
      accessKeyId,
      fields: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payload }
    }
  }
  const signedHeaders = params.SignedHeaders.split(';')
  const unsigned = Object.keys(req.headers).filter(h => h.startsWith('x-amz-') && !signedHeaders.includes(h))
  if (unsigned.length > 0) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
      accessKeyId,
      fields: { HeadersNotSigned: unsigned.join(', ') }
    }
  }
  if (!signedHeaders.includes('host')) {
    return malformed(
      "The authorization header is malformed; 'Host' must be a 'SignedHeader' in the AWS Authorization."
    )
  }
  const secret = lookup(accessKeyId)
  if (!secret) {
    return {
      ok: false,
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      accessKeyId,
      fields: { AWSAccessKeyId: accessKeyId }
    }
  }
  if ((header(req.headers, 'x-amz-security-token') ?? '') !== (secret.sessionToken ?? '')) {
    return {
      ok: false,
      status: 400,
      code: 'InvalidToken',
      message: 'The provided token is malformed or otherwise invalid.',
      accessKeyId
    }
  }
  const creq = s3CanonicalRequest(req, signedHeaders, payload)
  const scope = `${scopeDate}/${region}/s3/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(creq)].join('\n')
  const key = signingKey(secret.secretAccessKey, scopeDate, region, 's3')
  const expectedSig = hmac(key, stringToSign).toString('hex')
  if (!sameHex(params.Signature, expectedSig)) {
    return {
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      accessKeyId,
      fields: {
        AWSAccessKeyId: accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: params.Signature,
        CanonicalRequest: creq
      }
    }
  }
  if (secret.expiration && secret.expiration.getTime() <= now) {
    return {
      ok: false,
      status: 400,
      code: 'ExpiredToken',
      message: 'The provided token has expired.',
      accessKeyId
    }
  }
  return {
    ok: true,
    context: { accessKeyId, amzDate, scope, key, seedSignature: expectedSig, payload }
  }
}

/** The signature of one chunk of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body. */
export function chunkSignature(ctx: S3SigningContext, previous: string, chunkSha256Hex: string): string {
  const stringToSign = [
    'AWS4-HMAC-SHA256-PAYLOAD',
    ctx.amzDate,
    ctx.scope,
    previous,
    EMPTY_SHA256,
    chunkSha256Hex
  ].join('\n')
  return hmac(ctx.key, stringToSign).toString('hex')
}

/** The signature of the trailer chunk (`name:value\n` lines) of a ...-PAYLOAD-TRAILER body. */
export function trailerSignature(ctx: S3SigningContext, previous: string, trailer: string): string {
  const stringToSign = [
    'AWS4-HMAC-SHA256-TRAILER',
    ctx.amzDate,
    ctx.scope,
    previous,
    sha256Hex(trailer)
  ].join('\n')
  return hmac(ctx.key, stringToSign).toString('hex')
}

export function signaturesMatch(a: string, b: string): boolean {
  return sameHex(a.toLowerCase(), b.toLowerCase())
}

/** The access key id named in a SigV4 Authorization header, even when the request fails to verify. */
export function accessKeyOf(headers: IncomingHttpHeaders): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(header(headers, 'authorization') ?? '')?.[1]
}
