import type { Agent as HttpAgent, ClientRequest } from 'node:http'
import { Agent, type AgentConnectOpts } from 'agent-base'
import { getProxyUrl } from '@actions/http-client'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'

// Self-hosted runners often sit behind a proxy. @actions/core and Octokit already honour HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY through @actions/http-client; the AWS SDK does not, so its requests get this agent.
// It decides per request with @actions/http-client's own rules (loopback never proxied), so all three agree on
// which host goes through which proxy; the maintained proxy agents do the CONNECT tunnel and the absolute form.

class EnvironmentProxyAgent extends Agent {
  private readonly direct: HttpAgent
  private readonly proxied = new Map<string, HttpAgent>()

  constructor(direct: HttpAgent) {
    super({ keepAlive: true })
    this.direct = direct
  }

  connect(_request: ClientRequest, options: AgentConnectOpts): HttpAgent {
    const scheme = options.secureEndpoint ? 'https' : 'http'
    const proxy = getProxyUrl(`${scheme}://${options.host}:${options.port}`)
    if (!proxy) return this.direct
    const key = `${scheme} ${proxy}`
    let agent = this.proxied.get(key)
    if (!agent) {
      agent = options.secureEndpoint
        ? new HttpsProxyAgent(proxy, { keepAlive: true })
        : new HttpProxyAgent(proxy, { keepAlive: true })
      this.proxied.set(key, agent)
    }
    return agent
  }
}

/** Agents for the SDK's NodeHttpHandler that follow the proxy variables. */
export async function proxyAgents(): Promise<{ httpAgent: HttpAgent; httpsAgent: HttpAgent }> {
  const [http, https] = await Promise.all([import('node:http'), import('node:https')])
  return {
    httpAgent: new EnvironmentProxyAgent(new http.Agent({ keepAlive: true })),
    httpsAgent: new EnvironmentProxyAgent(new https.Agent({ keepAlive: true }))
  }
}
