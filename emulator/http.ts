import { randomUUID } from 'node:crypto'
import type { IncomingMessage, IncomingHttpHeaders } from 'node:http'

export type ServiceName = 'codepipeline' | 'sts' | 'github' | 'oidc' | 's3'

export interface RecordedRequest {
  service: ServiceName
  /** X-Amz-Target operation, STS Action, or "METHOD /route/{template}" for GitHub and OIDC */
  operation: string
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** parsed JSON, a form object, or the raw text when it parses as neither */
  body: unknown
  accessKeyId?: string
  /** The region of a SigV4 signature's credential scope, for tests that check what a client signed for. */
  signedRegion?: string
  /** 0 until answered; stays 0 when a `drop` fault cut the connection */
  status: number
  requestId: string
  at: Date
  fault?: string
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
}

/** What each emulated service plugs into the shared server loop. */
export interface ServiceHandler {
  service: ServiceName
  /** Decide the operation before faults are matched, since STS names it inside the body. */
  identify(req: IncomingMessage, raw: string): { operation: string; body: unknown }
  handle(req: IncomingMessage, record: RecordedRequest, raw: string): Reply | Promise<Reply>
  fault(
    kind: 'throttle' | 'server-error',
    record: RecordedRequest,
    status?: number,
    retryAfter?: number
  ): Reply
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export function parseJson(raw: string): unknown {
  if (raw === '') return {}
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value)
  }
}

export function newRequestId(): string {
  return randomUUID()
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
