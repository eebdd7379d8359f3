// Admin routes for the artifact store, so a shell can create jobs with artifacts and read back what a job worker
// uploaded: bodies are checked strictly (an unknown field is a 400 naming it), unknown jobs and artifacts are
// 404. Answers JSON, except the raw artifact download, which answers the bytes with S3's encryption headers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import type { Job, JobInit } from './codepipeline-jobs.ts'
import { isRecord, parseJson } from './http.ts'
import type { Emulator } from './index.ts'
import type { ArtifactJobInit, InputArtifactInit, OutputArtifactInit } from './s3-artifacts.ts'
import { unzip } from './s3-artifacts.ts'
import type { StoredObject } from './s3.ts'

class Refused extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

const bad = (message: string): Refused => new Refused(400, message)

type Fields = Record<string, 'string' | 'boolean' | 'object' | 'array' | 'string|object' | 'string|boolean'>

/** The body as an object with only these fields, each of the given JSON type. */
function fields(value: unknown, at: string, shape: Fields, required: string[] = []): Record<string, unknown> {
  if (!isRecord(value)) throw bad(`${at || 'the request body'} must be a JSON object`)
  const prefix = at ? `${at}.` : ''
  for (const [k, v] of Object.entries(value)) {
    const want = shape[k]
    if (!want) throw bad(`unknown field "${prefix}${k}"; the fields are: ${Object.keys(shape).join(', ')}`)
    const kind = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v
    if (!want.split('|').includes(kind))
      throw bad(`${prefix}${k} must be ${want.replace('|', ' or ')}, got ${kind}`)
  }
  for (const k of required) if (value[k] === undefined) throw bad(`${prefix}${k} is required`)
  return value
}

function stringsOf(value: unknown, at: string): Record<string, string> {
  if (!isRecord(value)) throw bad(`${at} must be an object of strings`)
  for (const [k, v] of Object.entries(value))
    if (typeof v !== 'string') throw bad(`${at}.${k} must be a string`)
  return value as Record<string, string>
}

const JOB_FIELDS: Fields = {
  queue: 'boolean',
  id: 'string',
  accountId: 'string',
  actionTypeId: 'object',
  configuration: 'object',
  pipelineName: 'string',
  stageName: 'string',
  actionName: 'string',
  continuationToken: 'string',
  inputArtifacts: 'array',
  outputArtifacts: 'array',
  encryptionKey: 'object'
}

function artifactJobInit(body: unknown): ArtifactJobInit & { queue?: boolean } {
  const b = fields(body, '', JOB_FIELDS)
  const inputs = ((b.inputArtifacts as unknown[] | undefined) ?? []).map((v, i): InputArtifactInit => {
    const at = `inputArtifacts[${i}]`
    const a = fields(
      v,
      at,
      {
        name: 'string',
        files: 'object',
        filesBase64: 'object',
        zipBase64: 'string',
        revision: 'string',
        bucket: 'string',
        key: 'string'
      },
      ['name']
    )
    const given = ['files', 'filesBase64', 'zipBase64'].filter(k => a[k] !== undefined)
    if (given.length !== 1) throw bad(`${at} needs exactly one of files, filesBase64, zipBase64`)
    const files: Record<string, string | Uint8Array> = {}
    if (a.files) Object.assign(files, stringsOf(a.files, `${at}.files`))
    if (a.filesBase64) {
      for (const [k, v] of Object.entries(stringsOf(a.filesBase64, `${at}.filesBase64`))) {
        files[k] = Buffer.from(v, 'base64')
      }
    }
    return {
      name: a.name as string,
      ...(a.zipBase64 !== undefined ? { zip: Buffer.from(a.zipBase64 as string, 'base64') } : { files }),
      ...(a.revision !== undefined ? { revision: a.revision as string } : {}),
      ...(a.bucket !== undefined ? { bucket: a.bucket as string } : {}),
      ...(a.key !== undefined ? { key: a.key as string } : {})
    }
  })
  const outputs = ((b.outputArtifacts as unknown[] | undefined) ?? []).map(
    (v, i): string | OutputArtifactInit => {
      if (typeof v === 'string') return v
      const o = fields(v, `outputArtifacts[${i}]`, { name: 'string', bucket: 'string', key: 'string' }, [
        'name'
      ])
      return o as unknown as OutputArtifactInit
    }
  )
  let encryptionKey: ArtifactJobInit['encryptionKey']
  if (b.encryptionKey !== undefined) {
    const k = fields(b.encryptionKey, 'encryptionKey', { id: 'string', type: 'string' }, ['id'])
    if (k.type !== undefined && k.type !== 'KMS') throw bad('encryptionKey.type must be KMS')
    encryptionKey = { id: k.id as string, type: 'KMS' }
  }
  if (b.configuration !== undefined) stringsOf(b.configuration, 'configuration')
  if (b.actionTypeId !== undefined) {
    fields(b.actionTypeId, 'actionTypeId', {
      category: 'string',
      owner: 'string',
      provider: 'string',
      version: 'string'
    })
  }
  const { queue, ...rest } = b as JobInit & { queue?: boolean }
  return {
    ...rest,
    inputArtifacts: inputs,
    outputArtifacts: outputs,
    ...(encryptionKey ? { encryptionKey } : {}),
    ...(queue ? { state: 'Queued' as const } : {})
  }
}

/** An object's metadata for JSON (the data itself is at the artifact download route). */
export function objectView(obj: StoredObject | undefined): unknown {
  if (!obj) return null
  return {
    bucket: obj.bucket,
    key: obj.key,
    size: obj.size,
    etag: obj.etag,
    contentType: obj.contentType,
    sse: obj.sse,
    checksum: obj.checksum,
    parts: obj.parts,
    uploadedBy: obj.uploadedBy,
    lastModified: obj.lastModified,
    path: obj.path
  }
}

function jobView(job: Job): unknown {
  return {
    id: job.id,
    state: job.state,
    results: job.results,
    previousJobId: job.previousJobId,
    data: job.data
  }
}

function mustJob(emu: Emulator, id: string): Job {
  const job = emu.codepipeline.job(id)
  if (!job) throw new Refused(404, `no job ${id}; GET /_emulator/jobs lists them`)
  return job
}

function artifactsView(emu: Emulator, job: Job): unknown {
  const view = (a: Job['data']['inputArtifacts'][number]) => ({
    name: a.name,
    bucket: a.location.s3Location.bucketName,
    key: a.location.s3Location.objectKey,
    object: objectView(emu.s3.object(a.location.s3Location.bucketName, a.location.s3Location.objectKey))
  })
  return {
    inputArtifacts: job.data.inputArtifacts.map(view),
    outputArtifacts: job.data.outputArtifacts.map(view),
    ...(job.data.encryptionKey ? { encryptionKey: job.data.encryptionKey } : {})
  }
}

function artifactObject(emu: Emulator, job: Job, name: string): StoredObject {
  const a = [...job.data.outputArtifacts, ...job.data.inputArtifacts].find(x => x.name === name)
  if (!a) throw new Refused(404, `job ${job.id} has no artifact ${name}`)
  const obj = emu.s3.object(a.location.s3Location.bucketName, a.location.s3Location.objectKey)
  if (!obj) throw new Refused(404, `nothing has been uploaded to artifact ${name} of job ${job.id} yet`)
  return obj
}

function noBody(raw: string): void {
  const body = parseJson(raw)
  if (!(isRecord(body) && Object.keys(body).length === 0)) throw bad('this route takes no request body')
}

type Reply =
  { status: number; body: unknown } | { status: number; bytes: Buffer; headers: Record<string, string> }

async function route(emu: Emulator, method: string, path: string, raw: string): Promise<Reply | undefined> {
  const json = (status: number, body: unknown): Reply => ({ status, body })
  if (method === 'POST' && path === '/_emulator/artifact-jobs') {
    const init = artifactJobInit(parseJson(raw))
    try {
      return json(201, jobView(await emu.artifacts.addJob(init)))
    } catch (e) {
      throw bad(e instanceof Error ? e.message : String(e))
    }
  }
  if (method === 'GET' && path === '/_emulator/s3/objects') {
    noBody(raw)
    return json(200, [...emu.s3.objects.values()].map(objectView))
  }
  if (method === 'GET' && path === '/_emulator/s3/refusals') {
    noBody(raw)
    return json(200, emu.s3.refusals)
  }
  if (method === 'GET' && path === '/_emulator/s3/uploads') {
    noBody(raw)
    return json(200, emu.s3.openUploads())
  }
  if (method === 'POST' && path === '/_emulator/s3/buckets') {
    const b = fields(parseJson(raw), '', { name: 'string', requireKms: 'string|boolean' }, ['name'])
    try {
      emu.s3.addBucket(
        b.name as string,
        b.requireKms !== undefined ? { requireKms: b.requireKms as string } : {}
      )
    } catch (e) {
      throw bad(e instanceof Error ? e.message : String(e))
    }
    return json(201, { name: b.name, ...emu.s3.buckets.get(b.name as string) })
  }
  let m = /^\/_emulator\/jobs\/([^/]+)\/artifacts$/.exec(path)
  if (method === 'GET' && m) {
    noBody(raw)
    return json(200, artifactsView(emu, mustJob(emu, m[1])))
  }
  m = /^\/_emulator\/jobs\/([^/]+)\/artifacts\/([^/]+)(\/files)?$/.exec(path)
  if (method === 'GET' && m) {
    noBody(raw)
    const obj = artifactObject(emu, mustJob(emu, m[1]), decodeURIComponent(m[2]))
    const bytes = await readFile(obj.path)
    if (m[3]) {
      let files: Record<string, Buffer>
      try {
        files = await unzip(bytes)
      } catch (e) {
        throw new Refused(
          422,
          `the uploaded artifact is not a ZIP file: ${e instanceof Error ? e.message : String(e)}`
        )
      }
      return json(
        200,
        Object.entries(files).map(([p, data]) => ({
          path: p,
          size: data.length,
          base64: data.toString('base64')
        }))
      )
    }
    const sse: Record<string, string> = {}
    if (obj.sse.serverSideEncryption) sse['x-amz-server-side-encryption'] = obj.sse.serverSideEncryption
    if (obj.sse.kmsKeyId) sse['x-amz-server-side-encryption-aws-kms-key-id'] = obj.sse.kmsKeyId
    return { status: 200, bytes, headers: { 'content-type': obj.contentType, etag: obj.etag, ...sse } }
  }
  m = /^\/_emulator\/jobs\/([^/]+)\/artifact-credentials\/expire$/.exec(path)
  if (method === 'POST' && m) {
    noBody(raw)
    emu.s3.expireArtifactCredentials(mustJob(emu, m[1]).id)
    return json(200, { expired: emu.codepipeline.job(m[1])?.data.artifactCredentials.accessKeyId })
  }
  return undefined
}

/**
 * Answers the artifact store's admin routes and returns true, or returns false for any other path. The raw
 * download's SSE headers are the ones the upload sent (absent when it sent none), not S3's defaults.
 */
export async function serveS3Admin(
  emu: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  raw: string
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://x').pathname
  let reply: Reply | undefined
  try {
    reply = await route(emu, req.method ?? 'GET', path, raw)
  } catch (e) {
    reply = {
      status: e instanceof Refused ? e.status : 500,
      body: { message: e instanceof Error ? e.message : String(e) }
    }
  }
  if (!reply) return false
  if ('bytes' in reply) {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.bytes.length) })
    res.end(reply.bytes)
  } else {
    res.writeHead(reply.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(reply.body, null, 2) + '\n')
  }
  return true
}
