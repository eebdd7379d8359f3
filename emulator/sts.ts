import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { RecordedRequest, Reply, ServiceHandler } from './http.ts'
import { verifyJwt } from './jwt.ts'
import type { OidcProvider } from './oidc.ts'
import { Violations } from './validation.ts'
import { stsError, webIdentityResponse } from './sts-xml.ts'

export interface RoleInit {
  arn: string
  /** Must equal the token's `aud`; default sts.amazonaws.com. */
  audience?: string
  /** Like a StringLike condition on `ISSUER:sub` (`*` and `?` wildcards), or a RegExp. */
  subject?: string | RegExp
  maxSessionDuration?: number
}

export interface Role {
  arn: string
  audience: string
  subject?: string | RegExp
  maxSessionDuration: number
}

export interface IssuedCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
  roleArn: string
  assumedRoleArn: string
  sessionName: string
  durationSeconds: number
  subject: string
  audience: string
}

export interface StaticCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** The IAM identity named in AccessDenied messages; default an IAM user. */
  arn?: string
}

/** What a signed AWS request resolves to; `principals` are the names `deny()` can match. */
export interface Principal {
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
  arn: string
  principals: string[]
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/

function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return prefix + Array.from(randomBytes(length - prefix.length), b => alphabet[b % 32]).join('')
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

export class Sts implements ServiceHandler {
  readonly service = 'sts' as const
  readonly roles: Role[] = []
  readonly issued: IssuedCredentials[] = []
  readonly staticCredentials: StaticCredentials[] = []
  private readonly oidc: OidcProvider

  constructor(oidc: OidcProvider) {
    this.oidc = oidc
  }

  addRole(init: RoleInit): Role {
    if (!ROLE_ARN.test(init.arn)) throw new Error(`not an IAM role ARN: ${init.arn}`)
    const role: Role = {
      arn: init.arn,
      audience: init.audience ?? 'sts.amazonaws.com',
      subject: init.subject,
      maxSessionDuration: init.maxSessionDuration ?? 3600
    }
    this.roles.push(role)
    return role
  }

  addStaticCredentials(creds: StaticCredentials): StaticCredentials {
    this.staticCredentials.push(creds)
    return creds
  }

  /** Makes issued credentials expire now, to test what the caller does with ExpiredTokenException. */
  expire(accessKeyId: string): void {
    const c = this.issued.find(i => i.accessKeyId === accessKeyId)
    if (!c) throw new Error(`no issued credentials ${accessKeyId}`)
    c.expiration = new Date(Date.now() - 1000)
  }

  principal(accessKeyId: string): Principal | undefined {
    const issued = this.issued.find(i => i.accessKeyId === accessKeyId)
    if (issued) {
      return {
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        expiration: issued.expiration,
        arn: issued.assumedRoleArn,
        principals: [accessKeyId, issued.roleArn, issued.assumedRoleArn]
      }
    }
    const s = this.staticCredentials.find(c => c.accessKeyId === accessKeyId)
    if (!s) return undefined
    const arn = s.arn ?? 'arn:aws:iam::123456789012:user/emulator-user'
    return { secretAccessKey: s.secretAccessKey, arn, principals: [accessKeyId, arn] }
  }

  identify(req: IncomingMessage, raw: string): { operation: string; body: unknown } {
    const params: Record<string, string> = {}
    const query = new URL(req.url ?? '/', 'http://x').searchParams
    for (const [k, v] of query) params[k] = v
    for (const [k, v] of new URLSearchParams(raw)) params[k] = v
    return { operation: params.Action ?? '', body: params }
  }

  handle(_req: IncomingMessage, record: RecordedRequest): Reply {
    const p = record.body as Record<string, string>
    const rid = record.requestId
    if (p.Action !== 'AssumeRoleWithWebIdentity') {
      return stsError(
        'InvalidAction',
        `Could not find operation ${p.Action ?? ''} for version ${p.Version ?? ''}`,
        rid
      )
    }
    const v = new Violations()
    v.string(p.RoleArn, 'roleArn', { min: 20, max: 2048, required: true })
    v.string(p.RoleSessionName, 'roleSessionName', {
      min: 2,
      max: 64,
      pattern: '[\\w+=,.@-]*',
      required: true
    })
    v.string(p.WebIdentityToken, 'webIdentityToken', { min: 4, max: 20000, required: true })
    v.string(p.Policy, 'policy', { min: 1, max: 2048 })
    const duration = p.DurationSeconds === undefined ? undefined : Number(p.DurationSeconds)
    v.integer(duration, 'durationSeconds', { min: 900, max: 43200 })
    if (v.message) return stsError('ValidationError', v.message, rid)

    const check = verifyJwt(p.WebIdentityToken, this.oidc.secret)
    if (!check.ok && check.reason === 'malformed') {
      return stsError('InvalidIdentityToken', "Couldn't parse the web identity token", rid)
    }
    const claims = check.payload ?? {}
    // The account has one OIDC provider: the issuer's the emulator plays (github.com's unless told otherwise).
    if (claims.iss !== this.oidc.issuer) {
      return stsError(
        'InvalidIdentityToken',
        `No OpenIDConnect provider found in your account for ${String(claims.iss)}`,
        rid
      )
    }
    if (!check.ok) {
      return stsError(
        'InvalidIdentityToken',
        'The web identity token that was passed could not be validated by AWS',
        rid
      )
    }
    const nowSec = Math.floor(Date.now() / 1000)
    if (typeof claims.exp !== 'number' || claims.exp <= nowSec) {
      return stsError(
        'ExpiredTokenException',
        `Token expired: current date/time ${nowSec} must be before the expiration date/time${String(claims.exp)}`,
        rid
      )
    }
    const denied = 'Not authorized to perform sts:AssumeRoleWithWebIdentity'
    const role = this.roles.find(r => r.arn === p.RoleArn)
    if (!role) return stsError('AccessDenied', denied, rid)
    const auds = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)]
    if (!auds.includes(role.audience))
      return stsError('InvalidIdentityToken', 'Incorrect token audience', rid)
    const sub = String(claims.sub)
    if (role.subject !== undefined) {
      const re = typeof role.subject === 'string' ? likeToRegExp(role.subject) : role.subject
      if (!re.test(sub)) return stsError('AccessDenied', denied, rid)
    }
    const seconds = duration ?? 3600
    if (seconds > role.maxSessionDuration) {
      return stsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        rid
      )
    }
    const [, account, roleName] = ROLE_ARN.exec(role.arn) ?? []
    const creds: IssuedCredentials = {
      accessKeyId: randomId('ASIA', 20),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: 'IQoJb3JpZ2luX2VjE' + randomBytes(120).toString('base64'),
      expiration: new Date((nowSec + seconds) * 1000),
      roleArn: role.arn,
      assumedRoleArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${p.RoleSessionName}`,
      sessionName: p.RoleSessionName,
      durationSeconds: seconds,
      subject: sub,
      audience: role.audience
    }
    this.issued.push(creds)
    record.accessKeyId = creds.accessKeyId
    return webIdentityResponse(creds, {
      assumedRoleId: `${randomId('AROA', 21)}:${creds.sessionName}`,
      provider: `arn:aws:iam::${account}:oidc-provider/${this.oidc.issuer.replace(/^https:\/\//, '')}`,
      requestId: rid
    })
  }

  fault(kind: 'throttle' | 'server-error', record: RecordedRequest, status?: number): Reply {
    return kind === 'throttle'
      ? stsError('Throttling', 'Rate exceeded', record.requestId, status ?? 400)
      : stsError(
          'InternalFailure',
          'An internal error occurred.',
          record.requestId,
          status ?? 500,
          'Receiver'
        )
  }
}
