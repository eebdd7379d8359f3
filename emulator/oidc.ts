import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { json } from './http.ts'
import type { RecordedRequest, Reply, ServiceHandler } from './http.ts'
import { signJwt } from './jwt.ts'

/** github.com's issuer; GHE.com's is https://token.actions.SUBDOMAIN.ghe.com, a Server's https://HOST/_services/token. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'

export interface IssuedIdToken {
  token: string
  audience: string
  claims: Record<string, unknown>
  at: Date
}

/** The runner's ID-token service: what `core.getIDToken()` calls. */
export class OidcProvider implements ServiceHandler {
  readonly service = 'oidc' as const
  readonly secret = randomBytes(32)
  readonly kid = randomBytes(8).toString('hex')
  /** The value of ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken = randomBytes(24).toString('hex')
  subject = 'repo:octo-org/octo-repo:ref:refs/heads/main'
  /** The `iss` of the tokens; STS accepts only this issuer's (the account has its provider). */
  issuer = GITHUB_OIDC_ISSUER
  /** The GitHub web host, whose owner URL is the default audience. */
  serverUrl = 'https://github.com'
  /** Merged over the generated claims, for tests that need an unusual token. */
  claims: Record<string, unknown> = {}
  lifetimeSeconds = 300
  readonly issued: IssuedIdToken[] = []

  /** Mints a token directly, as if a workflow had asked for it. */
  issue(audience?: string): string {
    const now = Math.floor(Date.now() / 1000)
    const repository = /^repo:([^:]+):/.exec(this.subject)?.[1] ?? 'octo-org/octo-repo'
    const owner = repository.split('/')[0]
    const ref = /:ref:(.+)$/.exec(this.subject)?.[1] ?? 'refs/heads/main'
    // GitHub's default audience is the URL of the repository owner.
    const aud = audience ?? `${this.serverUrl}/${owner}`
    const claims: Record<string, unknown> = {
      jti: randomUUID(),
      sub: this.subject,
      aud,
      ref,
      sha: '4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
      repository,
      repository_owner: owner,
      repository_owner_id: '9919',
      repository_id: '123456789',
      repository_visibility: 'private',
      run_id: '1658821493',
      run_number: '42',
      run_attempt: '1',
      actor: 'octocat',
      actor_id: '583231',
      workflow: 'Build',
      workflow_ref: `${repository}/.github/workflows/build.yml@${ref}`,
      job_workflow_ref: `${repository}/.github/workflows/build.yml@${ref}`,
      event_name: 'workflow_dispatch',
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      runner_environment: 'github-hosted',
      iss: this.issuer,
      nbf: now - 600,
      iat: now,
      exp: now + this.lifetimeSeconds,
      ...this.claims
    }
    const token = signJwt(claims, this.secret, this.kid)
    this.issued.push({ token, audience: aud, claims, at: new Date() })
    return token
  }

  identify(req: IncomingMessage): { operation: string; body: unknown } {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    return { operation: `${req.method} ${path}`, body: undefined }
  }

  handle(req: IncomingMessage, _record: RecordedRequest): Reply {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname !== '/oidc/token' || req.method !== 'GET') return json(404, { message: 'Not Found' })
    // Auth schemes are case-insensitive (RFC 9110 section 11.1): `bearer xyz` is as good as `Bearer xyz`.
    const auth = /^bearer +(\S+)$/i.exec(req.headers.authorization ?? '')
    if (auth?.[1] !== this.requestToken) {
      return json(401, {
        message: 'Unauthorized: the ACTIONS_ID_TOKEN_REQUEST_TOKEN bearer token is missing or wrong'
      })
    }
    if (!url.searchParams.get('api-version'))
      return json(400, { message: 'api-version query parameter is required' })
    const audience = url.searchParams.get('audience') ?? undefined
    return json(200, { value: this.issue(audience === '' ? undefined : audience) })
  }

  fault(kind: 'throttle' | 'server-error', _record: RecordedRequest, status?: number): Reply {
    return kind === 'throttle'
      ? json(status ?? 429, { message: 'Too many requests' })
      : json(status ?? 500, { message: 'Internal server error' })
  }
}
