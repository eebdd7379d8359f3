import type { Agent, IncomingHttpHeaders, RequestOptions } from 'node:http'
import { proxyFor, proxyRefusal, proxyUnreachable, ProxyError, type Proxy } from './proxy.ts'

// HTTP exchanges over node:http or node:https, whichever the endpoint needs, loaded on first use: the AWS
// SDK and fetch (undici) cost more to load than this action's whole start-up budget. Shared by the AWS client
// (src/aws) and the OIDC token request (src/github/oidc.ts); what is worth retrying at the service level is
// theirs to say, only the connection failures are classified here. Behind a proxy (HTTPS_PROXY and the
// like, see proxy.ts) an http endpoint is asked through the proxy with the absolute URL, an https one through
// a CONNECT tunnel (tunnel.ts, loaded only then).

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

/** A proxy's answers that mean it could not reach the endpoint just now. */
const PROXY_TRANSIENT_STATUS = new Set([502, 503, 504])

/**
 * No complete answer: refused, reset or dropped connection, no response in time, or a proxy that could not
 * reach the endpoint.
 */
export function isConnectionFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    (typeof message === 'string' && /socket hang up/i.test(message)) ||
    (error instanceof ProxyError && PROXY_TRANSIENT_STATUS.has(error.status ?? 0))
  )
}

type RequestFunction = typeof import('node:http').request

interface Route {
  request: RequestFunction
  /** Where the request goes: the endpoint, or the proxy with the endpoint's absolute URL as the path. */
  options: RequestOptions
  /** Proxy-Authorization for a request sent to the proxy itself; a tunnel sends it on CONNECT only. */
  headers: Record<string, string>
  /** The proxy, when the request is sent to it (an http endpoint); its connection errors are named so. */
  proxy?: Proxy
}

export interface ConnectionOptions {
  /** Per request; tests shorten it. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number
  /** Where the proxy variables are read; default process.env. */
  env?: NodeJS.ProcessEnv
}

/** Requests to one endpoint over kept-alive connections, until destroy(). */
export class HttpConnection {
  readonly endpoint: URL
  /** Undefined for a direct connection. A UserError here if a proxy variable is unusable. */
  readonly proxy: Proxy | undefined
  private readonly timeoutMs: number
  private route?: Promise<Route>
  private agent?: Agent

  constructor(endpoint: URL, options: ConnectionOptions = {}) {
    this.endpoint = endpoint
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.proxy = proxyFor(endpoint, options.env ?? process.env)
  }

  /** To the endpoint URL itself; host and user-agent are added (Node adds content-length for the body). */
  async request(method: string, headers: Record<string, string>, body = ''): Promise<HttpResponse> {
    const route = await (this.route ??= this.load())
    const url = this.endpoint
    const proxy = route.proxy
    return new Promise((resolve, reject) => {
      const req = route.request(
        {
          method,
          ...route.options,
          agent: this.agent,
          headers: { host: url.host, 'user-agent': USER_AGENT, ...route.headers, ...headers }
        },
        res => {
          if (proxy && res.statusCode === 407) {
            res.resume()
            return fail(proxyRefusal(proxy, 407, res.statusMessage, url.host))
          }
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
        const { syscall } = error as { syscall?: unknown }
        // Only the proxy is connected to: a refused or unresolvable host is the proxy.
        reject(
          proxy && (syscall === 'connect' || syscall === 'getaddrinfo')
            ? proxyUnreachable(proxy, url.host, error)
            : error
        )
      }
      req.on('error', fail)
      req.end(body)
    })
  }

  /** Closes the kept-alive sockets (and tunnels being opened), so no connection outlives the action run. */
  destroy(): void {
    this.agent?.destroy()
  }

  // node:https has node:http's request and Agent, with TLS added; tls is loaded only when a connection is TLS.
  private async load(): Promise<Route> {
    const url = this.endpoint
    const proxy = this.proxy
    const direct = { protocol: url.protocol, ...hostAndPort(url), path: url.pathname + url.search }
    if (proxy && url.protocol === 'https:') {
      const [{ TunnelAgent }, https] = await Promise.all([import('./tunnel.ts'), import('node:https')])
      this.agent = new TunnelAgent(proxy, this.timeoutMs)
      return { request: https.request, options: direct, headers: {} }
    }
    const through = proxy?.url ?? url
    const transport: { request: RequestFunction; Agent: typeof Agent } =
      through.protocol === 'https:' ? await import('node:https') : await import('node:http')
    this.agent = new transport.Agent({ keepAlive: true })
    if (!proxy) return { request: transport.request, options: direct, headers: {} }
    return {
      request: transport.request,
      options: {
        protocol: proxy.url.protocol,
        ...hostAndPort(proxy.url),
        // The absolute form, which tells the proxy where to forward; never the endpoint's user:password.
        path: `${url.protocol}//${url.host}${url.pathname}${url.search}`
      },
      headers: proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {},
      proxy
    }
  }
}

/** For node:http(s) options: an IPv6 address without brackets, the scheme's port when the URL has none. */
export function hostAndPort(url: URL): { hostname: string; port: number } {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  return { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port }
}
