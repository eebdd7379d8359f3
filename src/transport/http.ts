import type { Agent, IncomingHttpHeaders } from 'node:http'

// HTTP exchanges over node:http or node:https, whichever the endpoint needs, loaded on first use: the AWS
// SDK and fetch (undici) cost more to load than this action's whole start-up budget. Shared by the AWS client
// (src/aws) and the OIDC token request (src/github/oidc.ts); what is worth retrying at the service level is
// theirs to say, only the connection failures are classified here.

/** Kept equal to package.json's version by a test. */
export const USER_AGENT = 'codepipeline-github-actions-bridge/1.0.0'

/** Long enough for any answer from AWS or GitHub; short enough that a hung connection is retried. */
export const DEFAULT_TIMEOUT_MS = 30_000

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

const EXCERPT_LENGTH = 200

/**
 * The start of a response body for an error message, whitespace collapsed, at most 200 characters and an
 * ellipsis when cut: enough to recognise a proxy's or load balancer's page. Never use it on a successful
 * answer, which may hold credentials.
 */
export function bodyExcerpt(body: string): string {
  const characters = Array.from(body.replace(/\s+/g, ' ').trim())
  return characters.length <= EXCERPT_LENGTH
    ? characters.join('')
    : `${characters.slice(0, EXCERPT_LENGTH).join('')}…`
}

/** No response arrived in time; `code` makes it retryable like any dropped connection. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
  readonly code = 'ETIMEDOUT'
}

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'])

/** No complete answer: refused, reset or dropped connection, or no response in time. */
export function isConnectionFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    (typeof message === 'string' && /socket hang up/i.test(message))
  )
}

type RequestFunction = typeof import('node:http').request

/** Requests to one endpoint over kept-alive connections, until destroy(). */
export class HttpConnection {
  readonly endpoint: URL
  private readonly timeoutMs: number
  private requestFunction?: Promise<RequestFunction>
  private agent?: Agent

  constructor(endpoint: URL, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.endpoint = endpoint
    this.timeoutMs = timeoutMs
  }

  /** To the endpoint URL itself; host and user-agent are added (Node adds content-length for the body). */
  async request(method: string, headers: Record<string, string>, body = ''): Promise<HttpResponse> {
    const request = await (this.requestFunction ??= this.load())
    const url = this.endpoint
    return new Promise((resolve, reject) => {
      const req = request(
        {
          method,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port,
          path: url.pathname + url.search,
          agent: this.agent,
          headers: {
            host: url.host,
            'user-agent': USER_AGENT,
            ...headers
          }
        },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', fail)
          res.on('end', () => {
            clearTimeout(timer)
            const text = Buffer.concat(chunks).toString('utf8')
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text })
          })
        }
      )
      // A whole-exchange deadline: a socket idle timeout would not catch a server that trickles bytes.
      const timer = setTimeout(
        () => req.destroy(new TimeoutError(`no response within ${this.timeoutMs / 1000} s`)),
        this.timeoutMs
      )
      function fail(error: Error) {
        clearTimeout(timer)
        reject(error)
      }
      req.on('error', fail)
      req.end(body)
    })
  }

  /** Closes the kept-alive sockets, so no connection outlives the action run. */
  destroy(): void {
    this.agent?.destroy()
  }

  private async load(): Promise<RequestFunction> {
    // node:https has node:http's request and Agent, with TLS added; tls is loaded only for https endpoints.
    const transport: { request: RequestFunction; Agent: typeof Agent } =
      this.endpoint.protocol === 'https:' ? await import('node:https') : await import('node:http')
    this.agent = new transport.Agent({ keepAlive: true })
    return transport.request
  }
}
