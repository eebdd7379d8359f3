// Receives an S3 request body: straight or aws-chunked, streamed through the digests it must match and on to
// a file (or, for small XML documents, to memory), then checked the way S3 checks it: x-amz-content-sha256,
// x-amz-decoded-content-length, Content-MD5 and the x-amz-checksum-* header or trailer.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Transform, Writable } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AwsChunkedDecoder } from './s3-chunked.ts'
import {
  algorithmOfHeader,
  CHECKSUM_ALGORITHMS,
  checksumHeader,
  checksumLength,
  newChecksum
} from './s3-checksums.ts'
import type { Checksum, ChecksumAlgorithm } from './s3-checksums.ts'
import { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER } from './s3-sigv4.ts'
import type { S3SigningContext } from './s3-sigv4.ts'
import { S3Error } from './s3-xml.ts'

export interface ReceivedBody {
  bytes: number
  md5: Buffer
  /** The checksum the client sent (header or trailer), verified; undefined when it sent none. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string; location: 'header' | 'trailer' }
  /** Our own digests of the data for the algorithms asked for in `compute`. */
  computed: Partial<Record<ChecksumAlgorithm, Buffer>>
  /** aws-chunked details: whether the body was chunked, its chunk sizes and trailers. */
  chunked?: { chunkSizes: number[]; trailers: Record<string, string>; signed: boolean }
  /** The body itself when received to memory. */
  data?: Buffer
}

export interface ReceiveOptions {
  /** Write the decoded body here; removed again if the body fails a check. */
  file?: string
  /** Keep the body in memory instead, refusing anything longer. */
  maxMemoryBytes?: number
  /** Length is mandatory for uploads (411 MissingContentLength), as on S3. */
  requireLength: boolean
  /** Extra algorithms to digest (a multipart upload's algorithm, for its composite checksum). */
  compute?: ChecksumAlgorithm[]
}

/** The client closed the connection before its body was complete: nobody is left to answer. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the request body was complete')
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

function badDigest(algorithm: string): S3Error {
  return new S3Error(
    400,
    'BadDigest',
    `The ${algorithm} you specified did not match the calculated checksum.`
  )
}

/** Which checksum the request promises, before any byte of the body is read. */
function declaredChecksum(headers: IncomingHttpHeaders): {
  algorithm?: ChecksumAlgorithm
  value?: string
  trailer?: string
} {
  const inHeaders = CHECKSUM_ALGORITHMS.filter(a => header(headers, checksumHeader(a)) !== undefined)
  const trailer = header(headers, 'x-amz-trailer')?.trim().toLowerCase()
  if (inHeaders.length + (trailer ? 1 : 0) > 1) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.'
    )
  }
  const sdkAlgorithm = header(headers, 'x-amz-sdk-checksum-algorithm')
  if (trailer) {
    const algorithm = algorithmOfHeader(trailer)
    if (!algorithm) {
      throw new S3Error(
        400,
        'InvalidRequest',
        `The value specified in the x-amz-trailer header is not supported`
      )
    }
    return { algorithm, trailer }
  }
  if (inHeaders.length === 1) {
    const algorithm = inHeaders[0]
    const value = header(headers, checksumHeader(algorithm)) ?? ''
    if (
      Buffer.from(value, 'base64').length !== checksumLength(algorithm) ||
      !/^[A-Za-z0-9+/]+=*$/.test(value)
    ) {
      throw new S3Error(400, 'InvalidRequest', `Value for ${checksumHeader(algorithm)} header is invalid.`)
    }
    return { algorithm, value }
  }
  if (sdkAlgorithm !== undefined) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.'
    )
  }
  return {}
}

class Meter extends Transform {
  bytes = 0
  private readonly md5 = createHash('md5')
  private readonly sha256: ReturnType<typeof createHash> | undefined
  private readonly checksums = new Map<ChecksumAlgorithm, Checksum>()
  private readonly limit: number | undefined

  constructor(algorithms: ChecksumAlgorithm[], sha256: boolean, limit: number | undefined) {
    super()
    for (const a of algorithms) this.checksums.set(a, newChecksum(a))
    this.sha256 = sha256 ? createHash('sha256') : undefined
    this.limit = limit
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length
    if (this.limit !== undefined && this.bytes > this.limit) {
      done(new S3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.'))
      return
    }
    this.md5.update(chunk)
    this.sha256?.update(chunk)
    for (const c of this.checksums.values()) c.update(chunk)
    done(null, chunk)
  }

  results(): { md5: Buffer; sha256?: string; checksums: Partial<Record<ChecksumAlgorithm, Buffer>> } {
    const checksums: Partial<Record<ChecksumAlgorithm, Buffer>> = {}
    for (const [a, c] of this.checksums) checksums[a] = c.digest()
    return { md5: this.md5.digest(), sha256: this.sha256?.digest('hex'), checksums }
  }
}

class Collector extends Writable {
  readonly chunks: Buffer[] = []
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.chunks.push(chunk)
    done()
  }
}

/** Reads the whole body of `req` under the rules above; throws S3Error for what S3 would refuse. */
export async function receiveBody(
  req: IncomingMessage,
  context: S3SigningContext,
  options: ReceiveOptions
): Promise<ReceivedBody> {
  const payload = context.payload
  const streaming = payload.startsWith('STREAMING-')
  const lengthHeader = header(req.headers, streaming ? 'x-amz-decoded-content-length' : 'content-length')
  if (options.requireLength && lengthHeader === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.')
  }
  const declared = declaredChecksum(req.headers)
  if (declared.trailer && !streaming) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'x-amz-trailer is only accepted with an aws-chunked body (a STREAMING-* x-amz-content-sha256).'
    )
  }
  const algorithms = new Set<ChecksumAlgorithm>(options.compute ?? [])
  if (declared.algorithm) algorithms.add(declared.algorithm)
  const hexPayload = /^[0-9a-f]{64}$/.test(payload)
  const meter = new Meter([...algorithms], hexPayload, options.maxMemoryBytes)
  const decoder = streaming
    ? new AwsChunkedDecoder({
        signed: payload === STREAMING_SIGNED || payload === STREAMING_SIGNED_TRAILER,
        signedTrailer: payload === STREAMING_SIGNED_TRAILER,
        context
      })
    : undefined
  const collector = options.file === undefined ? new Collector() : undefined
  const sink = options.file === undefined ? collector! : createWriteStream(options.file)
  // `req` stays out of the pipeline so a failed check does not destroy the socket: the rest of the body is
  // drained and S3's error document still reaches the client.
  const first = decoder ?? meter
  const flowing = decoder ? pipeline(decoder, meter, sink) : pipeline(meter, sink)
  const onClose = (): void => {
    if (!req.complete) first.destroy(new ClientGone())
  }
  req.once('close', onClose)
  req.pipe(first)
  try {
    try {
      await flowing
    } finally {
      req.off('close', onClose)
      req.unpipe(first)
      req.resume()
    }
    const { md5, sha256, checksums } = meter.results()
    if (hexPayload && sha256 !== payload) {
      throw new S3Error(
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        { ClientComputedContentSHA256: payload, S3ComputedContentSHA256: sha256 ?? '' }
      )
    }
    if (streaming && lengthHeader !== undefined && Number(lengthHeader) !== meter.bytes) {
      throw new S3Error(
        400,
        'IncompleteBody',
        `You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header (${lengthHeader}); the chunks held ${meter.bytes}.`
      )
    }
    const contentMd5 = header(req.headers, 'content-md5')
    if (contentMd5 !== undefined && contentMd5 !== md5.toString('base64')) {
      throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
    }
    let checksum: ReceivedBody['checksum']
    if (declared.algorithm) {
      const value = declared.trailer ? decoder?.trailers[declared.trailer] : declared.value
      if (value === undefined) {
        throw new S3Error(
          400,
          'InvalidRequest',
          `The x-amz-trailer header named ${declared.trailer}, but the body carried no such trailer.`
        )
      }
      if (value !== checksums[declared.algorithm]?.toString('base64')) throw badDigest(declared.algorithm)
      checksum = {
        algorithm: declared.algorithm,
        value,
        location: declared.trailer ? 'trailer' : 'header'
      }
    }
    return {
      bytes: meter.bytes,
      md5,
      checksum,
      computed: checksums,
      chunked: decoder && {
        chunkSizes: decoder.chunkSizes,
        trailers: decoder.trailers,
        signed: payload.startsWith('STREAMING-AWS4')
      },
      data: collector && Buffer.concat(collector.chunks)
    }
  } catch (e) {
    if (options.file !== undefined) await unlink(options.file).catch(() => undefined)
    throw e
  }
}
