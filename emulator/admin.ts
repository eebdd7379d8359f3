import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { lifecycleRoute } from './admin-lifecycle.ts'
import { strictRoute } from './admin-routes.ts'
import type { AdminReply } from './admin-routes.ts'
import { parseJson, readBody } from './http.ts'
import type { Emulator } from './index.ts'
import { serveS3Admin } from './s3-admin.ts'

// A small JSON API so shell scripts can drive a running emulator (create jobs, finish runs) without
// writing TypeScript; tests use the in-process objects instead.

function handle(emu: Emulator, method: string, path: string, body: unknown): AdminReply {
  // Jobs, runs (with their jobs and steps), workflows, credentials, action types and wake-ups, with strict bodies;
  // then stops, cancelled actions, ended runs and the stop rule.
  const strict = strictRoute(emu, method, path, body) ?? lifecycleRoute(emu, method, path, body)
  if (strict) return strict
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
