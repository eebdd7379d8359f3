// Decodes an `aws-chunked` request body as it streams: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` per
// chunk, a zero-size chunk, then trailer lines (`x-amz-checksum-crc32:<base64>`, and for signed trailers
// `x-amz-trailer-signature:<sig>`) and an empty line. Signed chunks are checked against the chain that starts
// at the seed signature of the request's headers. Only the decoded data goes downstream.
import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { chunkSignature, signaturesMatch, trailerSignature } from './s3-sigv4.ts'
import type { S3SigningContext } from './s3-sigv4.ts'
import { S3Error } from './s3-xml.ts'

const MAX_LINE = 4096

export interface ChunkedOptions {
  /** Chunks carry `;chunk-signature=` that must verify (STREAMING-AWS4-HMAC-SHA256-PAYLOAD...). */
  signed: boolean
  /** The trailer carries `x-amz-trailer-signature` that must verify (...-PAYLOAD-TRAILER). */
  signedTrailer: boolean
  context?: S3SigningContext
}

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done'

function mismatch(what: string): S3Error {
  return new S3Error(
    403,
    'SignatureDoesNotMatch',
    `The request signature we calculated does not match the signature you provided (${what}). Check your key and signing method.`
  )
}

function incomplete(detail: string): S3Error {
  return new S3Error(400, 'IncompleteBody', `The request body is not a complete aws-chunked body: ${detail}.`)
}

export class AwsChunkedDecoder extends Transform {
  /** Trailer headers by lower-case name, once the body has ended. */
  readonly trailers: Record<string, string> = {}
  /** Sizes of the data chunks, for tests and diagnostics. */
  readonly chunkSizes: number[] = []
  private readonly options: ChunkedOptions
  private state: State = 'size'
  private line = Buffer.alloc(0)
  private remaining = 0
  private chunkHash: Hash | undefined
  private chunkSig = ''
  private previousSig: string
  private readonly trailerLines: string[] = []

  constructor(options: ChunkedOptions) {
    super()
    this.options = options
    this.previousSig = options.context?.seedSignature ?? ''
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk)
      done()
    } catch (e) {
      done(e as Error)
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.state === 'done' ? undefined : incomplete(`it ended in the middle (${this.state})`))
  }

  private takeLine(buf: Buffer, at: number): { line?: string; next: number } {
    const nl = buf.indexOf(0x0a, at)
    const end = nl < 0 ? buf.length : nl + 1
    this.line = Buffer.concat([this.line, buf.subarray(at, end)])
    if (this.line.length > MAX_LINE) throw incomplete('a chunk header or trailer line is too long')
    if (nl < 0) return { next: end }
    const text = this.line.toString('latin1')
    this.line = Buffer.alloc(0)
    if (!text.endsWith('\r\n')) throw incomplete('a line does not end with CRLF')
    return { line: text.slice(0, -2), next: end }
  }

  private consume(buf: Buffer): void {
    let at = 0
    while (at < buf.length) {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - at)
        const piece = buf.subarray(at, at + n)
        this.chunkHash?.update(piece)
        this.push(piece)
        this.remaining -= n
        at += n
        if (this.remaining === 0) this.endChunk()
        continue
      }
      if (this.state === 'done') return
      const { line, next } = this.takeLine(buf, at)
      at = next
      if (line === undefined) continue
      if (this.state === 'size') this.startChunk(line)
      else if (this.state === 'data-end') {
        if (line !== '') throw incomplete('chunk data is longer than its declared size')
        this.state = 'size'
      } else this.trailerLine(line)
    }
  }

  private startChunk(line: string): void {
    const [sizeHex, ...extensions] = line.split(';')
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeHex)) throw incomplete(`"${line.slice(0, 40)}" is not a chunk header`)
    const size = parseInt(sizeHex, 16)
    const sig = extensions.find(e => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length)
    if (this.options.signed && !sig) throw mismatch('a chunk has no chunk-signature')
    this.chunkSig = sig ?? ''
    this.chunkHash = this.options.signed ? createHash('sha256') : undefined
    if (size === 0) {
      this.endChunk()
      this.state = 'trailer'
      return
    }
    this.chunkSizes.push(size)
    this.remaining = size
    this.state = 'data'
  }

  private endChunk(): void {
    if (this.options.signed && this.options.context) {
      const hash = (this.chunkHash ?? createHash('sha256')).digest('hex')
      const expected = chunkSignature(this.options.context, this.previousSig, hash)
      if (!signaturesMatch(this.chunkSig, expected)) throw mismatch('chunk signature')
      this.previousSig = expected
    }
    this.chunkHash = undefined
    this.state = 'data-end'
  }

  private trailerLine(line: string): void {
    if (line !== '') {
      const colon = line.indexOf(':')
      if (colon <= 0) throw incomplete(`"${line.slice(0, 40)}" is not a trailer`)
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      this.trailers[name] = value
      if (name !== 'x-amz-trailer-signature') this.trailerLines.push(`${name}:${value}\n`)
      return
    }
    if (this.options.signedTrailer && this.options.context) {
      const given = this.trailers['x-amz-trailer-signature']
      if (!given) throw mismatch('the trailer has no x-amz-trailer-signature')
      const expected = trailerSignature(this.options.context, this.previousSig, this.trailerLines.join(''))
      if (!signaturesMatch(given, expected)) throw mismatch('trailer signature')
    }
    this.state = 'done'
  }
}
