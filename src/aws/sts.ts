import type { HttpConnection, HttpResponse } from '../transport/http.ts'
import { AwsServiceError, requestIdOf, UNKNOWN_ERROR, unexpectedBody } from './service-error.ts'

// STS AssumeRoleWithWebIdentity over the query protocol: an unsigned form POST (the web identity token is
// the credential) answered in XML. Only the few fields the bridge needs are read.

export interface WebIdentityRequest {
  roleArn: string
  sessionName: string
  durationSeconds: number
  webIdentityToken: string
}

export interface SessionCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

/** One attempt; retries are the caller's. Error answers become AwsServiceError named by STS's Code. */
export async function assumeRoleWithWebIdentity(
  connection: HttpConnection,
  request: WebIdentityRequest
): Promise<SessionCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionName,
    WebIdentityToken: request.webIdentityToken,
    DurationSeconds: String(request.durationSeconds)
  }).toString()
  const response = await connection.request(
    'POST',
    { 'content-type': 'application/x-www-form-urlencoded' },
    body
  )
  if (response.status !== 200) throw stsError(response)
  const credentials = element(response.body, 'Credentials') ?? ''
  const accessKeyId = element(credentials, 'AccessKeyId')
  const secretAccessKey = element(credentials, 'SecretAccessKey')
  const sessionToken = element(credentials, 'SessionToken')
  const expiration = new Date(element(credentials, 'Expiration') ?? '')
  if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration.getTime())) {
    // The body is not quoted: it would hold whatever credentials it does have.
    throw new AwsServiceError(
      UNKNOWN_ERROR,
      'STS answered without complete credentials',
      200,
      requestId(response)
    )
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration }
}

/** `<ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>` */
function stsError(response: HttpResponse): AwsServiceError {
  const error = element(response.body, 'Error') ?? ''
  const code = element(error, 'Code')
  const message = element(error, 'Message') ?? unexpectedBody(response.status, code ? '' : response.body)
  return new AwsServiceError(code || UNKNOWN_ERROR, message, response.status, requestId(response))
}

/** The header, else the body's RequestId (error documents carry one). */
function requestId(response: HttpResponse): string | undefined {
  return requestIdOf(response) ?? element(response.body, 'RequestId')
}

/**
 * The text of the first `<name>` element (attributes ignored), entities and CDATA decoded;
 * enough for STS's flat, well-known documents, not a general XML parser.
 */
export function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`).exec(xml)
  if (!match) return undefined
  const inner = match[1] ?? ''
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(inner)
  return cdata ? cdata[1] : decodeEntities(inner)
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] !== '#') return NAMED[entity] ?? whole
    const code =
      entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1))
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })
}
