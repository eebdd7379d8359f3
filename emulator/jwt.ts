import { createHmac, timingSafeEqual } from 'node:crypto'

// HS256 with a per-emulator secret: STS only has to recognise tokens this emulator issued,
// which is what the real trust between an IAM OIDC provider and GitHub amounts to.

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}

export function signJwt(payload: Record<string, unknown>, secret: Buffer, kid: string): string {
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid }))
  const body = b64url(JSON.stringify(payload))
  const sig = createHmac('sha256', secret).update(`${header}.${body}`).digest()
  return `${header}.${body}.${b64url(sig)}`
}

export type JwtCheck =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'signature'; payload?: Record<string, unknown> }

export function verifyJwt(token: string, secret: Buffer): JwtCheck {
  const parts = token.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'malformed' }
  let payload: Record<string, unknown>
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>
    if (header.alg !== 'HS256' || typeof payload !== 'object' || payload === null)
      return { ok: false, reason: 'malformed' }
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2], 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature', payload }
  }
  return { ok: true, payload }
}

export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
  } catch {
    return undefined
  }
}
