// What an EventBridge API destination sends and how it retries, shared by the wake-up rule and the stop rule of
// wakeup.ts: the request (its headers and body), one attempt over real HTTP, and which answers are retried.
import { request } from 'node:http'

export const TIMEOUT_MS = 5000
/** API destinations retry these answers (and network failures); any other 4xx is final. */
export const RETRIED = (status: number): boolean => [401, 407, 409, 429].includes(status) || status >= 500

export interface TargetRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  body: string
}

export interface AttemptAnswer {
  /** 0 when no answer came (connection refused or cut, timeout). */
  status: number
  error?: string
  /** GitHub's x-github-request-id: finds the request in `emu.requests`. */
  requestId?: string
}

/** GitHub's workflow_dispatch as the rule's target sends it: the connection's API key and the target's headers. */
export function dispatchRequest(
  apiUrl: string,
  target: { repository: string; workflow: string; token: string },
  body: unknown
): TargetRequest {
  return {
    method: 'POST',
    url:
      `${apiUrl}/repos/${target.repository}/actions/workflows/` +
      `${encodeURIComponent(target.workflow)}/dispatches`,
    headers: {
      'User-Agent': 'Amazon/EventBridge/ApiDestinations',
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      Authorization: `Bearer ${target.token}`
    },
    body: JSON.stringify(body)
  }
}

export function send(req: TargetRequest): Promise<AttemptAnswer> {
  return new Promise(resolve => {
    const body = Buffer.from(req.body, 'utf8')
    // node:http rather than fetch, which would add headers of its own (accept-language, sec-fetch-mode, ...).
    const r = request(
      req.url,
      {
        method: req.method,
        headers: { ...req.headers, 'Content-Length': String(body.length) },
        agent: false,
        timeout: TIMEOUT_MS
      },
      res => {
        res.resume()
        res.on('end', () => {
          const id = res.headers['x-github-request-id']
          resolve({ status: res.statusCode ?? 0, ...(typeof id === 'string' ? { requestId: id } : {}) })
        })
        res.on('error', e => resolve({ status: 0, error: e.message }))
      }
    )
    r.on('timeout', () => r.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)))
    r.on('error', e => resolve({ status: 0, error: e.message }))
    r.end(body)
  })
}
