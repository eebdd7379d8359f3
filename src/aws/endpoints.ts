import { UserError } from '../errors.ts'

// Where each AWS service is reached, honouring the SDK's standard endpoint settings (local emulators,
// VPC endpoints, proxies) in the SDK's order: the service's own variable, then the global one.

export type Service = 'codepipeline' | 'sts'

export function endpointUrl(service: Service, region: string, env: NodeJS.ProcessEnv): URL {
  const specific = `AWS_ENDPOINT_URL_${service.toUpperCase()}`
  const ignored = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true'
  const name = ignored
    ? undefined
    : env[specific]
      ? specific
      : env.AWS_ENDPOINT_URL
        ? 'AWS_ENDPOINT_URL'
        : undefined
  if (!name) {
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
    return new URL(`https://${service}.${region}.${suffix}/`)
  }
  const value = env[name] ?? ''
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UserError(`${name} is "${value}", which is not a URL (for example https://localhost:4566).`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`${name} is "${value}"; use an http:// or https:// URL.`)
  }
  // The requests are signed without a query string (SigV4 would have to cover it), so none is sent.
  url.search = ''
  url.hash = ''
  return url
}
