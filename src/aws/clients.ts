import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types'
import { proxyConfigured } from '../proxy-env.ts'
import { attemptsPlugin } from './attempts.ts'
import { httpsOnlyPlugin } from './https-only.ts'
import type { AwsSettings } from './settings.ts'

// The one place AWS clients are made: region, credentials, retries (the SDK's standard mode, max-attempts),
// timeouts and proxies. Endpoints are the SDK's own (AWS_ENDPOINT_URL_<SERVICE>, endpoint_url in the config
// file, FIPS and dual-stack settings).

/** Per attempt: a connection that does not open, or an answer that does not come, is retried. */
const CONNECTION_TIMEOUT_MS = 10_000
const REQUEST_TIMEOUT_MS = 30_000

export interface ClientOptions {
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider
  /** A service's own transient error names, beyond the SDK's (STS: IDPCommunicationError). */
  alsoRetry?: readonly string[]
  /** Names the service in the refusal of a plain-http endpoint; set for requests that carry or return secrets. */
  httpsOnly?: string
  /** One service's own client settings (S3's forcePathStyle); the factory's own settings always win. */
  serviceConfig?: Record<string, unknown>
}

// Every SDK client's middleware stack takes plugins typed for its own service's inputs and outputs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluggable = Pluggable<any, any>

interface SdkClient {
  middlewareStack: { use(plugin: AnyPluggable): void }
}

/** Makes an SDK client of any service with the bridge's settings. */
export async function createClient<C extends SdkClient>(
  Client: new (...config: [never]) => C,
  settings: AwsSettings,
  options: ClientOptions = {}
): Promise<C> {
  const [{ NodeHttpHandler }, { StandardRetryStrategy }] = await Promise.all([
    import('@smithy/node-http-handler'),
    import('@smithy/core/retry')
  ])
  // Proxy-aware agents only when a proxy is set; otherwise the SDK's own keep-alive agents.
  const agents = proxyConfigured() ? await (await import('./proxy-agent.ts')).proxyAgents() : {}
  const standard = new StandardRetryStrategy(settings.maxAttempts)
  const config = {
    ...options.serviceConfig,
    region: settings.region,
    credentials: options.credentials,
    maxAttempts: settings.maxAttempts,
    retryStrategy: alsoRetrying(standard, new Set(options.alsoRetry)),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      ...agents
    })
  }
  const client = new Client(config as never)
  client.middlewareStack.use(attemptsPlugin)
  if (options.httpsOnly) client.middlewareStack.use(httpsOnlyPlugin(options.httpsOnly))
  return client
}

/** The standard strategy, which also takes the named errors as transient (same backoff, same retry quota). */
function alsoRetrying(standard: RetryStrategyV2, names: Set<string>): RetryStrategyV2 {
  if (!names.size) return standard
  return {
    acquireInitialRetryToken: scope => standard.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token, info: RetryErrorInfo) =>
      standard.refreshRetryTokenForRetry(
        token,
        names.has((info.error as Error | undefined)?.name ?? '') ? { ...info, errorType: 'TRANSIENT' } : info
      ),
    recordSuccess: (token: StandardRetryToken) => standard.recordSuccess(token)
  }
}
