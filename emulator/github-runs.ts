// Workflow runs as lists and as things that end: "List workflow runs for a repository" / "for a workflow" (filters,
// newest first, pages), "Cancel a workflow run", a run's `display_title` from the workflow's `run-name`, and ending a
// run with any conclusion without a report. Choices the REST docs leave open are in emulator/README.md ("Runs").
import { json } from './http.ts'
import type { Reply } from './http.ts'
import type {
  Cancellation,
  Conclusion,
  Repo,
  Run,
  RunStatus,
  Workflow,
  WorkflowInput
} from './github-types.ts'

export const STATUSES: readonly RunStatus[] = [
  'queued',
  'in_progress',
  'completed',
  'waiting',
  'requested',
  'pending'
]
export const CONCLUSIONS: readonly Conclusion[] = [
  'success',
  'failure',
  'cancelled',
  'skipped',
  'timed_out',
  'neutral',
  'action_required',
  'startup_failure',
  'stale'
]
/** What a job (check run) can conclude; a run's startup_failure or stale is not one of them. */
export const JOB_CONCLUSIONS: readonly Conclusion[] = CONCLUSIONS.filter(
  c => c !== 'startup_failure' && c !== 'stale'
)
/** "This API will return up to 1,000 results for each search when using the following parameters" (REST docs). */
const SEARCH_PARAMETERS = ['actor', 'branch', 'check_suite_id', 'created', 'event', 'head_sha', 'status']
const SEARCH_LIMIT = 1000

/** Timestamps as GitHub writes them: whole seconds, `Z`. */
export function githubTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A run as the API shows it: without the emulator's bookkeeping (`jobs`, `inputs`). */
export function apiRun(run: Run): Record<string, unknown> {
  const view: Record<string, unknown> = structuredClone(run)
  delete view.jobs
  delete view.inputs
  return view
}

/**
 * A dispatched run's title: the workflow's `run-name` with `${{ inputs.NAME }}` and `${{ github.event.inputs.NAME }}`
 * replaced by the dispatch's value, else the input's declared default, else ''. Other expressions stay as written.
 */
export function renderRunName(
  runName: string,
  inputs: Record<string, string>,
  declared: Record<string, WorkflowInput>
): string {
  return runName.replace(
    /\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z_][\w-]*)\s*\}\}/g,
    (_, name: string) => inputs[name] ?? declared[name]?.default ?? ''
  )
}

/**
 * Ends a run (its current attempt) with `conclusion`: its unfinished jobs and their unfinished steps end with
 * `jobConclusion`, by default the run's own conclusion when a job can have it, else cancelled.
 */
export function finishRun(run: Run, conclusion: Conclusion, jobConclusion?: Conclusion): Run {
  const forJobs = jobConclusion ?? (JOB_CONCLUSIONS.includes(conclusion) ? conclusion : 'cancelled')
  const at = githubTime()
  run.status = 'completed'
  run.conclusion = conclusion
  run.updated_at = at
  for (const job of run.jobs.filter(j => j.run_attempt === run.run_attempt && j.status !== 'completed')) {
    job.status = 'completed'
    job.conclusion = forJobs
    job.completed_at = at
    for (const step of job.steps.filter(s => s.status !== 'completed')) {
      step.status = 'completed'
      step.conclusion = forJobs
    }
  }
  return run
}

/** A page of `items` as GitHub cuts it: `per_page` 1 to 100 (30 by default), `page` from 1. */
export function pageOf<T>(items: T[], url: URL): { slice: T[]; page: number; last: number } {
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100)
  const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1)
  const last = Math.max(Math.ceil(items.length / perPage), 1)
  return { slice: items.slice((page - 1) * perPage, page * perPage), page, last }
}

/** GitHub's error body and Link header, which github.ts builds for every endpoint. */
export interface Replies {
  error(status: number, message: string): Reply
  link(url: URL, page: number, last: number): string | undefined
}

/** The runs of a repository (or of one workflow), filtered by the query as GitHub filters them, newest first. */
export function listRuns(
  runs: Iterable<Run>,
  repo: Repo,
  url: URL,
  replies: Replies,
  workflow?: Workflow
): Reply {
  const q = url.searchParams
  for (const name of ['actor', 'check_suite_id']) {
    if (q.has(name)) {
      return {
        status: 501,
        headers: { 'content-type': 'text/plain' },
        body: `emulator: ${name} is not modelled`
      }
    }
  }
  const status = q.get('status')
  if (
    status !== null &&
    !(STATUSES as string[]).includes(status) &&
    !(CONCLUSIONS as string[]).includes(status)
  )
    return replies.error(422, `Invalid request.\n\nInvalid value for status: ${JSON.stringify(status)}.`)
  const exclude = q.get('exclude_pull_requests')
  if (exclude !== null && exclude !== 'true' && exclude !== 'false')
    return replies.error(
      422,
      `Invalid request.\n\nInvalid value for exclude_pull_requests: ${JSON.stringify(exclude)}.`
    )
  const created = q.get('created')
  const inCreated = created === null ? () => true : dateFilter(created)
  if (!inCreated)
    return replies.error(422, `Invalid request.\n\nInvalid value for created: ${JSON.stringify(created)}.`)
  const equal = (param: string, value: string): boolean => !q.has(param) || q.get(param) === value
  let found = [...runs]
    .filter(r => r.repository.full_name === repo.full_name && (!workflow || r.workflow_id === workflow.id))
    .filter(r => equal('branch', r.head_branch) && equal('event', r.event) && equal('head_sha', r.head_sha))
    .filter(r => status === null || r.status === status || r.conclusion === status)
    .filter(r => inCreated(Date.parse(r.created_at)))
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
  if (SEARCH_PARAMETERS.some(p => q.has(p))) found = found.slice(0, SEARCH_LIMIT)
  const { slice, page, last } = pageOf(found, url)
  const link = replies.link(url, page, last)
  return json(200, { total_count: found.length, workflow_runs: slice.map(apiRun) }, link ? { link } : {})
}

/** POST .../runs/{run_id}/cancel: 202 and the run cancelled at once, or 409 for a run that is already over. */
export function cancelRun(
  run: Run,
  requestId: string,
  cancellations: Cancellation[],
  replies: Replies
): Reply {
  if (run.status === 'completed') return replies.error(409, 'Cannot cancel a workflow run that is completed.')
  finishRun(run, 'cancelled')
  cancellations.push({ runId: run.id, at: new Date(), requestId })
  return json(202, {})
}

const DATE = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?$/
const DAY_MS = 24 * 60 * 60 * 1000

/** One side of a date qualifier: [first instant, instant after], a whole day for a date alone (UTC). */
function instant(text: string): [number, number] | undefined {
  const m = DATE.exec(text)
  if (!m) return undefined
  if (m[2] === undefined) {
    const start = Date.parse(`${m[1]}T00:00:00Z`)
    return Number.isNaN(start) ? undefined : [start, start + DAY_MS]
  }
  const zoned = /Z|[+-]\d{2}:\d{2}$/.test(m[2]) ? text : `${text}Z`
  const at = Date.parse(zoned)
  return Number.isNaN(at) ? undefined : [at, at + 1000]
}

/**
 * GitHub's search syntax for dates: `>=D`, `>D`, `<=D`, `<D`, `A..B` (either side `*`), or `D` alone; D a date
 * (`2026-12-06`, a whole UTC day) or a time (`2026-12-06T10:00:00Z`, an offset, or none for UTC).
 */
export function dateFilter(text: string): ((ms: number) => boolean) | undefined {
  const range = /^(.+)\.\.(.+)$/.exec(text)
  if (range) {
    const from = range[1] === '*' ? [-Infinity, -Infinity] : instant(range[1])
    const to = range[2] === '*' ? [Infinity, Infinity] : instant(range[2])
    if (!from || !to) return undefined
    return ms => ms >= from[0] && ms < to[1]
  }
  const op = /^(>=|<=|>|<)?(.+)$/.exec(text)
  const at = op ? instant(op[2]) : undefined
  if (!op || !at) return undefined
  switch (op[1]) {
    case '>=':
      return ms => ms >= at[0]
    case '>':
      return ms => ms >= at[1]
    case '<=':
      return ms => ms < at[1]
    case '<':
      return ms => ms < at[0]
    default:
      return ms => ms >= at[0] && ms < at[1]
  }
}
