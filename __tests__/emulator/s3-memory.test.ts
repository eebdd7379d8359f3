// A 1 GiB artifact goes through the emulator (run as `npm run emulator` does, in a process of its own so its
// memory can be read) without the emulator holding it: upload and download stream to and from disk.
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

const GiB = 1024 * 1024 * 1024
const MiB = 1024 * 1024
let child: ChildProcessWithoutNullStreams
let out = ''
const exported: Record<string, string> = {}

function memory(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(
    readFileSync(`/proc/${child.pid}/status`, 'utf8')
  )
  if (!m) throw new Error(`no ${field} for the emulator process`)
  return Number(m[1]) * 1024
}

beforeAll(async () => {
  child = spawn(process.execPath, ['emulator/cli.ts'], { stdio: 'pipe' })
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ctrl-C to stop.')) resolve()
    })
    child.once('exit', code => reject(new Error(`emulator exited with ${code}: ${out}`)))
  })
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) exported[m[1]] = m[2].replace(/^'(.*)'$/, '$1')
})
afterAll(async () => {
  if (child.exitCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})

describe.each(process.platform === 'linux' ? [GiB] : [])('an artifact of %d bytes', size => {
  it('streams through the emulator: its memory does not grow with the upload, and the data is removed at exit', async () => {
    const admin = exported.EMULATOR_ADMIN_URL
    const created = await fetch(`${admin}/_emulator/artifact-jobs`, {
      method: 'POST',
      body: JSON.stringify({ outputArtifacts: ['BuildArtifact'] })
    })
    expect(created.status).toBe(201)
    const job = (await created.json()) as {
      id: string
      data: {
        artifactCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }
        outputArtifacts: Array<{ location: { s3Location: { bucketName: string; objectKey: string } } }>
      }
    }
    const { bucketName, objectKey } = job.data.outputArtifacts[0].location.s3Location
    const client = new S3Client({
      region: exported.AWS_REGION,
      endpoint: exported.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
      credentials: job.data.artifactCredentials
    })
    const before = memory('VmRSS')
    const chunk = Buffer.alloc(4 * MiB, 7)
    const body = Readable.from(
      (function* () {
        for (let sent = 0; sent < size; sent += chunk.length) yield chunk
      })()
    )
    await client.send(
      new PutObjectCommand({ Bucket: bucketName, Key: objectKey, Body: body, ContentLength: size })
    )
    const view = (await (await fetch(`${admin}/_emulator/jobs/${job.id}/artifacts`)).json()) as {
      outputArtifacts: Array<{ object: { size: number; path: string } | null }>
    }
    const stored = view.outputArtifacts[0].object
    expect(stored?.size).toBe(size)
    expect(existsSync(stored!.path)).toBe(true)

    const got = await client.send(new GetObjectCommand({ Bucket: bucketName, Key: objectKey }))
    let received = 0
    for await (const c of got.Body as Readable) received += (c as Buffer).length
    expect(received).toBe(size)

    // Peak resident memory of the emulator over the whole exchange, against where it started.
    expect(memory('VmHWM') - before).toBeLessThan(256 * MiB)

    const dir = /data in (\S+)\)/.exec(out)?.[1]
    expect(dir && stored!.path.startsWith(dir)).toBe(true)
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
    expect(existsSync(dir!)).toBe(false)
  }, 180_000)
})
