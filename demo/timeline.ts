// Turns what the emulator received into timeline lines a person can read: who called which API with what,
// and what came back. Only fields known to be harmless are printed; tokens, keys and signatures never are.
import { stripVTControlCharacters, styleText } from 'node:util'
import type { Emulator, RecordedRequest, S3Request, SseHeaders } from '../emulator/index.ts'

type Style = Parameters<typeof styleText>[0]

export class Printer {
  readonly lines: string[] = []
  private readonly write: (line: string) => void
  private readonly color: boolean

  constructor(write: (line: string) => void, color: boolean) {
    this.write = write
    this.color = color
  }

  paint(style: Style, text: string): string {
    return this.color ? styleText(style, text, { validateStream: false }) : text
  }

  line(text = ''): void {
    this.lines.push(text)
    this.write(text)
  }

  /** Everything printed so far, without colours: what the secret check scans. */
  get text(): string {
    return stripVTControlCharacters(this.lines.join('\n'))
  }
}

/** The first block of a job ID: enough to tell the demo's jobs apart on one screen. */
export const short = (id: string): string => id.split('-')[0]

const SERVICE_NAMES: Record<RecordedRequest['service'], string> = {
  codepipeline: 'CodePipeline',
  sts: 'STS',
  github: 'GitHub',
  oidc: 'OIDC',
  s3: 'S3'
}

function quoteText(text: unknown, max = 160): string {
  const s = String(text)
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s)
}

/** One line per request, in the words of the API. */
export function describe(emu: Emulator, request: RecordedRequest, oidcIndex: { next: number }): string {
  const body = (request.body ?? {}) as Record<string, unknown>
  switch (request.service) {
    case 'oidc': {
      const issued = request.status === 200 ? emu.oidc.issued[oidcIndex.next++] : undefined
      return issued
        ? `ID token for audience ${issued.audience} (sub ${String(issued.claims.sub)})`
        : 'ID token request'
    }
    case 'sts':
      return `${request.operation} ${String(body.RoleArn)} as ${String(body.RoleSessionName)}`
    case 'github': {
      const detail =
        request.method === 'POST' && body.ref !== undefined
          ? ` ref ${String(body.ref)}, inputs ${JSON.stringify(body.inputs ?? {})}`
          : ''
      return `${request.method} ${request.path}${detail}`
    }
    case 'codepipeline':
      return (
        refusedResult(emu, request, body) ??
        `${request.operation} ${codePipelineDetail(request.operation, body)}`
      )
    case 's3':
      return describeS3(emu, request as S3Request)
  }
}

/** How a stored object is encrypted, in a few words. */
export function sseName(sse: SseHeaders): string {
  return sse.serverSideEncryption === 'aws:kms'
    ? `SSE-KMS ${kmsKeyName(sse.kmsKeyId)}`
    : `SSE ${sse.serverSideEncryption ?? 'none sent (S3 applies AES256)'}`
}

/** The key's own part of a KMS ARN (`key/<id>`): enough to recognise it on one line. */
export function kmsKeyName(id: string | undefined): string {
  if (!id) return "(the account's AWS managed key)"
  return id.includes(':') ? id.slice(id.lastIndexOf(':') + 1) : id
}

/** One S3 request, in the words of the API: the object, the bytes, the encryption asked for, who signed. */
function describeS3(emu: Emulator, request: S3Request): string {
  const url = request.bucket ? `s3://${request.bucket}/${request.key ?? ''}` : request.path
  const parts: string[] = []
  const part = /[?&]partNumber=(\d+)/.exec(request.path)?.[1]
  if (part) parts.push(`part ${part}`)
  if (request.bytes !== undefined && request.operation !== 'CompleteMultipartUpload')
    parts.push(`${request.bytes} bytes`)
  const sse = request.headers['x-amz-server-side-encryption']
  if (sse) {
    const keyId = request.headers['x-amz-server-side-encryption-aws-kms-key-id']
    parts.push(`SSE ${String(sse)} ${kmsKeyName(typeof keyId === 'string' ? keyId : undefined)}`)
  } else if (request.operation === 'GetObject' || request.operation === 'HeadObject') {
    const stored = request.bucket && request.key ? emu.s3.object(request.bucket, request.key) : undefined
    if (stored) parts.push(`stored ${sseName(stored.sse)}`)
  }
  if (request.jobId) parts.push(`signed with job ${short(request.jobId)}'s artifactCredentials`)
  if (request.errorCode) parts.push(request.errorCode)
  return `${request.operation} ${url}${parts.length ? `, ${parts.join(', ')}` : ''}`
}

const ANSWERED = ['Succeeded', 'Failed', 'TimedOut', 'Abandoned']

/**
 * A result CodePipeline refused because the job already had its answer (or was given up on): the poll action sends
 * one for each run it finds ended, and a refusal is its expected, silent outcome. Said in a few words, without the
 * message that was not recorded.
 */
function refusedResult(
  emu: Emulator,
  request: RecordedRequest,
  body: Record<string, unknown>
): string | undefined {
  if (!request.operation.startsWith('PutJob') || request.status !== 400 || typeof body.jobId !== 'string')
    return undefined
  const job = emu.codepipeline.job(body.jobId)
  if (!job || !ANSWERED.includes(job.state) || job.lastUpdateTime > request.at) return undefined
  const type = (body.failureDetails as Record<string, unknown> | undefined)?.type
  return (
    `${request.operation} job ${short(job.id)}${type ? `, ${String(type)}` : ''} ` +
    `(refused: the job is already ${job.state}; nothing changes)`
  )
}

function codePipelineDetail(operation: string, body: Record<string, unknown>): string {
  const job = typeof body.jobId === 'string' ? `job ${short(body.jobId)}` : ''
  switch (operation) {
    case 'PollForJobs': {
      const t = body.actionTypeId as Record<string, string>
      return `${t.category}/${t.owner}/${t.provider}/${t.version}, up to ${String(body.maxBatchSize)} jobs`
    }
    case 'PutJobSuccessResult': {
      const d = (body.executionDetails ?? {}) as Record<string, unknown>
      const parts = [job]
      if (d.summary !== undefined) parts.push(`summary ${quoteText(d.summary)}`)
      if (d.percentComplete !== undefined) parts.push(`${String(d.percentComplete)} %`)
      if (body.continuationToken !== undefined)
        parts.push(`continuationToken ${quoteText(body.continuationToken)}`)
      return parts.join(', ')
    }
    case 'PutJobFailureResult': {
      const d = (body.failureDetails ?? {}) as Record<string, unknown>
      return `${job}, ${String(d.type)}: ${quoteText(d.message, 400)}`
    }
    case 'ListActionExecutions': {
      const f = (body.filter ?? {}) as Record<string, unknown>
      const execution =
        typeof f.pipelineExecutionId === 'string' ? `, execution ${short(f.pipelineExecutionId)}` : ''
      return `pipeline ${String(body.pipelineName)}${execution}`
    }
    default:
      // AcknowledgeJob's nonce only proves ownership; it is no secret, but it is noise.
      return job
  }
}

/** Prints the requests the emulator received since `from`, one line each with the answer's status. */
export function printRequests(
  out: Printer,
  emu: Emulator,
  from: number,
  oidcIndex: { next: number },
  indent = '     '
): void {
  for (const request of emu.requests.slice(from)) {
    const service = SERVICE_NAMES[request.service].padEnd(12)
    const ok = request.status >= 200 && request.status < 300
    const status = out.paint(ok ? 'green' : 'red', `← ${request.status || 'no answer'}`)
    out.line(
      `${indent}${out.paint('dim', '→')} ${out.paint('cyan', service)} ${describe(emu, request, oidcIndex)} ${status}`
    )
  }
}

/** The action's log as the runner shows it: workflow commands rendered, masked values replaced by ***. */
export function printActionLog(out: Printer, stdout: string, masked: string[], indent = '     '): void {
  const secrets = masked.filter(Boolean).sort((a, b) => b.length - a.length)
  const mask = (text: string): string => secrets.reduce((t, s) => t.split(s).join('***'), text)
  for (const raw of stdout.split(/\r?\n/)) {
    if (raw === '') continue
    const command = /^::([\w-]+)(?: [^:]*)?::(.*)$/.exec(raw)
    if (command && !['error', 'warning', 'notice'].includes(command[1])) continue // add-mask, debug, group, ...
    const text = command
      ? `${command[1][0].toUpperCase()}${command[1].slice(1)}: ${unescapeCommand(command[2])}`
      : raw
    const style: Style = command?.[1] === 'error' ? 'red' : command?.[1] === 'warning' ? 'yellow' : 'dim'
    for (const piece of text.split('\n')) {
      out.line(`${indent}${out.paint('dim', '│')} ${out.paint(style, mask(piece))}`)
    }
  }
}

function unescapeCommand(message: string): string {
  return message.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

/**
 * Prints the rows of the job summary's "Runs started earlier" table that name `jobId`, as the Markdown the step
 * wrote, and returns them.
 */
export function printSummaryRows(out: Printer, summary: string, jobId: string, indent = '     '): string[] {
  const section = summary.slice(Math.max(summary.indexOf('### Runs started earlier'), 0))
  const rows = section.split('\n').filter(line => line.startsWith('|') && line.includes(jobId))
  out.line(`${indent}${out.paint('dim', 'job summary, "Runs started earlier":')}`)
  for (const row of rows) out.line(`${indent}${out.paint('dim', '▤')} ${out.paint('dim', row)}`)
  return rows
}
