import { randomBytes } from 'node:crypto'
import type {
  ApiJob,
  RunStatus,
  Conclusion,
  TokenInfo,
  Repo,
  WorkflowInput,
  Workflow,
  JobInit,
  Run,
  RunInit,
  Dispatch,
  Cancellation
} from './github-types.ts'
import { finishRun, githubTime, renderRunName } from './github-runs.ts'

const now = (): string => githubTime()

export class GitHubStore {
  readonly tokens = new Map<string, TokenInfo>()
  readonly repos = new Map<string, Repo>()
  readonly workflows: Workflow[] = []
  readonly runs = new Map<number, Run>()
  readonly dispatches: Dispatch[] = []
  /** Each cancel the REST API accepted. */
  readonly cancellations: Cancellation[] = []
  /** A token with actions: write, like a workflow's GITHUB_TOKEN with that permission. */
  readonly token = 'ghs_' + randomBytes(18).toString('hex')
  /** Set once the server listens (with the API's base path, e.g. /api/v3); runs' `url` fields point here. */
  apiUrl = 'http://127.0.0.1'
  /** The web host of `html_url` links: github.com, or the enterprise host the emulator plays. */
  serverUrl = 'https://github.com'
  private nextIds = { repo: 123456789, workflow: 161335, run: 1658821500, job: 31000000001 }

  constructor() {
    this.addToken(this.token, { permissions: { actions: 'write' } })
  }

  addToken(token: string, info: TokenInfo): void {
    this.tokens.set(token, info)
  }

  addRepo(
    fullName: string,
    opts: { defaultBranch?: string; branches?: string[]; tags?: string[] } = {}
  ): Repo {
    if (!/^[\w.-]+\/[\w.-]+$/.test(fullName))
      throw new Error(`repository must be owner/name, got ${fullName}`)
    const defaultBranch = opts.defaultBranch ?? 'main'
    const repo: Repo = {
      id: this.nextIds.repo++,
      full_name: fullName,
      default_branch: defaultBranch,
      html_url: `${this.serverUrl}/${fullName}`,
      branches: [...new Set([defaultBranch, ...(opts.branches ?? [])])],
      tags: opts.tags ?? []
    }
    this.repos.set(fullName.toLowerCase(), repo)
    return repo
  }

  repo(fullName: string): Repo | undefined {
    return this.repos.get(fullName.toLowerCase())
  }

  addWorkflow(
    repo: string,
    init: {
      file: string
      id?: number
      name?: string
      inputs?: Record<string, WorkflowInput>
      dispatchable?: boolean
      runName?: string
    }
  ): Workflow {
    const r = this.repo(repo) ?? this.addRepo(repo)
    const inputs = init.inputs ?? {}
    // GitHub refuses a workflow file declaring more workflow_dispatch inputs than this.
    if (Object.keys(inputs).length > 25)
      throw new Error('a workflow_dispatch trigger can declare at most 25 inputs')
    const wf: Workflow = {
      id: init.id ?? this.nextIds.workflow++,
      repo: r.full_name,
      name: init.name ?? init.file.replace(/\.ya?ml$/, ''),
      file: init.file,
      path: `.github/workflows/${init.file}`,
      dispatchable: init.dispatchable ?? true,
      inputs,
      ...(init.runName !== undefined ? { runName: init.runName } : {}),
      runCount: 0
    }
    this.workflows.push(wf)
    return wf
  }

  workflow(repo: string, idOrFile: string): Workflow | undefined {
    return this.workflows.find(
      w => w.repo.toLowerCase() === repo.toLowerCase() && (String(w.id) === idOrFile || w.file === idOrFile)
    )
  }

  addRun(repo: string, init: RunInit = {}): Run {
    const r = this.repo(repo) ?? this.addRepo(repo)
    const wf = init.workflow ? this.workflow(r.full_name, init.workflow) : undefined
    const id = init.id ?? this.freshRunId()
    if (this.runs.has(id)) throw new Error(`run ${id} already exists`)
    const runNumber = init.runNumber ?? (wf ? ++wf.runCount : 1)
    const name = init.name ?? wf?.name ?? 'Build'
    const status = init.status ?? (init.conclusion ? 'completed' : 'in_progress')
    const inputs = init.inputs ?? {}
    // GitHub's title for a dispatch without run-name is the workflow's name.
    const title =
      init.displayTitle ?? (wf?.runName !== undefined ? renderRunName(wf.runName, inputs, wf.inputs) : name)
    const created = githubTime(init.createdAt)
    const run: Run = {
      id,
      name,
      display_title: title,
      run_number: runNumber,
      run_attempt: init.attempt ?? 1,
      status,
      conclusion: init.conclusion ?? null,
      html_url: `${this.serverUrl}/${r.full_name}/actions/runs/${id}`,
      url: `${this.apiUrl}/repos/${r.full_name}/actions/runs/${id}`,
      jobs_url: `${this.apiUrl}/repos/${r.full_name}/actions/runs/${id}/jobs`,
      workflow_id: wf?.id ?? 161335,
      path: wf?.path ?? '.github/workflows/build.yml',
      head_branch: init.headBranch ?? r.default_branch,
      head_sha: randomBytes(20).toString('hex'),
      event: init.event ?? 'push',
      created_at: created,
      updated_at: created,
      run_started_at: created,
      repository: { full_name: r.full_name },
      jobs: [],
      ...(init.inputs !== undefined ? { inputs: structuredClone(inputs) } : {})
    }
    this.runs.set(id, run)
    this.setJobs(run, init.jobs ?? [])
    return run
  }

  run(id: number): Run | undefined {
    return this.runs.get(Number(id))
  }

  /**
   * Moves a run along; `jobs` replaces the jobs of its (possibly new) current attempt. `updated_at` becomes now,
   * except for `createdAt` alone, which backdates the run as if nothing happened to it since.
   */
  setRun(
    id: number,
    update: {
      status?: RunStatus
      conclusion?: Conclusion | null
      attempt?: number
      jobs?: JobInit[]
      createdAt?: Date
    }
  ): Run {
    const run = this.run(id)
    if (!run) throw new Error(`no run ${id}`)
    const { createdAt, ...change } = update
    if (createdAt) run.created_at = run.run_started_at = githubTime(createdAt)
    if (change.attempt !== undefined) run.run_attempt = change.attempt
    if (change.conclusion !== undefined) run.conclusion = change.conclusion
    if (change.status !== undefined) run.status = change.status
    else if (change.conclusion) run.status = 'completed'
    run.updated_at = Object.keys(change).length === 0 && createdAt ? run.created_at : now()
    if (change.jobs) this.setJobs(run, change.jobs)
    return run
  }

  /**
   * Ends a run with any conclusion, as if it finished without its report step running: its unfinished jobs and
   * steps end with `jobConclusion` (default: the run's conclusion, or cancelled for startup_failure and stale).
   */
  endRun(id: number, conclusion: Conclusion, jobConclusion?: Conclusion): Run {
    const run = this.run(id)
    if (!run) throw new Error(`no run ${id}`)
    return finishRun(run, conclusion, jobConclusion)
  }

  /** Moves one job of a run along (any attempt); `conclusion` alone means completed. */
  setJob(
    runId: number,
    jobId: number,
    update: { status?: RunStatus; conclusion?: Conclusion | null; runnerName?: string | null }
  ): ApiJob {
    const job = this.run(runId)?.jobs.find(j => j.id === Number(jobId))
    if (!job) throw new Error(`no job ${jobId} in run ${runId}`)
    if (update.conclusion !== undefined) job.conclusion = update.conclusion
    if (update.status !== undefined) job.status = update.status
    else if (update.conclusion) job.status = 'completed'
    if (update.runnerName !== undefined) job.runner_name = update.runnerName
    job.completed_at = job.status === 'completed' ? (job.completed_at ?? now()) : null
    return job
  }

  /** Moves one step of a job along, by its number (1-based, as the API shows it); `conclusion` alone means completed. */
  setStep(
    runId: number,
    jobId: number,
    number: number,
    update: { status?: RunStatus; conclusion?: Conclusion | null }
  ): ApiJob['steps'][number] {
    const job = this.run(runId)?.jobs.find(j => j.id === Number(jobId))
    const step = job?.steps.find(s => s.number === Number(number))
    if (!step) throw new Error(`no step ${number} in job ${jobId} of run ${runId}`)
    if (update.conclusion !== undefined) step.conclusion = update.conclusion
    if (update.status !== undefined) step.status = update.status
    else if (update.conclusion) step.status = 'completed'
    return step
  }

  private setJobs(run: Run, jobs: JobInit[]): void {
    run.jobs = run.jobs.filter(j => j.run_attempt !== run.run_attempt)
    jobs.forEach((j, index) => {
      const id = j.id ?? this.nextIds.job++
      const status = j.status ?? (j.conclusion ? 'completed' : 'in_progress')
      const repo = run.repository.full_name
      run.jobs.push({
        id,
        run_id: run.id,
        run_attempt: run.run_attempt,
        run_url: run.url,
        node_id: Buffer.from(`CheckRun${id}`).toString('base64'),
        head_sha: run.head_sha,
        head_branch: run.head_branch,
        url: `${this.apiUrl}/repos/${repo}/actions/jobs/${id}`,
        html_url: `${this.serverUrl}/${repo}/actions/runs/${run.id}/job/${id}`,
        name: j.name,
        workflow_name: run.name,
        status,
        conclusion: j.conclusion ?? null,
        created_at: run.created_at,
        started_at: now(),
        completed_at: status === 'completed' ? now() : null,
        labels: ['ubuntu-latest'],
        runner_name:
          j.runnerName === undefined
            ? status === 'queued'
              ? null
              : `GitHub Actions ${index + 1}`
            : j.runnerName,
        runner_group_name: 'GitHub Actions',
        steps: (j.steps ?? []).map((s, i) => ({
          name: s.name,
          status: s.status ?? (s.conclusion ? 'completed' : 'in_progress'),
          conclusion: s.conclusion ?? null,
          number: i + 1
        }))
      })
    })
  }

  freshRunId(): number {
    while (this.runs.has(this.nextIds.run)) this.nextIds.run++
    return this.nextIds.run++
  }
}
