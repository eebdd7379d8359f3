// S3's REST-XML shapes: the error document and the few result documents the object operations answer with.

/** An S3 error as the service reports it; thrown inside the S3 emulator and turned into the XML reply. */
export class S3Error extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.code = code
    this.fields = fields
  }
}

export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

function xmlUnescape(value: string): string {
  return value
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

export function elements(fields: Record<string, string | number | undefined>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('')
}

export function errorXml(
  code: string,
  message: string,
  requestId: string,
  hostId: string,
  fields = {}
): string {
  return `${DECLARATION}<Error>${elements({ Code: code, Message: message, ...fields, RequestId: requestId, HostId: hostId })}</Error>`
}

export function resultXml(root: string, fields: Record<string, string | number | undefined>): string {
  return `${DECLARATION}<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${elements(fields)}</${root}>`
}

export interface CompletedPart {
  partNumber: number
  etag: string
  checksums: Record<string, string>
}

/** Reads a CompleteMultipartUpload body; undefined when it is not that document. */
export function parseCompleteMultipartUpload(xml: string): CompletedPart[] | undefined {
  const root = /<CompleteMultipartUpload(?:\s[^>]*)?>([\s\S]*)<\/CompleteMultipartUpload>/.exec(xml)
  if (!root) return undefined
  const parts: CompletedPart[] = []
  for (const m of root[1].matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const fields: Record<string, string> = {}
    for (const f of m[1].matchAll(/<(\w+)>([\s\S]*?)<\/\1>/g)) fields[f[1]] = xmlUnescape(f[2].trim())
    const partNumber = Number(fields.PartNumber)
    if (!Number.isInteger(partNumber) || fields.ETag === undefined) return undefined
    const checksums: Record<string, string> = {}
    for (const [k, v] of Object.entries(fields)) if (k.startsWith('Checksum')) checksums[k] = v
    parts.push({ partNumber, etag: fields.ETag, checksums })
  }
  return parts
}
