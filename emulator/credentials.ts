// Which AWS credentials the emulator accepts, and refusals that say what it expected. Every signed service
// (CodePipeline, and any other added later) verifies requests through verifySigned: the signature must be right,
// for a key pair the emulator knows (one its STS issued, or one given on the command line, through the admin API
// or with sts.addStaticCredentials), scoped to any region in AWS's syntax. Secrets never appear in a message.
import type { IncomingMessage } from 'node:http'
import { verifySigV4 } from './sigv4.ts'
import type { SigV4Result } from './sigv4.ts'
import type { Sts } from './sts.ts'

export interface KnownKey {
  accessKeyId: string
  /** `static`: a key pair given to the emulator; `session`: issued by its AssumeRoleWithWebIdentity. */
  kind: 'static' | 'session'
  arn: string
  expiration?: string
}

/** Every key the emulator accepts now (issued sessions until they expire), without secrets. */
export function knownKeys(sts: Sts, now = Date.now()): KnownKey[] {
  const keys: KnownKey[] = sts.staticCredentials.map(c => ({
    accessKeyId: c.accessKeyId,
    kind: 'static',
    arn: c.arn ?? 'arn:aws:iam::123456789012:user/emulator-user'
  }))
  for (const s of sts.issued) {
    if (s.expiration.getTime() <= now) continue
    keys.push({
      accessKeyId: s.accessKeyId,
      kind: 'session',
      arn: s.assumedRoleArn,
      expiration: s.expiration.toISOString()
    })
  }
  return keys
}

const HOW_TO_ADD =
  'add a key pair with `npm run emulator -- --access-key-id <id> --secret-access-key <secret>`, ' +
  'POST /_emulator/credentials {"accessKeyId": ..., "secretAccessKey": ...}, or sts.addStaticCredentials() in a test'

function listKeys(sts: Sts): string {
  const keys = knownKeys(sts)
  const fixed = keys.filter(k => k.kind === 'static').map(k => k.accessKeyId)
  const sessions = keys.filter(k => k.kind === 'session').map(k => k.accessKeyId)
  const parts: string[] = []
  if (fixed.length) parts.push(`the key pair${fixed.length > 1 ? 's' : ''} ${fixed.join(', ')}`)
  if (sessions.length) {
    const shown = sessions.slice(-5).join(', ')
    parts.push(
      `${sessions.length} session key${sessions.length > 1 ? 's' : ''} its STS issued (${sessions.length > 5 ? '…, ' : ''}${shown})`
    )
  }
  return parts.length ? `it knows ${parts.join(' and ')}` : 'it knows no access keys yet'
}

/** The access key and region named in a SigV4 Authorization header, if it has a Credential scope. */
export function credentialScope(
  authorization: string | undefined
): { accessKeyId: string; region: string } | undefined {
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//.exec(authorization ?? '')
  return m ? { accessKeyId: m[1], region: m[2] } : undefined
}

/** Verifies a SigV4-signed request for `service`; a refusal's message ends with what the emulator expected. */
export function verifySigned(
  req: IncomingMessage,
  raw: string,
  service: string,
  sts: Sts
): SigV4Result & { region?: string } {
  const result = verifySigV4(
    { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: raw },
    { service },
    id => sts.principal(id)
  )
  const scope = credentialScope(req.headers.authorization)
  if (result.ok) return { ...result, region: scope?.region }
  const key = result.accessKeyId
  const principal = key ? sts.principal(key) : undefined
  let hint: string | undefined
  if (result.code === 'UnrecognizedClientException' && key && !principal) {
    hint = `access key ${key} is not one the emulator knows: ${listKeys(sts)}; ${HOW_TO_ADD}`
  } else if (result.code === 'UnrecognizedClientException' && principal) {
    hint = principal.sessionToken
      ? `${key} is a session key its STS issued: send that session's token as x-amz-security-token`
      : `${key} is a long-term key pair: it takes no session token (x-amz-security-token)`
  } else if (
    result.code === 'InvalidSignatureException' &&
    result.message.startsWith('The request signature')
  ) {
    hint =
      `the signature was checked with the secret the emulator holds for ${key}, scoped to ` +
      `${scope?.region ?? '?'}/${service}: a different secret for that key, or a request changed after signing, ` +
      'gives this'
  }
  return hint
    ? { ...result, message: `${result.message} [emulator: ${hint}]`, region: scope?.region }
    : result
}
