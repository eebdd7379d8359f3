import type { IncomingMessage } from 'node:http'
import { isRecord, json, parseJson } from './http.ts'
import type { RecordedRequest, Reply, ServiceHandler } from './http.ts'
import { GitHubStore } from './github-store.ts'
import type { Repo, Run } from './github-types.ts'
import { apiRun, cancelRun, listRuns, pageOf } from './github-runs.ts'
import type { Replies } from './github-runs.ts'

const DOCS = 'https://docs.github.com/rest'
/** GitHub's documented maximum number of properties in a workflow_dispatch `inputs` object. */
export const MAX_DISPATCH_INPUTS = 25

interface Ctx {
  req: IncomingMessage
  params: Record<string, string>
  url: URL
  body: unknown
  repo: Repo
  requestId: string
}

interface Route {
  method: string
  template: string
  re: RegExp
  /** Permission needed on the `actions` scope, beyond seeing the repository. */
  actions?: 'read' | 'write'
  run: (ctx: Ctx) => Reply
}

function route(
  method: string,
  template: string,
  run: (ctx: Ctx) => Reply,
  actions?: 'read' | 'write'
): Route {
  const re = new RegExp('^' + template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)') + '$')
  return { method, template, re, run, actions }
}

function error(status: number, message: string): Reply {
  return json(status, { message, documentation_url: DOCS, status: String(status) })
}

/** The GitHub REST API endpoints a bridge between CodePipeline and Actions needs, on top of the store. */
export class GitHub extends GitHubStore implements ServiceHandler {
  readonly service = 'github' as const
  /** Where the API lives on its host: '' as on api.github.com, /api/v3 as on GitHub Enterprise Server. */
  apiPath = ''
  private readonly replies: Replies = { error, link: (url, page, last) => this.linkHeader(url, page, last) }
  private readonly routes: Route[] = [
    route('GET', '/repos/{owner}/{repo}', c => json(200, this.repoView(c.repo))),
    route('GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}', c => this.getWorkflow(c), 'read'),
    route(
      'GET',
      '/repos/{owner}/{repo}/actions/runs/{run_id}',
      c => this.withRun(c, run => json(200, apiRun(run))),
      'read'
    ),
    route(
      'GET',
      '/repos/{owner}/{repo}/actions/runs',
      c => listRuns(this.runs.values(), c.repo, c.url, this.replies),
      'read'
    ),
    route(
      'GET',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      c => this.listWorkflowRuns(c),
      'read'
    ),
    route(
      'POST',
      '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
      c => this.withRun(c, run => cancelRun(run, c.requestId, this.cancellations, this.replies)),
      'write'
    ),
    route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', c => this.listJobs(c), 'read'),
    route(
      'GET',
      '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
      c => this.listJobs(c),
      'read'
    ),
    route(
      'POST',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      c => this.dispatch(c),
      'write'
    )
  ]

  identify(req: IncomingMessage, raw: string): { operation: string; body: unknown } {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const route = this.routeOf(req.method, path)
    return { operation: `${req.method} ${route ? route.template : path}`, body: parseJson(raw) }
  }

  /** A request's path within the API (without apiPath), or undefined when it is outside the API. */
  private apiRoute(path: string): string | undefined {
    if (!this.apiPath) return path
    return path.startsWith(`${this.apiPath}/`) ? path.slice(this.apiPath.length) : undefined
  }

  private routeOf(method: string | undefined, path: string): Route | undefined {
    const inApi = this.apiRoute(path)
    return inApi === undefined ? undefined : this.routes.find(x => x.method === method && x.re.test(inApi))
  }

  handle(req: IncomingMessage, record: RecordedRequest): Reply {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`)
    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (!auth) return error(401, 'Requires authentication')
    const token = this.tokens.get(auth[1])
    if (!token) return error(401, 'Bad credentials')
    const r = this.routeOf(req.method, url.pathname)
    if (!r) return error(404, 'Not Found')
    const params = { ...r.re.exec(this.apiRoute(url.pathname) ?? '')?.groups } as Record<string, string>
    const full = `${params.owner}/${params.repo}`
    const repo = this.repo(full)
    const visible =
      !token.repositories || token.repositories.some(x => x.toLowerCase() === full.toLowerCase())
    if (!repo || !visible) return error(404, 'Not Found')
    const have = token.permissions.actions
    if ((r.actions === 'read' && have === 'none') || (r.actions === 'write' && have !== 'write')) {
      return error(403, 'Resource not accessible by integration')
    }
    return r.run({ req, params, url, body: record.body, repo, requestId: record.requestId })
  }

  fault(
    kind: 'throttle' | 'server-error',
    _record: RecordedRequest,
    status?: number,
    retryAfter?: number
  ): Reply {
    if (kind === 'server-error') return error(status ?? 500, 'Server Error')
    const reset = String(Math.floor(Date.now() / 1000) + (retryAfter ?? 0))
    return json(
      status ?? 429,
      {
        message: 'API rate limit exceeded for installation.',
        documentation_url: DOCS,
        status: String(status ?? 429)
      },
      { 'retry-after': String(retryAfter ?? 0), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }
    )
  }

  private repoView(repo: Repo): Record<string, unknown> {
    const [owner, name] = repo.full_name.split('/')
    return {
      id: repo.id,
      name,
      full_name: repo.full_name,
      owner: { login: owner },
      private: true,
      html_url: repo.html_url,
      url: `${this.apiUrl}/repos/${repo.full_name}`,
      default_branch: repo.default_branch
    }
  }

  private getWorkflow(c: Ctx): Reply {
    const wf = this.workflow(c.repo.full_name, c.params.workflow_id)
    if (!wf) return error(404, 'Not Found')
    const html = `${this.serverUrl}/${wf.repo}/blob/${c.repo.default_branch}/${wf.path}`
    return json(200, { id: wf.id, name: wf.name, path: wf.path, state: 'active', html_url: html })
  }

  private listWorkflowRuns(c: Ctx): Reply {
    const wf = this.workflow(c.repo.full_name, c.params.workflow_id)
    if (!wf) return error(404, 'Not Found')
    return listRuns(this.runs.values(), c.repo, c.url, this.replies, wf)
  }

  private withRun(c: Ctx, then: (run: Run) => Reply): Reply {
    const run = this.run(Number(c.params.run_id))
    if (!run || run.repository.full_name !== c.repo.full_name) return error(404, 'Not Found')
    return then(run)
  }

  private listJobs(c: Ctx): Reply {
    return this.withRun(c, run => {
      const attempt = c.params.attempt_number === undefined ? undefined : Number(c.params.attempt_number)
      if (attempt !== undefined && !(attempt >= 1 && attempt <= run.run_attempt))
        return error(404, 'Not Found')
      const all = c.url.searchParams.get('filter') === 'all' && attempt === undefined
      const jobs = run.jobs.filter(j => all || j.run_attempt === (attempt ?? run.run_attempt))
      const { slice, page, last } = pageOf(jobs, c.url)
      const headers: Record<string, string> = {}
      const link = this.linkHeader(c.url, page, last)
      if (link) headers.link = link
      return json(200, { total_count: jobs.length, jobs: structuredClone(slice) }, headers)
    })
  }

  /** RFC 8288 links as GitHub sends them: next/last while more pages remain, prev/first after page 1. */
  private linkHeader(url: URL, page: number, last: number): string | undefined {
    const at = (n: number): string => {
      const u = new URL(url.pathname + url.search, this.apiUrl)
      u.searchParams.set('page', String(n))
      return `<${u.toString()}>`
    }
    const parts: string[] = []
    if (page > 1) parts.push(`${at(Math.min(page - 1, last))}; rel="prev"`)
    if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`)
    if (page > 1) parts.push(`${at(1)}; rel="first"`)
    return parts.length > 0 ? parts.join(', ') : undefined
  }

  private dispatch(c: Ctx): Reply {
    const wf = this.workflow(c.repo.full_name, c.params.workflow_id)
    if (!wf) return error(404, 'Not Found')
    const body = isRecord(c.body) ? c.body : {}
    if (typeof body.ref !== 'string' || body.ref === '')
      return error(422, 'Invalid request.\n\n"ref" wasn\'t supplied.')
    const inputs = body.inputs === undefined || body.inputs === null ? {} : body.inputs
    if (!isRecord(inputs))
      return error(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.")
    const names = Object.keys(inputs)
    if (names.length > MAX_DISPATCH_INPUTS) {
      return error(
        422,
        `Invalid request.\n\nFor 'properties/inputs', more than ${MAX_DISPATCH_INPUTS} properties were supplied.`
      )
    }
    // The request schema types every input value as a string, whatever the workflow declares (boolean, number).
    for (const [name, value] of Object.entries(inputs)) {
      if (typeof value !== 'string') {
        return error(
          422,
          `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.`
        )
      }
    }
    const ref = body.ref
    const branch = ref.replace(/^refs\/heads\//, '')
    const tag = ref.replace(/^refs\/tags\//, '')
    const isBranch = !ref.startsWith('refs/tags/') && c.repo.branches.includes(branch)
    const isTag = !ref.startsWith('refs/heads/') && c.repo.tags.includes(tag)
    if (!isBranch && !isTag) return error(422, `No ref found for: ${ref}`)
    if (!wf.dispatchable) return error(422, "Workflow does not have 'workflow_dispatch' trigger")
    const unexpected = names.filter(n => !(n in wf.inputs))
    if (unexpected.length > 0) return error(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`)
    for (const [name, spec] of Object.entries(wf.inputs)) {
      const value = inputs[name]
      if (spec.required && (value === undefined || value === '') && spec.default === undefined) {
        return error(422, `Required input '${name}' not provided`)
      }
      if (spec.type === 'choice' && value !== undefined && !(spec.options ?? []).includes(String(value))) {
        return error(
          422,
          `Provided value '${String(value)}' for input '${name}' not in the list of allowed values`
        )
      }
    }
    wf.runCount++
    const run = this.addRun(c.repo.full_name, {
      workflow: wf.file,
      runNumber: wf.runCount,
      status: 'queued',
      headBranch: isBranch ? branch : tag,
      event: 'workflow_dispatch',
      inputs: inputs as Record<string, string>
    })
    const returnRunDetails = body.return_run_details === true
    this.dispatches.push({
      repo: c.repo.full_name,
      workflow: wf.file,
      ref,
      inputs,
      returnRunDetails,
      runId: run.id,
      at: new Date(),
      requestId: c.requestId
    })
    if (!returnRunDetails) return { status: 204 }
    const runUrl = `${this.apiUrl}/repos/${c.repo.full_name}/actions/runs/${run.id}`
    return json(200, { workflow_run_id: run.id, run_url: runUrl, html_url: run.html_url })
  }
}
