// Jobs with artifacts: input artifacts are ZIP files the emulator stores in the artifact bucket before handing
// out the job (as an earlier stage of the pipeline would have), output artifacts are locations the job worker
// must upload to; tests then read back what arrived there, with the encryption headers it came with.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { fromBufferPromise } from 'yauzl'
import { ZipFile } from 'yazl'
import type { Artifact, Job, JobInit } from './codepipeline-jobs.ts'
import type { S3, StoredObject } from './s3.ts'

export interface InputArtifactInit {
  /** CodePipeline artifact name: letters, digits, `_` and `-`, up to 100. */
  name: string
  /** The ZIP's files, by path inside it. */
  files?: Record<string, string | Uint8Array>
  /** A ready ZIP instead of `files`: its bytes, or the path of a ZIP file. */
  zip?: Uint8Array | { path: string }
  revision?: string
  /** Default: the job's artifact bucket and `<pipeline>/<artifact>/<random>`, as CodePipeline names them. */
  bucket?: string
  key?: string
}

export interface OutputArtifactInit {
  name: string
  bucket?: string
  key?: string
}

export interface ArtifactJobInit extends Omit<
  JobInit,
  'inputArtifacts' | 'outputArtifacts' | 'encryptionKey'
> {
  inputArtifacts?: InputArtifactInit[]
  /** Names, or names with a location; default none. */
  outputArtifacts?: Array<string | OutputArtifactInit>
  /** The artifact store's customer-managed KMS key (key id, key ARN or alias ARN). */
  encryptionKey?: { id: string; type?: 'KMS' }
}

const ARTIFACT_NAME = /^[a-zA-Z0-9_-]{1,100}$/
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomSuffix(): string {
  return Array.from(randomBytes(7), b => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('')
}

async function collect(stream: NodeJS.ReadableStream | Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks)
}

/** A ZIP file of these files (fixed timestamps, so the same files give the same bytes). */
export async function zipFiles(files: Record<string, string | Uint8Array>): Promise<Buffer> {
  const zip = new ZipFile()
  for (const [name, content] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(content), name, { mtime: new Date(Date.UTC(2024, 0, 1)) })
  }
  zip.end()
  return collect(zip.outputStream)
}

/** The files of a ZIP (bytes or a file path), by path; directories are left out. */
export async function unzip(zip: Uint8Array | { path: string }): Promise<Record<string, Buffer>> {
  const data = zip instanceof Uint8Array ? Buffer.from(zip) : await readFile(zip.path)
  const archive = await fromBufferPromise(data, { lazyEntries: true })
  const files: Record<string, Buffer> = {}
  try {
    for await (const entry of archive.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue
      files[entry.fileName] = await collect(await archive.openReadStreamPromise(entry))
    }
  } finally {
    archive.close()
  }
  return files
}

export class Artifacts {
  private readonly s3: S3
  private readonly codepipeline: { addJob(init: JobInit): Job; job(id: string): Job | undefined }

  constructor(s3: S3, codepipeline: { addJob(init: JobInit): Job; job(id: string): Job | undefined }) {
    this.s3 = s3
    this.codepipeline = codepipeline
  }

  /**
   * A job whose input artifacts are already in the artifact store and whose output artifacts are locations to
   * upload to; InProgress unless `state` says otherwise. Input objects are stored with SSE-KMS, as CodePipeline
   * stores them (with `encryptionKey` when given).
   */
  async addJob(init: ArtifactJobInit = {}): Promise<Job> {
    const { inputArtifacts = [], outputArtifacts = [], encryptionKey, ...rest } = init
    const accountId = init.accountId ?? this.s3.accountId
    const bucket = this.s3.artifactBucket(accountId)
    const pipelineName = init.pipelineName ?? 'my-pipeline'
    const seen = new Set<string>()
    const outputs = outputArtifacts.map(o => (typeof o === 'string' ? { name: o } : o))
    for (const { name } of [...inputArtifacts, ...outputs]) {
      if (!ARTIFACT_NAME.test(name))
        throw new Error(`artifact name ${JSON.stringify(name)} is not a valid artifact name`)
      if (seen.has(name)) throw new Error(`two of the job's artifacts are named ${name}`)
      seen.add(name)
    }
    // CodePipeline shortens both names in the key: the pipeline to 20 characters, the artifact to 10.
    const location = (name: string, b?: string, k?: string): Artifact['location'] => ({
      type: 'S3',
      s3Location: {
        bucketName: b ?? bucket,
        objectKey: k ?? `${pipelineName.slice(0, 20)}/${name.slice(0, 10)}/${randomSuffix()}`
      }
    })
    if (!this.s3.bucketExists(bucket)) this.s3.addBucket(bucket)
    const inputs: Artifact[] = []
    for (const input of inputArtifacts) {
      if ((input.files === undefined) === (input.zip === undefined)) {
        throw new Error(`input artifact ${input.name}: give either files or zip`)
      }
      const loc = location(input.name, input.bucket, input.key)
      const body = input.zip ?? (await zipFiles(input.files ?? {}))
      await this.s3.putObject(
        loc.s3Location.bucketName,
        loc.s3Location.objectKey,
        body instanceof Uint8Array ? body : { file: body.path },
        { sse: { serverSideEncryption: 'aws:kms', ...(encryptionKey ? { kmsKeyId: encryptionKey.id } : {}) } }
      )
      inputs.push({
        name: input.name,
        revision: input.revision ?? randomBytes(20).toString('hex'),
        location: loc
      })
    }
    const outs: Artifact[] = outputs.map(o => {
      const loc = location(o.name, o.bucket, o.key)
      if (!this.s3.bucketExists(loc.s3Location.bucketName)) this.s3.addBucket(loc.s3Location.bucketName)
      return { name: o.name, location: loc }
    })
    return this.codepipeline.addJob({
      ...rest,
      inputArtifacts: inputs,
      outputArtifacts: outs,
      ...(encryptionKey ? { encryptionKey: { id: encryptionKey.id, type: 'KMS' } } : {})
    })
  }

  /** Like addJob, Queued for PollForJobs. */
  queueJob(init: ArtifactJobInit = {}): Promise<Job> {
    return this.addJob({ ...init, state: 'Queued' })
  }

  private artifact(jobId: string, name: string, kind: 'inputArtifacts' | 'outputArtifacts'): Artifact {
    const job = this.codepipeline.job(jobId)
    if (!job) throw new Error(`no job ${jobId}`)
    const artifact = job.data[kind].find(a => a.name === name)
    if (!artifact) {
      const names = job.data[kind].map(a => a.name).join(', ') || 'none'
      throw new Error(
        `job ${jobId} has no ${kind === 'inputArtifacts' ? 'input' : 'output'} artifact ${name} (it has ${names})`
      )
    }
    return artifact
  }

  /** What the job worker uploaded to an output artifact's location (path, size, sse, uploadedBy…); undefined until it has. */
  output(jobId: string, name: string): StoredObject | undefined {
    const { bucketName, objectKey } = this.artifact(jobId, name, 'outputArtifacts').location.s3Location
    return this.s3.object(bucketName, objectKey)
  }

  /** The stored input artifact. */
  input(jobId: string, name: string): StoredObject | undefined {
    const { bucketName, objectKey } = this.artifact(jobId, name, 'inputArtifacts').location.s3Location
    return this.s3.object(bucketName, objectKey)
  }

  /** The bytes uploaded to an output artifact's location. */
  async outputBytes(jobId: string, name: string): Promise<Buffer> {
    const obj = this.output(jobId, name)
    if (!obj) throw new Error(`nothing was uploaded to output artifact ${name} of job ${jobId}`)
    return readFile(obj.path)
  }

  /** The files of the ZIP uploaded to an output artifact's location. */
  async outputFiles(jobId: string, name: string): Promise<Record<string, Buffer>> {
    return unzip(await this.outputBytes(jobId, name))
  }
}
