import { UserError } from '../errors.ts'
import { setSecret } from '../runner.ts'

// Which proxy, if any, a request goes through: the variables a self-hosted runner behind a proxy sets, read
// as @actions/http-client reads them (so these calls take the same way as Octokit's):
// - https_proxy or HTTPS_PROXY for https endpoints, http_proxy or HTTP_PROXY for http ones, lower case first;
// - never for loopback hosts (localhost, 127.*, [::1]);
// - no_proxy or NO_PROXY: comma-separated entries, each `*`, a host (which also covers its subdomains), a
//   `.suffix`, or either with `:port`; case-insensitive.
// Two additions: `*.suffix` means `.suffix` (curl and Go read it so), and a value without a scheme
// (proxy.example.com:3128) is an http:// proxy, where http-client would silently use no proxy.
// Pure string work on purpose: nothing here loads a module, so the no-proxy path costs nothing.

export interface Proxy {
  /** Scheme, host and port only: the credentials are in `authorization`, never here. */
  url: URL
  /** The variable it came from, for messages. */
  variable: string
  /** `Basic …` from the URL's user:password, percent-decoded. */
  authorization?: string
}

/** A proxy that refused or could not be reached; names the proxy by host and variable, never its credentials. */
export class ProxyError extends Error {
  override name = 'ProxyError'
  /** The underlying connection error's code (ECONNREFUSED, ...), so retries treat it as that failure. */
  readonly code: string | undefined
  /** The proxy's HTTP status, when it answered. */
  readonly status: number | undefined

  constructor(message: string, options: { code?: string; status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.code = options.code
    this.status = options.status
  }
}

/** How messages name a proxy: `proxy.example.com:3128 (from HTTPS_PROXY)`. */
export function describeProxy(proxy: Proxy): string {
  return `${proxy.url.host} (from ${proxy.variable})`
}

/** The proxy answered other than 200 to CONNECT, or 407 to a request. 502, 503 and 504 are retried. */
export function proxyRefusal(
  proxy: Proxy,
  status: number,
  statusMessage: string | undefined,
  target: string
): ProxyError {
  const hint =
    status === 407
      ? proxy.authorization
        ? `; check the user name and password in ${proxy.variable}`
        : `; it wants credentials: put them in ${proxy.variable} (http://user:password@host:port)`
      : ''
  return new ProxyError(
    `The proxy ${describeProxy(proxy)} refused to connect to ${target}: HTTP ${status}` +
      `${statusMessage ? ` ${statusMessage}` : ''}${hint}.`,
    { status }
  )
}

/** A connection error on the way to or through the proxy; keeps the code so retries see the same failure. */
export function proxyUnreachable(proxy: Proxy, target: string, error: Error): ProxyError {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown }
  const message =
    syscall === 'connect' || syscall === 'getaddrinfo'
      ? `Could not connect to the proxy ${describeProxy(proxy)}: ${error.message}`
      : `The connection to ${target} through the proxy ${describeProxy(proxy)} failed: ${error.message}`
  return new ProxyError(message, { code: typeof code === 'string' ? code : undefined, cause: error })
}

/** The proxy for `target`, undefined for a direct connection. Throws a UserError for an unusable value. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): Proxy | undefined {
  if (bypassesProxy(target, env)) return undefined
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find(name => env[name])
  return variable ? parseProxy(env[variable] ?? '', variable) : undefined
}

export function bypassesProxy(target: URL, env: NodeJS.ProcessEnv): boolean {
  const host = target.hostname.toUpperCase()
  if (!host) return false
  if (host === 'LOCALHOST' || host.startsWith('127.') || host === '[::1]') return true
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const candidates = [host, `${host}:${port}`]
  return (env.no_proxy || env.NO_PROXY || '')
    .split(',')
    .map(entry => entry.trim().toUpperCase())
    .filter(entry => entry !== '')
    .some(entry => {
      if (entry === '*') return true
      const name = entry.startsWith('*.') ? entry.slice(1) : entry
      return candidates.some(
        candidate =>
          candidate === name ||
          candidate.endsWith(`.${name}`) ||
          (name.startsWith('.') && candidate.endsWith(name))
      )
    })
}

/** The value is never quoted in an error: it may hold a password. */
function parseProxy(value: string, variable: string): Proxy {
  const text = value.trim()
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`)
  } catch {
    throw new UserError(
      `${variable} is not a URL; set it to the proxy, for example http://proxy.example.com:3128.`
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(
      `${variable} names a ${url.protocol.slice(0, -1)}:// proxy; only http:// and https:// proxies are supported.`
    )
  }
  const user = decode(url.username)
  const password = decode(url.password)
  const authorization =
    user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined
  // Never printed by this code; masked in case a library or a debug log ever does.
  for (const secret of [password, authorization?.slice('Basic '.length)]) if (secret) setSecret(secret)
  return { url: new URL(url.origin), variable, authorization }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
