// What an AccessDenied from STS needs next to the trust policy it failed: the claims the policy tests, as this
// job's token carries them. Claims are not secret (GitHub documents them, and they name the repository, ref and
// environment); the token is, and nothing here returns or prints any part of it but these claims.

export interface TokenClaims {
  /** The issuer, e.g. https://token.actions.githubusercontent.com; its host and path prefix the condition keys. */
  iss?: string
  sub?: string
  aud: string[]
}

/** The payload's iss, sub and aud, read without checking the signature (STS checks it); empty if unreadable. */
export function tokenClaims(token: string): TokenClaims {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
  } catch {
    return { aud: [] }
  }
  if (payload === null || typeof payload !== 'object') return { aud: [] }
  const { iss, sub, aud } = payload as Record<string, unknown>
  const text = (v: unknown) => (typeof v === 'string' && v.length <= 1000 ? v : undefined)
  const audiences = (Array.isArray(aud) ? aud : [aud]).map(text).filter(a => a !== undefined)
  return { iss: text(iss), sub: text(sub), aud: audiences }
}

/** The prefix of the trust policy's condition keys: the issuer without https:// (token.actions.githubusercontent.com). */
export function conditionKeyPrefix(claims: TokenClaims): string | undefined {
  return claims.iss?.replace(/^https:\/\//, '')
}
