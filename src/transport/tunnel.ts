import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { hostAndPort, TimeoutError, USER_AGENT } from './http.ts'
import { describeProxy, proxyRefusal, proxyUnreachable, type Proxy } from './proxy.ts'

// https through a proxy: an HTTP CONNECT tunnel to the endpoint, then TLS over it, end to end with the
// endpoint (SNI and certificate checked against the endpoint's name, not the proxy's). An https.Agent whose
// connections are tunnels, so kept-alive connections are reused as usual, each one tunnel to one endpoint.
// Loaded only when a proxy applies to an https endpoint.

type Callback = (error: Error | null, socket: Duplex) => void

export class TunnelAgent extends Agent {
  private readonly proxy: Proxy
  private readonly timeoutMs: number
  private readonly pending = new Set<ClientRequest>()

  constructor(proxy: Proxy, timeoutMs: number) {
    super({ keepAlive: true })
    this.proxy = proxy
    this.timeoutMs = timeoutMs
  }

  override createConnection(options: RequestOptions, callback?: Callback): undefined {
    const done = callback ?? (() => {})
    const host = options.host ?? options.hostname ?? 'localhost'
    const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`
    const proxy = this.proxy
    const send = proxy.url.protocol === 'https:' ? httpsRequest : httpRequest
    const connect = send({
      method: 'CONNECT',
      ...hostAndPort(proxy.url),
      path: target,
      agent: false,
      headers: {
        host: target,
        'user-agent': USER_AGENT,
        ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {})
      }
    })
    this.pending.add(connect)
    const timer = setTimeout(
      () =>
        connect.destroy(
          new TimeoutError(
            `the proxy ${describeProxy(proxy)} did not answer within ${this.timeoutMs / 1000} s`
          )
        ),
      this.timeoutMs
    )
    let settled = false
    const settle = (error: Error | null, socket?: Duplex) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      this.pending.delete(connect)
      // Node's callback ignores the socket when there is an error.
      done(error, socket as Duplex)
    }
    // Node emits 'connect' for every answer to CONNECT, a refusal too.
    connect.once('connect', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      if (res.statusCode !== 200) {
        socket.destroy()
        return settle(proxyRefusal(proxy, res.statusCode ?? 0, res.statusMessage, target))
      }
      if (head.length > 0) socket.unshift(head)
      // https.Agent's own connection: TLS with the endpoint's servername and the session cache, over the tunnel.
      settle(null, super.createConnection({ ...options, socket } as RequestOptions) as Duplex)
    })
    connect.once('error', error =>
      settle(error instanceof TimeoutError ? error : proxyUnreachable(proxy, target, error))
    )
    connect.end()
    return undefined
  }

  /** Also abandons tunnels still being opened. */
  override destroy(): void {
    for (const connect of this.pending) connect.destroy()
    this.pending.clear()
    super.destroy()
  }
}
