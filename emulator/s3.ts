// The pipeline's artifact store: S3 object operations, path-style (`/<bucket>/<key>`), on a server of their own
// because bodies stream to disk instead of through the shared in-memory request loop. Only a job's artifact
// credentials may use it, and only for that job's artifacts; every other signer is refused and remembered.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync } from 'node:fs'
import { copyFile, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Job } from './codepipeline-jobs.ts'
import type { Faults } from './faults.ts'
import { sleep } from './http.ts'
import type { RecordedRequest } from './http.ts'
import { ClientGone, receiveBody } from './s3-body.ts'
import { CHECKSUM_ALGORITHMS, checksumHeader, newChecksum } from './s3-checksums.ts'
import type { ChecksumAlgorithm } from './s3-checksums.ts'
import { accessKeyOf, verifyS3Request } from './s3-sigv4.ts'
import type { S3SigningContext, S3SigningSecret } from './s3-sigv4.ts'
import { errorXml, parseCompleteMultipartUpload, resultXml, S3Error } from './s3-xml.ts'
import type { Principal } from './sts.ts'

export const SUPPORTED_OPERATIONS = [
  'PutObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'GetObject',
  'HeadObject',
  'CopyObject'
] as const
export type S3Operation = (typeof SUPPORTED_OPERATIONS)[number]

const MIN_PART_BYTES = 5 * 1024 * 1024
/** CopyObject's limit: larger objects are copied in parts (UploadPartCopy), which the emulator does not serve. */
const MAX_COPY_BYTES = 5 * 1024 ** 3
const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse']

/** The encryption headers of an upload exactly as the client sent them (CreateMultipartUpload for multipart). */
export interface SseHeaders {
  /** `x-amz-server-side-encryption`; absent when the upload sent none (S3 then applies the bucket default, AES256). */
  serverSideEncryption?: string
  /** `x-amz-server-side-encryption-aws-kms-key-id`. */
  kmsKeyId?: string
}

export interface StoredObject {
  bucket: string
  key: string
  size: number
  /** Quoted, as S3 sends it: MD5 of the data, or MD5 of the part MD5s plus `-<parts>` for multipart uploads. */
  etag: string
  contentType: string
  contentEncoding?: string
  metadata: Record<string, string>
  sse: SseHeaders
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type: 'FULL_OBJECT' | 'COMPOSITE' }
  /** The data on disk, inside the emulator's temporary directory; replaced (and deleted) when the key is overwritten. */
  path: string
  lastModified: Date
  /** Absent for objects the emulator stored itself (input artifacts). */
  uploadedBy?: { accessKeyId: string; jobId?: string; requestId: string }
  /** Set for objects made by CompleteMultipartUpload. */
  parts?: number
}

export type CredentialKind = 'artifact' | 'sts-session' | 'static' | 'unknown' | 'anonymous'

export interface S3Refusal {
  requestId: string
  at: Date
  operation: string
  bucket?: string
  key?: string
  accessKeyId?: string
  /** What signed the request: a job's artifact credentials, STS session or static credentials the emulator knows (the reporter role's, say), a key it has never issued, or nothing. */
  credentials: CredentialKind
  principalArn?: string
  jobId?: string
  status: number
  code: string
  message: string
}

export interface S3Request extends RecordedRequest {
  bucket?: string
  key?: string
  /** The job whose artifact credentials signed the request. */
  jobId?: string
  /** Decoded body bytes received (uploads) or body bytes sent (GetObject). */
  bytes?: number
  /** S3 error code of the answer, if it was an error. */
  errorCode?: string
  /** For uploads: how the body came (aws-chunked chunk sizes, trailers) and the checksum that was verified. */
  upload?: {
    chunked?: { chunkSizes: number[]; trailers: Record<string, string>; signed: boolean }
    checksum?: { algorithm: ChecksumAlgorithm; value: string; location: 'header' | 'trailer' }
  }
}

export interface BucketOptions {
  /**
   * Refuse PutObject and CreateMultipartUpload without `x-amz-server-side-encryption: aws:kms` (403 AccessDenied,
   * an explicit deny in the bucket policy, like the DenyUnEncryptedObjectUploads statement of CodePipeline's
   * artifact bucket); a string also requires that KMS key (id or ARN).
   */
  requireKms?: boolean | string
}

export interface S3Options {
  region: string
  accountId: string
  faults: Faults
  /** The emulator's shared request log; S3 requests are appended to it too. */
  requests: RecordedRequest[]
  jobs: { readonly jobs: readonly Job[] }
  principals: { principal(accessKeyId: string): Principal | undefined }
  latencyMs?: number
}

interface Upload {
  id: string
  bucket: string
  key: string
  sse: SseHeaders
  contentType: string
  contentEncoding?: string
  metadata: Record<string, string>
  checksum?: { algorithm: ChecksumAlgorithm; type: 'FULL_OBJECT' | 'COMPOSITE' }
  parts: Map<number, Part>
  initiatedBy: string
}

interface Part {
  number: number
  path: string
  size: number
  md5: Buffer
  digest?: Buffer
}

interface Caller {
  accessKeyId: string
  context: S3SigningContext
  jobs: Job[]
}

interface Reply {
  status: number
  headers: Record<string, string>
  body?: string
  file?: { path: string; start: number; end: number }
}

const ACTIONS: Record<S3Operation, string> = {
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  CopyObject: 's3:PutObject'
}
const WRITES: readonly string[] = ['s3:PutObject', 's3:AbortMultipartUpload']

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase()
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.")
  }
}

function identify(method: string, bucket: string, key: string, query: URLSearchParams, req: IncomingMessage) {
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method} /`
  if (!key) {
    const ops: Record<string, string> = {
      GET: 'ListObjects',
      HEAD: 'HeadBucket',
      PUT: 'CreateBucket',
      DELETE: 'DeleteBucket',
      POST: 'DeleteObjects'
    }
    return ops[method] ?? `${method} bucket`
  }
  const copy = header(req, 'x-amz-copy-source') !== undefined
  const sub = [
    'acl',
    'tagging',
    'retention',
    'legal-hold',
    'attributes',
    'restore',
    'torrent',
    'select'
  ].find(s => query.has(s))
  if (sub) return `${method} ?${sub}`
  switch (method) {
    case 'PUT':
      if (query.has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart'
      return copy ? 'CopyObject' : 'PutObject'
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload'
      if (query.has('uploadId')) return 'CompleteMultipartUpload'
      return 'PostObject'
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject'
    case 'GET':
      return query.has('uploadId') ? 'ListParts' : 'GetObject'
    case 'HEAD':
      return 'HeadObject'
    default:
      return `${method} object`
  }
}

function httpDate(d: Date): string {
  return d.toUTCString()
}

/** S3's 412 when a request's If-Match (or its copy source's) names another version than `etag`. */
function requireMatch(ifMatch: string | undefined, etag: string, condition: string): void {
  if (ifMatch !== undefined && quoteEtag(ifMatch) !== etag) {
    throw new S3Error(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      {
        Condition: condition
      }
    )
  }
}

function quoteEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`
}

export class S3 {
  readonly service = 's3' as const
  /** Temporary directory holding object and part data; removed by close(). */
  readonly dir: string
  readonly objects = new Map<string, StoredObject>()
  readonly buckets = new Map<string, BucketOptions>()
  readonly requests: S3Request[] = []
  readonly refusals: S3Refusal[] = []
  readonly region: string
  readonly accountId: string
  url = ''
  private readonly uploads = new Map<string, Upload>()
  private readonly expired = new Set<string>()
  private readonly options: S3Options
  private readonly server: Server
  private closed = false

  constructor(options: S3Options) {
    this.options = options
    this.region = options.region
    this.accountId = options.accountId
    this.dir = mkdtempSync(join(tmpdir(), 'codepipeline-emulator-s3-'))
    mkdirSync(join(this.dir, 'objects'))
    mkdirSync(join(this.dir, 'parts'))
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(e => {
        if (!this.closed) console.error('emulator: s3 request failed:', e)
        res.destroy()
      })
    })
    // Node's default of 300 s would cut off a large upload on a slow machine; S3 has no such limit.
    this.server.requestTimeout = 0
  }

  /** `codepipeline-<region>-<account>`, the bucket CodePipeline creates for a pipeline's artifacts. */
  artifactBucket(accountId = this.accountId): string {
    return `codepipeline-${this.region}-${accountId}`
  }

  addBucket(name: string, options: BucketOptions = {}): void {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw new Error(`not a valid bucket name: ${name}`)
    this.buckets.set(name, { ...this.buckets.get(name), ...options })
  }

  /** A bucket exists when added, or when a job's artifacts point into it (CodePipeline created it). */
  bucketExists(name: string): boolean {
    return (
      this.buckets.has(name) ||
      this.options.jobs.jobs.some(j =>
        [...j.data.inputArtifacts, ...j.data.outputArtifacts].some(
          a => a.location.s3Location.bucketName === name
        )
      )
    )
  }

  object(bucket: string, key: string): StoredObject | undefined {
    return this.objects.get(`${bucket}/${key}`)
  }

  async read(bucket: string, key: string): Promise<Buffer> {
    const obj = this.object(bucket, key)
    if (!obj) throw new Error(`no object s3://${bucket}/${key}`)
    return readFile(obj.path)
  }

  /** Stores an object without going through HTTP (input artifacts the pipeline produced earlier). */
  async putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string | { file: string },
    options: { sse?: SseHeaders; contentType?: string } = {}
  ): Promise<StoredObject> {
    if (!this.bucketExists(bucket)) this.addBucket(bucket)
    const path = this.newPath('objects')
    if (typeof body === 'object' && 'file' in body) await copyFile(body.file, path)
    else await writeFile(path, body)
    const md5 = createHash('md5')
    const crc = newChecksum('CRC32')
    let size = 0
    for await (const chunk of createReadStream(path)) {
      md5.update(chunk as Buffer)
      crc.update(chunk as Buffer)
      size += (chunk as Buffer).length
    }
    const obj: StoredObject = {
      bucket,
      key,
      size,
      etag: `"${md5.digest('hex')}"`,
      contentType: options.contentType ?? 'application/zip',
      metadata: {},
      sse: { ...options.sse },
      checksum: { algorithm: 'CRC32', value: crc.digest().toString('base64'), type: 'FULL_OBJECT' },
      path,
      lastModified: new Date()
    }
    await this.store(obj)
    return obj
  }

  /** The jobs whose artifact credentials have this access key id. */
  jobsOf(accessKeyId: string): Job[] {
    return this.options.jobs.jobs.filter(j => j.data.artifactCredentials.accessKeyId === accessKeyId)
  }

  /** S3 answers ExpiredToken to this job's artifact credentials from now on. */
  expireArtifactCredentials(jobId: string): void {
    const job = this.options.jobs.jobs.find(j => j.id === jobId)
    if (!job) throw new Error(`no job ${jobId}`)
    this.expired.add(job.data.artifactCredentials.accessKeyId)
  }

  listen(port = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject)
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
        resolve(this.url)
      })
    })
  }

  async close(): Promise<void> {
    this.closed = true
    await new Promise<void>(resolve => {
      if (!this.server.listening) return resolve()
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
    await rm(this.dir, { recursive: true, force: true })
  }

  private newPath(kind: 'objects' | 'parts'): string {
    return join(this.dir, kind, randomUUID())
  }

  private async store(obj: StoredObject): Promise<void> {
    const previous = this.objects.get(`${obj.bucket}/${obj.key}`)
    this.objects.set(`${obj.bucket}/${obj.key}`, obj)
    if (previous && previous.path !== obj.path) await unlink(previous.path).catch(() => undefined)
  }

  private kmsKeyArn(id: string): string {
    return /^arn:|^alias\//.test(id) ? id : `arn:aws:kms:${this.region}:${this.accountId}:key/${id}`
  }

  /** The encryption S3 reports back: what the upload asked for, or the bucket default (AES256). */
  private sseReply(sse: SseHeaders): Record<string, string> {
    const algorithm = sse.serverSideEncryption ?? 'AES256'
    const out: Record<string, string> = { 'x-amz-server-side-encryption': algorithm }
    if (algorithm.startsWith('aws:kms')) {
      out['x-amz-server-side-encryption-aws-kms-key-id'] = this.kmsKeyArn(
        sse.kmsKeyId ?? `aws-s3-default-${this.accountId}`
      )
    }
    return out
  }

  // --- the HTTP side ---------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const rawUrl = req.url ?? '/'
    const rawPath = rawUrl.split('?')[0]
    const query = new URL(rawUrl, 'http://x').searchParams
    const record: S3Request = {
      service: 's3',
      operation: method,
      method,
      path: rawPath,
      headers: req.headers,
      body: undefined,
      status: 0,
      requestId: requestId(),
      at: new Date()
    }
    this.requests.push(record)
    this.options.requests.push(record)
    let reply: Reply
    try {
      const slash = rawPath.indexOf('/', 1)
      record.bucket = decodePath(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash)) || undefined
      record.key = slash < 0 ? undefined : decodePath(rawPath.slice(slash + 1)) || undefined
      record.operation = identify(method, record.bucket ?? '', record.key ?? '', query, req)
      if (this.options.latencyMs) await sleep(this.options.latencyMs)
      const fault = this.options.faults.take('s3', [record.operation, `${method} ${rawPath}`])
      if (fault) record.fault = fault.kind
      if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 0)
      if (fault?.kind === 'drop') {
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'throttle') {
        throw new S3Error(fault.status ?? 503, 'SlowDown', 'Please reduce your request rate.')
      }
      if (fault?.kind === 'server-error') {
        const status = fault.status ?? 500
        throw status === 503
          ? new S3Error(503, 'ServiceUnavailable', 'Please reduce your request rate.')
          : new S3Error(status, 'InternalError', 'We encountered an internal error. Please try again.')
      }
      reply = await this.serve(req, record, query)
    } catch (e) {
      if (e instanceof ClientGone || res.destroyed) {
        record.errorCode = 'ClientGone'
        return
      }
      if (!(e instanceof S3Error)) {
        if (this.closed) return
        // Plain text, not S3's XML, so nobody mistakes an emulator bug for a service answer.
        console.error(`emulator: s3 ${record.operation} crashed:`, e)
        record.status = 500
        res.writeHead(500, { 'content-type': 'text/plain', 'x-amz-request-id': record.requestId })
        res.end(`emulator crashed: ${String(e)}`)
        return
      }
      record.errorCode = e.code
      reply = {
        status: e.status,
        headers: { 'content-type': 'application/xml' },
        body: errorXml(e.code, e.message, record.requestId, this.hostId(), {
          ...(record.key !== undefined && ['NoSuchKey', 'NoSuchUpload'].includes(e.code)
            ? { Key: record.key }
            : {}),
          ...(e.code === 'NoSuchBucket' ? { BucketName: record.bucket } : {}),
          ...e.fields
        })
      }
    }
    await this.send(req, res, record, reply)
  }

  private hostId(): string {
    return randomBytes(24).toString('base64')
  }

  private async send(
    req: IncomingMessage,
    res: ServerResponse,
    record: S3Request,
    reply: Reply
  ): Promise<void> {
    record.status = reply.status
    const headers: Record<string, string> = {
      'x-amz-request-id': record.requestId,
      'x-amz-id-2': this.hostId(),
      date: httpDate(new Date()),
      server: 'AmazonS3',
      ...reply.headers
    }
    const length = reply.file
      ? Math.max(0, reply.file.end - reply.file.start + 1)
      : Buffer.byteLength(reply.body ?? '')
    // HEAD answers carry the headers of the matching GET, never a body, errors included.
    if (req.method === 'HEAD') {
      res.writeHead(reply.status, { ...headers, ...(reply.file ? { 'content-length': String(length) } : {}) })
      res.end()
      return
    }
    if (reply.file) {
      res.writeHead(reply.status, { ...headers, 'content-length': String(length) })
      if (length === 0) {
        res.end()
        return
      }
      record.bytes = length
      // 1 MiB reads, not the default 64 KiB: S3 itself costs the runner no CPU, and the emulator shares the
      // runner's cores with whatever downloads from it (a quarter less of its CPU, measured on a 228 MiB download).
      await pipeline(
        createReadStream(reply.file.path, {
          start: reply.file.start,
          end: reply.file.end,
          highWaterMark: 1024 * 1024
        }),
        res
      ).catch(() => undefined)
      return
    }
    res.writeHead(reply.status, { ...headers, 'content-length': String(length) })
    res.end(reply.body ?? '')
  }

  private async serve(req: IncomingMessage, record: S3Request, query: URLSearchParams): Promise<Reply> {
    const operation = record.operation
    if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) {
      this.refuse(
        record,
        this.classify(query.get('X-Amz-Credential')?.split('/')[0]).kind,
        new S3Error(
          501,
          'NotImplemented',
          'The emulator does not take presigned URLs (query-string authentication).'
        )
      )
    }
    const supported = (SUPPORTED_OPERATIONS as readonly string[]).includes(operation)
    const caller = this.authenticate(
      req,
      record,
      supported ? ACTIONS[operation as S3Operation] : `s3:${operation}`
    )
    if (!supported) {
      throw new S3Error(
        501,
        'NotImplemented',
        `A header you provided implies functionality that is not implemented: the emulator's S3 serves ${SUPPORTED_OPERATIONS.join(', ')} (path-style), not ${operation}.`
      )
    }
    const op = operation as S3Operation
    const bucket = record.bucket ?? ''
    const key = record.key ?? ''
    if (!this.bucketExists(bucket))
      throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist')
    if (Buffer.byteLength(key) > 1024) throw new S3Error(400, 'KeyTooLongError', 'Your key is too long')
    this.authorize(record, caller, op, bucket, key)
    switch (op) {
      case 'PutObject':
        return this.putObjectOp(req, record, caller, bucket, key)
      case 'CreateMultipartUpload':
        return this.createMultipartUpload(req, record, caller, bucket, key)
      case 'UploadPart':
        return this.uploadPart(req, record, caller, query)
      case 'CompleteMultipartUpload':
        return this.completeMultipartUpload(req, record, caller, query)
      case 'AbortMultipartUpload':
        return this.abortMultipartUpload(record, query)
      case 'CopyObject':
        return this.copyObject(req, record, caller, bucket, key)
      default:
        return this.getObject(req, bucket, key)
    }
  }

  private classify(accessKeyId: string | undefined): { kind: CredentialKind; arn?: string; jobId?: string } {
    if (accessKeyId === undefined) return { kind: 'anonymous' }
    const jobs = this.jobsOf(accessKeyId)
    if (jobs.length > 0) return { kind: 'artifact', jobId: jobs[jobs.length - 1].id }
    const p = this.options.principals.principal(accessKeyId)
    if (p) return { kind: p.sessionToken ? 'sts-session' : 'static', arn: p.arn }
    return { kind: 'unknown' }
  }

  private refuse(
    record: S3Request,
    kind: CredentialKind,
    error: S3Error,
    extra: Partial<S3Refusal> = {}
  ): never {
    this.refusals.push({
      requestId: record.requestId,
      at: record.at,
      operation: record.operation,
      bucket: record.bucket,
      key: record.key,
      accessKeyId: record.accessKeyId,
      credentials: kind,
      status: error.status,
      code: error.code,
      message: error.message,
      ...extra
    })
    throw error
  }

  private secretOf(accessKeyId: string): S3SigningSecret | undefined {
    const jobs = this.jobsOf(accessKeyId)
    if (jobs.length > 0) {
      const c = jobs[jobs.length - 1].data.artifactCredentials
      return {
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: this.expired.has(accessKeyId) ? new Date(0) : undefined
      }
    }
    return this.options.principals.principal(accessKeyId)
  }

  private authenticate(req: IncomingMessage, record: S3Request, action: string): Caller {
    record.accessKeyId = accessKeyOf(req.headers)
    const who = this.classify(record.accessKeyId)
    if (who.jobId) record.jobId = who.jobId
    const extra = { principalArn: who.arn, jobId: who.jobId }
    if (header(req, 'authorization') === undefined) {
      this.refuse(record, 'anonymous', new S3Error(403, 'AccessDenied', 'Access Denied'))
    }
    const auth = verifyS3Request(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
      { region: this.region },
      id => this.secretOf(id)
    )
    if (!auth.ok)
      this.refuse(record, who.kind, new S3Error(auth.status, auth.code, auth.message, auth.fields), extra)
    if (who.kind !== 'artifact') {
      const resource = `arn:aws:s3:::${record.bucket}/${record.key ?? ''}`
      this.refuse(
        record,
        who.kind,
        new S3Error(
          403,
          'AccessDenied',
          `User: ${who.arn ?? record.accessKeyId} is not authorized to perform: ${action} on resource: "${resource}" because no identity-based policy allows the ${action} action`
        ),
        extra
      )
    }
    return {
      accessKeyId: auth.context.accessKeyId,
      context: auth.context,
      jobs: this.jobsOf(auth.context.accessKeyId)
    }
  }

  /** A job's artifact credentials reach that job's artifacts: read its inputs and outputs, write its outputs. */
  private authorize(record: S3Request, caller: Caller, op: S3Operation, bucket: string, key: string): void {
    this.authorizeAction(record, caller, ACTIONS[op], bucket, key)
  }

  private authorizeAction(
    record: S3Request,
    caller: Caller,
    action: string,
    bucket: string,
    key: string
  ): void {
    const write = WRITES.includes(action)
    const allowed = caller.jobs.some(j =>
      [...(write ? [] : j.data.inputArtifacts), ...j.data.outputArtifacts].some(
        a => a.location.s3Location.bucketName === bucket && a.location.s3Location.objectKey === key
      )
    )
    const jobId = caller.jobs[caller.jobs.length - 1]?.id
    if (!allowed) {
      this.refuse(
        record,
        'artifact',
        new S3Error(
          403,
          'AccessDenied',
          `User: ${this.artifactRoleArn(jobId)} is not authorized to perform: ${action} on resource: "arn:aws:s3:::${bucket}/${key}" because no session policy allows the ${action} action`
        ),
        { jobId }
      )
    }
  }

  private artifactRoleArn(jobId: string | undefined): string {
    return `arn:aws:sts::${this.accountId}:assumed-role/CodePipelineArtifactAccess/${jobId ?? 'unknown-job'}`
  }

  /** Reads and checks SSE headers; enforces the bucket's requireKms policy for new objects. */
  private sseOf(req: IncomingMessage, record: S3Request, caller: Caller, bucket: string): SseHeaders {
    const serverSideEncryption = header(req, 'x-amz-server-side-encryption')
    const kmsKeyId = header(req, 'x-amz-server-side-encryption-aws-kms-key-id')
    if (serverSideEncryption !== undefined && !SSE_ALGORITHMS.includes(serverSideEncryption)) {
      throw new S3Error(400, 'InvalidArgument', 'The encryption method specified is not supported', {
        ArgumentName: 'x-amz-server-side-encryption',
        ArgumentValue: serverSideEncryption
      })
    }
    if (kmsKeyId !== undefined && !serverSideEncryption?.startsWith('aws:kms')) {
      throw new S3Error(
        400,
        'InvalidArgument',
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: serverSideEncryption ?? 'null' }
      )
    }
    const required = this.buckets.get(bucket)?.requireKms
    const wrongKey =
      typeof required === 'string' &&
      (kmsKeyId === undefined || this.kmsKeyArn(kmsKeyId) !== this.kmsKeyArn(required))
    if (required && (serverSideEncryption !== 'aws:kms' || wrongKey)) {
      this.refuse(
        record,
        'artifact',
        new S3Error(
          403,
          'AccessDenied',
          `User: ${this.artifactRoleArn(caller.jobs[caller.jobs.length - 1]?.id)} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/${record.key ?? ''}" with an explicit deny in a resource-based policy`
        ),
        { jobId: record.jobId }
      )
    }
    const sse: SseHeaders = {}
    if (serverSideEncryption !== undefined) sse.serverSideEncryption = serverSideEncryption
    if (kmsKeyId !== undefined) sse.kmsKeyId = kmsKeyId
    return sse
  }

  private metadataOf(req: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (k.startsWith('x-amz-meta-') && v !== undefined)
        out[k.slice(11)] = Array.isArray(v) ? v.join(',') : v
    }
    return out
  }

  private contentEncodingOf(req: IncomingMessage): string | undefined {
    const rest = (header(req, 'content-encoding') ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(s => s !== '' && s !== 'aws-chunked')
    return rest.length > 0 ? rest.join(',') : undefined
  }

  private checksumReply(c: StoredObject['checksum'] | undefined): Record<string, string> {
    return c ? { [checksumHeader(c.algorithm)]: c.value, 'x-amz-checksum-type': c.type } : {}
  }

  private async putObjectOp(
    req: IncomingMessage,
    record: S3Request,
    caller: Caller,
    bucket: string,
    key: string
  ): Promise<Reply> {
    const sse = this.sseOf(req, record, caller, bucket)
    const path = this.newPath('objects')
    const body = await receiveBody(req, caller.context, { file: path, requireLength: true })
    record.bytes = body.bytes
    record.upload = { chunked: body.chunked, checksum: body.checksum }
    const obj: StoredObject = {
      bucket,
      key,
      size: body.bytes,
      etag: `"${body.md5.toString('hex')}"`,
      contentType: header(req, 'content-type') ?? 'binary/octet-stream',
      contentEncoding: this.contentEncodingOf(req),
      metadata: this.metadataOf(req),
      sse,
      checksum: body.checksum && {
        algorithm: body.checksum.algorithm,
        value: body.checksum.value,
        type: 'FULL_OBJECT'
      },
      path,
      lastModified: new Date(),
      uploadedBy: { accessKeyId: caller.accessKeyId, jobId: record.jobId, requestId: record.requestId }
    }
    await this.store(obj)
    return {
      status: 200,
      headers: { etag: obj.etag, ...this.sseReply(sse), ...this.checksumReply(obj.checksum) }
    }
  }

  private async createMultipartUpload(
    req: IncomingMessage,
    record: S3Request,
    caller: Caller,
    bucket: string,
    key: string
  ): Promise<Reply> {
    const sse = this.sseOf(req, record, caller, bucket)
    const algorithmHeader = header(req, 'x-amz-checksum-algorithm')?.toUpperCase()
    const typeHeader = header(req, 'x-amz-checksum-type')?.toUpperCase()
    let checksum: Upload['checksum']
    if (algorithmHeader !== undefined) {
      const algorithm = CHECKSUM_ALGORITHMS.find(a => a === algorithmHeader)
      if (!algorithm) {
        throw new S3Error(400, 'InvalidRequest', `Checksum algorithm ${algorithmHeader} is not supported.`)
      }
      const type = typeHeader ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')
      if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') {
        throw new S3Error(400, 'InvalidRequest', `Value for x-amz-checksum-type header is invalid.`)
      }
      const fullOnly = algorithm === 'CRC64NVME'
      const compositeOnly = algorithm === 'SHA1' || algorithm === 'SHA256'
      if ((fullOnly && type === 'COMPOSITE') || (compositeOnly && type === 'FULL_OBJECT')) {
        throw new S3Error(
          400,
          'InvalidRequest',
          `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`
        )
      }
      checksum = { algorithm, type }
    }
    // CreateMultipartUpload has no body; read what there is so the signed hash still holds.
    await receiveBody(req, caller.context, { maxMemoryBytes: 1024 * 1024, requireLength: false })
    const upload: Upload = {
      id: randomBytes(36).toString('base64url'),
      bucket,
      key,
      sse,
      contentType: header(req, 'content-type') ?? 'binary/octet-stream',
      contentEncoding: this.contentEncodingOf(req),
      metadata: this.metadataOf(req),
      checksum,
      parts: new Map(),
      initiatedBy: caller.accessKeyId
    }
    this.uploads.set(upload.id, upload)
    return {
      status: 200,
      headers: {
        'content-type': 'application/xml',
        ...this.sseReply(sse),
        ...(checksum
          ? { 'x-amz-checksum-algorithm': checksum.algorithm, 'x-amz-checksum-type': checksum.type }
          : {})
      },
      body: resultXml('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.id })
    }
  }

  private uploadOf(record: S3Request, query: URLSearchParams): Upload {
    const upload = this.uploads.get(query.get('uploadId') ?? '')
    if (!upload || upload.bucket !== record.bucket || upload.key !== record.key) {
      throw new S3Error(
        404,
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: query.get('uploadId') ?? '' }
      )
    }
    return upload
  }

  private async uploadPart(
    req: IncomingMessage,
    record: S3Request,
    caller: Caller,
    query: URLSearchParams
  ): Promise<Reply> {
    const upload = this.uploadOf(record, query)
    const partNumber = Number(query.get('partNumber'))
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
      throw new S3Error(
        400,
        'InvalidArgument',
        'Part number must be an integer between 1 and 10000, inclusive',
        {
          ArgumentName: 'partNumber',
          ArgumentValue: query.get('partNumber') ?? ''
        }
      )
    }
    const path = this.newPath('parts')
    const body = await receiveBody(req, caller.context, {
      file: path,
      requireLength: true,
      compute: upload.checksum ? [upload.checksum.algorithm] : []
    })
    record.bytes = body.bytes
    record.upload = { chunked: body.chunked, checksum: body.checksum }
    if (!this.uploads.has(upload.id)) {
      // Aborted while this part was on its way.
      await unlink(path).catch(() => undefined)
      throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.', { UploadId: upload.id })
    }
    const previous = upload.parts.get(partNumber)
    upload.parts.set(partNumber, {
      number: partNumber,
      path,
      size: body.bytes,
      md5: body.md5,
      digest: upload.checksum ? body.computed[upload.checksum.algorithm] : undefined
    })
    if (previous) await unlink(previous.path).catch(() => undefined)
    const partChecksum = upload.checksum && body.computed[upload.checksum.algorithm]
    return {
      status: 200,
      headers: {
        etag: `"${body.md5.toString('hex')}"`,
        ...this.sseReply(upload.sse),
        ...(upload.checksum && partChecksum
          ? { [checksumHeader(upload.checksum.algorithm)]: partChecksum.toString('base64') }
          : {})
      }
    }
  }

  private async completeMultipartUpload(
    req: IncomingMessage,
    record: S3Request,
    caller: Caller,
    query: URLSearchParams
  ): Promise<Reply> {
    const upload = this.uploadOf(record, query)
    const body = await receiveBody(req, caller.context, { maxMemoryBytes: 1024 * 1024, requireLength: false })
    const xml = (body.data ?? Buffer.alloc(0)).toString('utf8')
    record.body = xml
    const listed = parseCompleteMultipartUpload(xml)
    if (!listed || listed.length === 0) {
      throw new S3Error(
        400,
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema'
      )
    }
    const invalidPart = (n: number): S3Error =>
      new S3Error(
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { UploadId: upload.id, PartNumber: String(n) }
      )
    const parts: Part[] = []
    for (const [i, p] of listed.entries()) {
      if (i > 0 && p.partNumber <= listed[i - 1].partNumber) {
        throw new S3Error(
          400,
          'InvalidPartOrder',
          'The list of parts was not in ascending order. Parts must be ordered by part number.',
          { UploadId: upload.id }
        )
      }
      const part = upload.parts.get(p.partNumber)
      if (!part || quoteEtag(p.etag) !== `"${part.md5.toString('hex')}"`) throw invalidPart(p.partNumber)
      for (const [name, value] of Object.entries(p.checksums)) {
        const algorithm = CHECKSUM_ALGORITHMS.find(a => `Checksum${a}` === name)
        if (
          !algorithm ||
          algorithm !== upload.checksum?.algorithm ||
          part.digest?.toString('base64') !== value
        ) {
          throw invalidPart(p.partNumber)
        }
      }
      parts.push(part)
    }
    for (const part of parts.slice(0, -1)) {
      if (part.size < MIN_PART_BYTES) {
        throw new S3Error(
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed size',
          {
            ProposedSize: String(part.size),
            MinSizeAllowed: String(MIN_PART_BYTES),
            PartNumber: String(part.number),
            ETag: `"${part.md5.toString('hex')}"`
          }
        )
      }
    }
    // Concatenate the parts into the object, digesting the whole for a FULL_OBJECT checksum. Read in 1 MiB
    // pieces, as GetObject serves: the emulator shares the client's cores, and real S3 costs them nothing.
    const path = this.newPath('objects')
    const full = upload.checksum?.type === 'FULL_OBJECT' ? newChecksum(upload.checksum.algorithm) : undefined
    const out = createWriteStream(path)
    try {
      for (const part of parts) {
        for await (const chunk of createReadStream(part.path, { highWaterMark: 1024 * 1024 })) {
          full?.update(chunk as Buffer)
          if (!out.write(chunk)) await new Promise<void>(resolve => out.once('drain', () => resolve()))
        }
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
    } catch (e) {
      out.destroy()
      await unlink(path).catch(() => undefined)
      throw e
    }
    let checksum: StoredObject['checksum']
    if (upload.checksum) {
      const { algorithm, type } = upload.checksum
      if (full) checksum = { algorithm, value: full.digest().toString('base64'), type }
      else {
        const c = newChecksum(algorithm)
        for (const part of parts) c.update(part.digest ?? Buffer.alloc(0))
        checksum = { algorithm, value: `${c.digest().toString('base64')}-${parts.length}`, type }
      }
    }
    const md5s = createHash('md5')
    for (const part of parts) md5s.update(part.md5)
    const obj: StoredObject = {
      bucket: upload.bucket,
      key: upload.key,
      size: parts.reduce((n, p) => n + p.size, 0),
      etag: `"${md5s.digest('hex')}-${parts.length}"`,
      contentType: upload.contentType,
      contentEncoding: upload.contentEncoding,
      metadata: upload.metadata,
      sse: upload.sse,
      checksum,
      path,
      lastModified: new Date(),
      uploadedBy: { accessKeyId: caller.accessKeyId, jobId: record.jobId, requestId: record.requestId },
      parts: parts.length
    }
    this.uploads.delete(upload.id)
    await Promise.all([...upload.parts.values()].map(p => unlink(p.path).catch(() => undefined)))
    await this.store(obj)
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', ...this.sseReply(upload.sse) },
      body: resultXml('CompleteMultipartUploadResult', {
        Location: `${this.url}/${upload.bucket}/${upload.key}`,
        Bucket: upload.bucket,
        Key: upload.key,
        ETag: obj.etag,
        ...(checksum
          ? { [`Checksum${checksum.algorithm}`]: checksum.value, ChecksumType: checksum.type }
          : {})
      })
    }
  }

  private async abortMultipartUpload(record: S3Request, query: URLSearchParams): Promise<Reply> {
    const upload = this.uploadOf(record, query)
    this.uploads.delete(upload.id)
    await Promise.all([...upload.parts.values()].map(p => unlink(p.path).catch(() => undefined)))
    return { status: 204, headers: {} }
  }

  /**
   * CopyObject within the emulator's buckets: the source must be readable and the target writable by the caller;
   * metadata and content type are the source's (COPY, the default) or the request's (REPLACE); encryption is what
   * the request asks for, else the bucket default, as S3 does. A copy onto itself must change something.
   */
  private async copyObject(
    req: IncomingMessage,
    record: S3Request,
    caller: Caller,
    bucket: string,
    key: string
  ): Promise<Reply> {
    const raw = header(req, 'x-amz-copy-source') ?? ''
    if (raw.includes('?'))
      throw new S3Error(501, 'NotImplemented', 'The emulator copies the latest version only.')
    const [sourceBucket, ...rest] = decodePath(raw.replace(/^\//, '')).split('/')
    const sourceKey = rest.join('/')
    if (!sourceBucket || !sourceKey) {
      throw new S3Error(
        400,
        'InvalidArgument',
        'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
        {
          ArgumentName: 'x-amz-copy-source',
          ArgumentValue: raw
        }
      )
    }
    this.authorizeAction(record, caller, 's3:GetObject', sourceBucket, sourceKey)
    const source = this.object(sourceBucket, sourceKey)
    if (!source) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: sourceKey })
    requireMatch(header(req, 'x-amz-copy-source-if-match'), source.etag, 'x-amz-copy-source-If-Match')
    const directive = (header(req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase()
    if (directive !== 'COPY' && directive !== 'REPLACE') {
      throw new S3Error(400, 'InvalidArgument', 'Unknown metadata directive.', {
        ArgumentName: 'x-amz-metadata-directive',
        ArgumentValue: directive
      })
    }
    const sse = this.sseOf(req, record, caller, bucket)
    if (sourceBucket === bucket && sourceKey === key && directive === 'COPY' && !sse.serverSideEncryption) {
      throw new S3Error(
        400,
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
      )
    }
    if (source.size > MAX_COPY_BYTES) {
      throw new S3Error(
        400,
        'InvalidRequest',
        `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_BYTES}`
      )
    }
    await receiveBody(req, caller.context, { maxMemoryBytes: 1024 * 1024, requireLength: false })
    const path = this.newPath('objects')
    // A copy inside S3 costs the client nothing: the kernel copies the file, and the MD5 for the ETag is read
    // alongside it in large chunks, so the emulator sharing the client's machine takes as little of it as it can.
    const md5 = createHash('md5')
    await Promise.all([
      copyFile(source.path, path),
      pipeline(createReadStream(source.path, { highWaterMark: 1024 * 1024 }), md5)
    ])
    const replace = directive === 'REPLACE'
    const obj: StoredObject = {
      bucket,
      key,
      size: source.size,
      etag: `"${md5.digest('hex')}"`,
      contentType: replace ? (header(req, 'content-type') ?? 'binary/octet-stream') : source.contentType,
      contentEncoding: replace ? this.contentEncodingOf(req) : source.contentEncoding,
      metadata: replace ? this.metadataOf(req) : { ...source.metadata },
      sse,
      checksum: source.checksum?.type === 'FULL_OBJECT' ? { ...source.checksum } : undefined,
      path,
      lastModified: new Date(),
      uploadedBy: { accessKeyId: caller.accessKeyId, jobId: record.jobId, requestId: record.requestId }
    }
    await this.store(obj)
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', ...this.sseReply(sse) },
      body: resultXml('CopyObjectResult', { ETag: obj.etag, LastModified: obj.lastModified.toISOString() })
    }
  }

  /** Multipart uploads still open (neither completed nor aborted), for tests that check nothing is left behind. */
  openUploads(): Array<{
    uploadId: string
    bucket: string
    key: string
    parts: number[]
    initiatedBy: string
  }> {
    return [...this.uploads.values()].map(u => ({
      uploadId: u.id,
      bucket: u.bucket,
      key: u.key,
      parts: [...u.parts.keys()].sort((a, b) => a - b),
      initiatedBy: u.initiatedBy
    }))
  }

  private getObject(req: IncomingMessage, bucket: string, key: string): Reply {
    const obj = this.object(bucket, key)
    if (!obj) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.')
    requireMatch(header(req, 'if-match'), obj.etag, 'If-Match')
    const headers: Record<string, string> = {
      'content-type': obj.contentType,
      etag: obj.etag,
      'last-modified': httpDate(obj.lastModified),
      'accept-ranges': 'bytes',
      ...(obj.contentEncoding ? { 'content-encoding': obj.contentEncoding } : {}),
      ...Object.fromEntries(Object.entries(obj.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
      ...this.sseReply(obj.sse),
      ...(obj.parts ? { 'x-amz-mp-parts-count': String(obj.parts) } : {})
    }
    const range = header(req, 'range')
    if (range !== undefined) {
      const r = this.parseRange(range, obj.size)
      if (r) {
        return {
          status: 206,
          headers: { ...headers, 'content-range': `bytes ${r.start}-${r.end}/${obj.size}` },
          file: { path: obj.path, ...r }
        }
      }
    }
    if (header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
      Object.assign(headers, this.checksumReply(obj.checksum))
    }
    return { status: 200, headers, file: { path: obj.path, start: 0, end: obj.size - 1 } }
  }

  private parseRange(range: string, size: number): { start: number; end: number } | undefined {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
    if (!m || (m[1] === '' && m[2] === '')) return undefined // S3 ignores a range it cannot parse
    let start: number
    let end: number
    if (m[1] === '') {
      start = Math.max(0, size - Number(m[2]))
      end = size - 1
    } else {
      start = Number(m[1])
      end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
    }
    if (start >= size || start > end) {
      throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
        RangeRequested: range,
        ActualObjectSize: String(size)
      })
    }
    return { start, end }
  }
}
