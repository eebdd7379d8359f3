import type { BuildMiddleware } from '@smithy/types'
import type { AnyPluggable } from './clients.ts'
import { UserError } from '../errors.ts'

// A web identity token and the credentials STS returns must never cross a network in clear text. Plain http
// stays allowed on loopback (the local emulator, a local proxy sidecar).

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** Throws before sending when the endpoint is plain http to a host other than loopback. */
export function requireHttps(url: URL | { protocol: string; hostname: string }, what: string): void {
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new UserError(
      `Refusing to send ${what} over plain http to ${url.hostname}: it carries secrets. Use an https:// endpoint ` +
        '(check AWS_ENDPOINT_URL* and endpoint_url in the AWS config file), or a loopback address for local tests.'
    )
  }
}

export function httpsOnlyPlugin(what: string): AnyPluggable {
  const check: BuildMiddleware<object, object> = next => async args => {
    requireHttps(args.request as { protocol: string; hostname: string }, what)
    return next(args)
  }
  return {
    applyToStack(stack) {
      stack.add(check, { step: 'build', name: 'bridgeHttpsOnly' })
    }
  }
}
