// An endpoint whose host name does not exist (getaddrinfo ENOTFOUND) is a setting to fix, not an outage: the host
// is built from aws-region, so a region with the right shape that AWS does not have (eu-wset-1) ends here, and
// so does a mistyped AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL. Waiting or retrying would not help.

/** The SDK's identifier of each service in its endpoint variables (AWS_ENDPOINT_URL_<ID>). */
export type EndpointService = 'CODEPIPELINE' | 'STS' | 'S3'

/** What to check when the request's host does not resolve; undefined for any other failure. */
export function unresolvedHost(error: unknown, service: EndpointService, region: string): string | undefined {
  const e = error as { code?: unknown; hostname?: unknown; message?: unknown } | undefined
  // Node's error has the code and the host name; an error the SDK had to wrap keeps them only in its message.
  const said = /\bgetaddrinfo ENOTFOUND (\S+)/.exec(typeof e?.message === 'string' ? e.message : '')
  if (e?.code !== 'ENOTFOUND' && !said) return undefined
  const host =
    typeof e?.hostname === 'string' && e.hostname ? e.hostname : (said?.[1] ?? "The endpoint's host")
  return (
    `${host} does not exist (DNS has no such name), so nothing was sent: check that aws-region "${region}" is ` +
    `an AWS region (e.g. eu-west-1), and AWS_ENDPOINT_URL_${service} or AWS_ENDPOINT_URL if either is set.`
  )
}
