import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JobInit } from './codepipeline-jobs.ts'
import type { JobInit as GitHubJobInit, RunStatus, Conclusion, WorkflowInput } from './github-types.ts'
import { isRecord, parseJson, readBody } from './http.ts'
import type { Emulator } from './index.ts'
import { serveS3Admin } from './s3-admin.ts'

// A small JSON API so shell scripts can drive a running emulator (create jobs, finish runs) without
// writing TypeScript; tests use the in-process objects instead.

interface AdminReply {
  status: number
  body?: unknown
}

function handle(emu: Emulator, method: string, path: string, body: unknown): AdminReply {
  const b = isRecord(body) ? body : {}
  const jobView = (id: string): unknown => {
    const job = emu.codepipeline.job(id)
    return (
      job && {
        id: job.id,
        state: job.state,
        results: job.results,
        previousJobId: job.previousJobId,
        data: job.data
      }
    )
  }
  if (method === 'GET' && path === '/_emulator/jobs')
    return { status: 200, body: emu.codepipeline.jobs.map(j => jobView(j.id)) }
  if (method === 'POST' && path === '/_emulator/jobs') {
    const init = b as JobInit & { queue?: boolean }
    const job = init.queue ? emu.codepipeline.queueJob(init) : emu.codepipeline.addJob(init)
    return { status: 201, body: jobView(job.id) }
  }
  let m = /^\/_emulator\/jobs\/([^/]+)\/timeout$/.exec(path)
  if (method === 'POST' && m) return { status: 200, body: jobView(emu.codepipeline.timeOut(m[1]).id) }
  if (method === 'GET' && path === '/_emulator/runs')
    return { status: 200, body: [...emu.github.runs.values()] }
  m = /^\/_emulator\/runs\/(\d+)$/.exec(path)
  if (method === 'POST' && m) {
    const update = b as {
      status?: RunStatus
      conclusion?: Conclusion | null
      attempt?: number
      jobs?: GitHubJobInit[]
    }
    return { status: 200, body: emu.github.setRun(Number(m[1]), update) }
  }
  if (method === 'POST' && path === '/_emulator/workflows') {
    const { repo, ...init } = b as { repo: string; file: string; inputs?: Record<string, WorkflowInput> }
    return { status: 201, body: emu.github.addWorkflow(repo, init) }
  }
  if (method === 'GET' && path === '/_emulator/dispatches')
    return { status: 200, body: emu.github.dispatches }
  if (method === 'GET' && path === '/_emulator/requests') return { status: 200, body: emu.requests }
  return { status: 404, body: { message: `no admin route ${method} ${path}` } }
}

export async function startAdmin(emu: Emulator, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const raw = await readBody(req)
    // The artifact store's routes (artifact jobs, uploads, objects, refusals): s3-admin.ts.
    if (await serveS3Admin(emu, req, res, raw)) return
    let reply: AdminReply
    try {
      reply = handle(emu, req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname, parseJson(raw))
    } catch (e) {
      reply = { status: 400, body: { message: e instanceof Error ? e.message : String(e) } }
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(reply.body, null, 2) + '\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
