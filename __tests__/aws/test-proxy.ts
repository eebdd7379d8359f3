// A forward proxy for the tests, in front of the emulator. The endpoints are named *.proxy.test, which no
// resolver knows: a call can only succeed through this proxy, which routes `<service>.proxy.test:<port>` to the
// emulator's 127.0.0.1:<port>. It forwards absolute-form requests (http endpoints), and for https endpoints it
// answers CONNECT and then plays the endpoint's TLS side itself, with a certificate made for those names.
import { createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import type { Emulator } from '../../emulator/index.ts'

/** The names the test certificate covers: the endpoints, and `localhost` for the proxy itself over TLS. */
export const PROXY_NAMES = ['codepipeline.proxy.test', 'sts.proxy.test', 'oidc.proxy.test', 'localhost']

export interface Seen {
  method: string
  /** The absolute URL, or host:port for CONNECT. */
  target: string
  headers: IncomingHttpHeaders
  /** The SNI name the client sent inside the tunnel. */
  servername?: string | false | null
}

export class TestProxy {
  readonly seen: Seen[] = []
  /** Proxy-Authorization the proxy insists on (407 otherwise). */
  requireAuthorization?: string
  /** A status to refuse CONNECT with. */
  refuseConnect?: number
  readonly server: Server
  /** The scheme the proxy itself is spoken to with. */
  readonly scheme: 'http' | 'https'
  private readonly sockets = new Set<Socket>()

  /** With `overTls`, an https:// proxy (TLS to the proxy, then CONNECT or the absolute form inside). */
  constructor(tls: { key: string; cert: string }, overTls = false) {
    this.scheme = overTls ? 'https' : 'http'
    const handle: RequestListener = (req, res) => {
      this.seen.push({ method: req.method ?? '', target: req.url ?? '', headers: req.headers })
      if (!this.authorized(req.headers)) {
        res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' })
        return void res.end()
      }
      const target = new URL(req.url ?? '')
      const headers = { ...req.headers }
      delete headers['proxy-authorization']
      const upstream = request(
        {
          host: '127.0.0.1',
          port: target.port,
          method: req.method,
          path: target.pathname + target.search,
          headers
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
    }
    this.server = overTls ? createTlsServer(tls, handle) : createServer(handle)
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    this.server.on('connect', (req, socket: Socket) => {
      const seen: Seen = { method: 'CONNECT', target: req.url ?? '', headers: req.headers }
      this.seen.push(seen)
      socket.on('error', () => {})
      if (!this.authorized(req.headers)) {
        return void socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n')
      }
      if (this.refuseConnect) {
        return void socket.end(`HTTP/1.1 ${this.refuseConnect} Refused\r\nContent-Length: 0\r\n\r\n`)
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      const secure = new TLSSocket(socket, { isServer: true, ...tls })
      secure.on('error', () => {})
      secure.once('secure', () => (seen.servername = secure.servername))
      const upstream = connect(Number(seen.target.split(':').pop()), '127.0.0.1')
      upstream.on('error', () => secure.destroy())
      secure.pipe(upstream).pipe(secure)
    })
  }

  private authorized(headers: IncomingHttpHeaders): boolean {
    return !this.requireAuthorization || headers['proxy-authorization'] === this.requireAuthorization
  }

  /** host:port; `localhost` for a TLS proxy, the name its certificate has. */
  async listen(): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
    const host = this.scheme === 'https' ? 'localhost' : '127.0.0.1'
    return `${host}:${(this.server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise(resolve => this.server.close(resolve))
  }
}

/** The emulator's endpoints under *.proxy.test names, over `scheme`, plus `extra` (the proxy variables). */
export function proxiedEnv(
  emu: Emulator,
  scheme: 'http' | 'https',
  extra: NodeJS.ProcessEnv = {}
): Record<string, string> {
  const port = (url: string) => new URL(url).port
  const env: NodeJS.ProcessEnv = {
    ...emu.env,
    AWS_ENDPOINT_URL_CODEPIPELINE: `${scheme}://codepipeline.proxy.test:${port(emu.urls.codepipeline)}`,
    AWS_ENDPOINT_URL_STS: `${scheme}://sts.proxy.test:${port(emu.urls.sts)}`,
    ACTIONS_ID_TOKEN_REQUEST_URL: `${scheme}://oidc.proxy.test:${port(emu.urls.oidc)}/oidc/token?api-version=2.0`,
    ...extra
  }
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))
}
