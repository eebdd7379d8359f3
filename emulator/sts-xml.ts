import type { Reply } from './http.ts'
import type { IssuedCredentials } from './sts.ts'

// The query protocol's XML, element for element as protocols.md lists it; the SDK parses these by name.

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/'
const ERROR_STATUS: Record<string, number> = { AccessDenied: 403 }

function xmlEscape(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c
  )
}

export function stsError(
  code: string,
  message: string,
  requestId: string,
  status?: number,
  type = 'Sender'
): Reply {
  return {
    status: status ?? ERROR_STATUS[code] ?? 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type>` +
      `<Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`
  }
}

export function webIdentityResponse(
  creds: IssuedCredentials,
  extra: { assumedRoleId: string; provider: string; requestId: string }
): Reply {
  const x = xmlEscape
  const body =
    `<AssumeRoleWithWebIdentityResponse xmlns="${NS}"><AssumeRoleWithWebIdentityResult><Credentials>` +
    `<AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${x(creds.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${x(creds.sessionToken)}</SessionToken>` +
    // AWS writes whole seconds.
    `<Expiration>${creds.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration></Credentials>` +
    `<SubjectFromWebIdentityToken>${x(creds.subject)}</SubjectFromWebIdentityToken>` +
    `<AssumedRoleUser><AssumedRoleId>${x(extra.assumedRoleId)}</AssumedRoleId>` +
    `<Arn>${x(creds.assumedRoleArn)}</Arn></AssumedRoleUser>` +
    `<Provider>${x(extra.provider)}</Provider><Audience>${x(creds.audience)}</Audience>` +
    `</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${extra.requestId}</RequestId>` +
    `</ResponseMetadata></AssumeRoleWithWebIdentityResponse>`
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': extra.requestId }, body }
}
