import type { Agent, IncomingHttpHeaders } from 'node:http'

// One HTTP exchange at a time over node:http or node:https, whichever the endpoint needs, loaded on first
// use: the AWS SDK and fetch (undici) cost more to load than this action's whole start-up budget.

/** Kept equal to package.json's version by a test. */
export const USER_AGENT = 'codepipeline-github-actions-bridge/1.0.0'

/** Long enough for any answer from AWS or GitHub; short enough that a hung connection is retried. */
export const DEFAULT_TIMEOUT_MS = 30_000

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** No response arrived in time; `code` makes it retryable like any dropped connection. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
  readonly code = 'ETIMEDOUT'
}

interface Transport {
  request: typeof import('node:http').request
  Agent: typeof Agent
}

/** Requests to one endpoint over kept-alive connections, until destroy(). */
export class HttpConnection {
  readonly endpoint: URL
  private readonly timeoutMs: number
  private transport?: Promise<{ request: Transport['request']; agent: Agent }>
  private agent?: Agent

  constructor(endpoint: URL, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.endpoint = endpoint
    this.timeoutMs = timeoutMs
  }

  /** To the endpoint URL itself; host and user-agent are added (Node adds content-length for the body). */
  async request(method: string, headers: Record<string, string>, body = ''): Promise<HttpResponse> {
    const { request, agent } = await (this.transport ??= this.load())
    const url = this.endpoint
    return new Promise((resolve, reject) => {
      const req = request(
        {
          method,
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port,
          path: url.pathname + url.search,
          agent,
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

  /** Closes kept-alive sockets so the process can exit at once. */
  destroy(): void {
    this.agent?.destroy()
  }

  private async load() {
    const module: Transport =
      this.endpoint.protocol === 'https:' ? await import('node:https') : await import('node:http')
    this.agent = new module.Agent({ keepAlive: true })
    return { request: module.request, agent: this.agent }
  }
}
