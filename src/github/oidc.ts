import { withRetry, type Sleep } from '../retry.ts'
import { bodyExcerpt, HttpConnection, isConnectionFailure } from '../transport/http.ts'

// The job's OIDC token from the runner's token service, as @actions/core's getIDToken gets it (which is
// not loaded: it pulls in undici, ~80 ms). The service is only there with `permissions: id-token: write`.

export interface OidcEndpoint {
  url: string
  requestToken: string
}

export interface OidcOptions {
  setSecret: (value: string) => void
  sleep?: Sleep
  /** Per attempt; tests shorten it. */
  timeoutMs?: number
  /** Where the proxy variables are read; default process.env. */
  env?: NodeJS.ProcessEnv
}

/** A refusal by the token service; 502, 503 and 504 are retried. */
export class OidcTokenError extends Error {
  override name = 'OidcTokenError'
  readonly status: number
  constructor(message: string, status: number) {
    super(message)
    this.status = status
  }
}

/** Undefined when the job has no id-token permission (the runner then sets neither variable). */
export function oidcEndpoint(env: NodeJS.ProcessEnv): OidcEndpoint | undefined {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  return url && requestToken ? { url, requestToken } : undefined
}

/** Gets a token for `audience` and masks it before returning it. */
export async function getIDToken(
  endpoint: OidcEndpoint,
  audience: string,
  options: OidcOptions
): Promise<string> {
  // The runner's URL already carries ?api-version=...; @actions/core appends the audience the same way.
  const separator = endpoint.url.includes('?') ? '&' : '?'
  let url: URL
  try {
    url = new URL(`${endpoint.url}${separator}audience=${encodeURIComponent(audience)}`)
  } catch {
    throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL.')
  }
  const connection = new HttpConnection(url, { timeoutMs: options.timeoutMs, env: options.env })
  const headers = { accept: 'application/json', authorization: `Bearer ${endpoint.requestToken}` }
  try {
    // @actions/core's schedule: 11 tries, waits doubling from 10 ms to at most about 5 s.
    const response = await withRetry(
      async () => {
        const answer = await connection.request('GET', headers)
        if (answer.status !== 200)
          throw new OidcTokenError(refusal(answer.status, answer.body), answer.status)
        return answer
      },
      {
        attempts: 11,
        sleep: options.sleep,
        baseDelayMs: 10,
        maxDelayMs: 5120,
        isTransient: error =>
          error instanceof OidcTokenError
            ? [502, 503, 504].includes(error.status)
            : isConnectionFailure(error)
      }
    )
    const token = parseToken(response.body)
    options.setSecret(token)
    return token
  } finally {
    connection.destroy()
  }
}

function parseToken(body: string): string {
  let value: unknown
  try {
    value = (JSON.parse(body) as { value?: unknown } | null)?.value
  } catch {
    // reported below
  }
  if (typeof value !== 'string' || value === '') {
    throw new Error("GitHub's OIDC token service answered without a token.")
  }
  return value
}

function refusal(status: number, body: string): string {
  let message: unknown
  try {
    message = (JSON.parse(body) as { message?: unknown } | null)?.message
  } catch {
    message = bodyExcerpt(body)
  }
  return `GitHub's OIDC token service answered HTTP ${status}${message ? `: ${String(message)}` : ''}.`
}
