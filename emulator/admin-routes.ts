// The admin API's routes, with strict bodies (admin-schema.ts): jobs, runs (with jobs and steps, for trying the
// report action's job mode by hand), workflows, credentials, action types and wake-ups. Each route answers JSON;
// unknown jobs, runs, run jobs and steps answer 404. Documented in emulator/README.md.
import { typeKey } from './action-types.ts'
import type { ActionType, ActionTypeId } from './action-types.ts'
import {
  AdminError,
  answering,
  arrayOf,
  badRequest,
  bool,
  either,
  int,
  mapOf,
  noBody,
  notFound,
  nullable,
  object,
  oneOf,
  parseBody,
  str
} from './admin-schema.ts'
import type { Check } from './admin-schema.ts'
import type { JobInit } from './codepipeline-jobs.ts'
import { knownKeys } from './credentials.ts'
import { CONCLUSIONS, STATUSES } from './github-runs.ts'
import type { Conclusion, JobInit as RunJobInit, Run, RunStatus, StepInit } from './github-types.ts'
import type { Emulator } from './index.ts'
import type { WakeUp, WakeUpDelivery } from './wakeup.ts'

export interface AdminReply {
  status: number
  body?: unknown
}

/** The repository and runner a hand-made run gets unless told otherwise (the CLI seeds this repository). */
export const RUN_DEFAULTS = { repo: 'octo-org/octo-repo', job: 'build', runnerName: 'GitHub Actions 1' }

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const REPO = /^[\w.-]+\/[\w.-]+$/
const NAME = str({ min: 1, max: 100 })

export const status = oneOf(STATUSES)
export const conclusion = nullable(oneOf(CONCLUSIONS))
const uuid = str({ pattern: JOB_ID, hint: 'a lower-case UUID' })
/** A time to backdate a run to, e.g. `date -u -d '45 minutes ago' +%FT%TZ`. */
const time = str({
  pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  hint: 'an ISO 8601 time such as 2026-12-06T10:00:00Z'
})

const actionTypeId = object({
  category: oneOf(['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute']),
  owner: oneOf(['Custom']),
  provider: str({ pattern: /^[0-9A-Za-z_-]{1,35}$/, hint: '1 to 35 letters, digits, _ or -' }),
  version: str({ pattern: /^[0-9A-Za-z_-]{1,9}$/, hint: '1 to 9 letters, digits, _ or -' })
})

const artifact = object(
  {
    name: str({ min: 1 }),
    revision: str(),
    location: object(
      {
        type: oneOf(['S3']),
        s3Location: object({ bucketName: str({ min: 1 }), objectKey: str({ min: 1 }) }, [
          'bucketName',
          'objectKey'
        ])
      },
      ['type', 's3Location']
    )
  },
  ['name', 'location']
)

const jobBody = object({
  queue: bool,
  id: str({ pattern: JOB_ID, hint: 'a CodePipeline job ID (a lower-case UUID)' }),
  accountId: str({ pattern: /^\d{12}$/, hint: '12 digits' }),
  state: oneOf([
    'Created',
    'Queued',
    'Dispatched',
    'InProgress',
    'TimedOut',
    'Succeeded',
    'Failed',
    'Abandoned'
  ]),
  actionTypeId,
  configuration: mapOf(str()),
  pipelineName: str({ pattern: /^[A-Za-z0-9.@\-_]{1,100}$/, hint: '1 to 100 letters, digits, ., @, - or _' }),
  stageName: NAME,
  actionName: NAME,
  pipelineExecutionId: uuid,
  actionExecutionId: uuid,
  continuationToken: str({ min: 1, max: 2048 }),
  inputArtifacts: arrayOf(artifact),
  outputArtifacts: arrayOf(artifact)
})

/** A step: a name (completed with success), or an object with its status and conclusion. */
const step = either(
  str({ min: 1 }),
  object({ name: str({ min: 1 }), status, conclusion }, ['name']) as Check<StepInit>,
  'a step name or {"name", "status", "conclusion"}'
)

function stepInit(s: StepInit | string, at: string): StepInit {
  if (typeof s === 'string') return { name: s, status: 'completed', conclusion: 'success' }
  checkState(s, at)
  return s
}

/** A conclusion belongs to something completed, and something completed has one. */
function checkState(s: { status?: RunStatus; conclusion?: Conclusion | null }, at: string): void {
  const dot = at ? `${at}.` : ''
  if (s.conclusion && s.status !== undefined && s.status !== 'completed')
    throw badRequest(`${dot}conclusion is only for status completed, not ${s.status}`, `${dot}conclusion`)
  if (s.status === 'completed' && !s.conclusion)
    throw badRequest(
      `${dot}status completed needs a conclusion (${CONCLUSIONS.join(', ')})`,
      `${dot}conclusion`
    )
}

const runJob = object(
  {
    id: int(1),
    name: NAME,
    status,
    conclusion,
    runnerName: nullable(str({ min: 1 })),
    steps: arrayOf(step)
  },
  ['name']
)

function runJobInit(j: ReturnType<typeof runJob>, at: string): RunJobInit {
  checkState(j, at)
  return {
    ...(j as RunJobInit),
    ...(j.steps ? { steps: j.steps.map((s, i) => stepInit(s, `${at}.steps[${i}]`)) } : {})
  }
}

const runBody = object({
  repo: str({ pattern: REPO, hint: 'owner/name' }),
  workflow: str({ min: 1 }),
  name: NAME,
  id: int(1),
  runNumber: int(1),
  attempt: int(1),
  status,
  conclusion,
  headBranch: str({ min: 1 }),
  event: str({ min: 1 }),
  jobs: arrayOf(runJob),
  job: NAME,
  runnerName: str({ min: 1 }),
  steps: arrayOf(step),
  createdAt: time,
  inputs: mapOf(str()),
  displayTitle: str({ min: 1 })
})

const runUpdate = object({ status, conclusion, attempt: int(1), jobs: arrayOf(runJob), createdAt: time })
const stateUpdate = object({ status, conclusion })

const workflowBody = object(
  {
    repo: str({ pattern: REPO, hint: 'owner/name' }),
    file: str({ pattern: /^[\w.-]+\.ya?ml$/, hint: 'a workflow file name such as build.yml' }),
    id: int(1),
    name: NAME,
    dispatchable: bool,
    runName: str({ min: 1 }),
    inputs: mapOf(
      object({
        required: bool,
        type: oneOf(['string', 'boolean', 'choice', 'number', 'environment']),
        options: arrayOf(str()),
        default: str(),
        description: str()
      })
    )
  },
  ['repo', 'file']
)

const credentialsBody = object(
  {
    accessKeyId: str({
      pattern: /^[A-Z0-9]{16,128}$/,
      hint: '16 to 128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE'
    }),
    secretAccessKey: str({ min: 1 }),
    arn: str({ pattern: /^arn:aws[\w-]*:(iam|sts)::\d{12}:\S+$/, hint: 'an IAM user or role ARN' })
  },
  ['accessKeyId', 'secretAccessKey']
)

const actionTypeBody = object(
  {
    category: oneOf(['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute']),
    owner: oneOf(['Custom']),
    provider: str({ pattern: /^[0-9A-Za-z_-]{1,35}$/, hint: '1 to 35 letters, digits, _ or -' }),
    version: str({ pattern: /^[0-9A-Za-z_-]{1,9}$/, hint: '1 to 9 letters, digits, _ or -' }),
    properties: arrayOf(
      object(
        {
          name: str({ min: 1, max: 50 }),
          required: bool,
          key: bool,
          secret: bool,
          queryable: bool,
          type: oneOf(['String', 'Number', 'Boolean']),
          description: str({ min: 1, max: 160 })
        },
        ['name']
      )
    )
  },
  ['provider']
)

export const wakeUpBody = object(
  {
    actionTypeId,
    repository: str({ pattern: REPO, hint: 'owner/name' }),
    workflow: str({ min: 1 }),
    ref: str({ min: 1 }),
    token: str({ min: 1 }),
    delayMs: int(0, 600_000),
    maxAttempts: int(1, 185),
    retryDelayMs: int(0, 600_000)
  },
  ['repository', 'workflow']
)

function fullType(t: Partial<ActionTypeId> | undefined): ActionTypeId {
  return { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1', ...t }
}

/** Runs `then`, turning the Error an in-process call throws for a bad value into a 400 (or 409 for a duplicate). */
export function refusing<T>(then: () => T, field?: string): T {
  try {
    return then()
  } catch (e) {
    if (e instanceof AdminError || !(e instanceof Error)) throw e
    throw new AdminError(/already exists/.test(e.message) ? 409 : 400, e.message, field)
  }
}

export function jobView(emu: Emulator, id: string): unknown {
  const job = emu.codepipeline.job(id)
  if (!job) throw notFound(`no job ${id}; GET /_emulator/jobs lists them`)
  return {
    id: job.id,
    state: job.state,
    results: job.results,
    previousJobId: job.previousJobId,
    createdAt: job.createdAt,
    lastUpdateTime: job.lastUpdateTime,
    data: job.data
  }
}

export function mustRun(emu: Emulator, id: string): Run {
  const run = emu.github.run(Number(id))
  if (!run) throw notFound(`no run ${id}; GET /_emulator/runs lists them`)
  return run
}

/** A run with, for trying the report action by hand, the variables its current job's runner would set. */
export function runView(run: Run): unknown {
  const current = run.jobs.find(j => j.run_attempt === run.run_attempt && j.status === 'in_progress')
  return {
    ...run,
    env: {
      GITHUB_REPOSITORY: run.repository.full_name,
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_ATTEMPT: String(run.run_attempt),
      GITHUB_RUN_NUMBER: String(run.run_number),
      GITHUB_WORKFLOW: run.name,
      // What the report action reads to check that a CodePipeline job is this workflow's.
      GITHUB_WORKFLOW_REF: `${run.repository.full_name}/${run.path}@refs/heads/${run.head_branch}`,
      ...(current?.runner_name ? { RUNNER_NAME: current.runner_name } : {})
    }
  }
}

function actionTypeView(t: ActionType): unknown {
  return { ...t.id, key: typeKey(t.id), declared: t.declared, properties: t.properties }
}

export function wakeUpView(w: WakeUp): unknown {
  return { ...w, token: '***' }
}

function deliveryView(d: WakeUpDelivery): unknown {
  return { ...d, request: { ...d.request, headers: { ...d.request.headers, Authorization: 'Bearer ***' } } }
}

function createJob(emu: Emulator, body: unknown): AdminReply {
  const b = parseBody(body, jobBody)
  if (b.queue && b.state !== undefined && b.state !== 'Queued')
    throw badRequest(`queue: true makes the job Queued; drop state (${b.state}) or queue`, 'state')
  const type = fullType(b.actionTypeId)
  const unknown = emu.codepipeline.actionTypes.unknownKeys(type, b.configuration ?? {})
  if (unknown.length > 0) {
    const props = emu.codepipeline.actionTypes.get(type)?.properties.map(p => p.name) ?? []
    throw badRequest(
      `configuration.${unknown[0]} is not a property of action type ${typeKey(type)}; its properties are: ${props.join(', ')}`,
      `configuration.${unknown[0]}`
    )
  }
  const { queue, ...init } = b
  const job = refusing(() =>
    queue || init.state === 'Queued'
      ? emu.codepipeline.queueJob(init as JobInit)
      : emu.codepipeline.addJob(init as JobInit)
  )
  return { status: 201, body: jobView(emu, job.id) }
}

function createRun(emu: Emulator, body: unknown): AdminReply {
  const b = parseBody(body, runBody)
  checkState(b, '')
  const shorthand = (['job', 'runnerName', 'steps'] as const).filter(k => b[k] !== undefined)
  if (b.jobs && shorthand.length > 0)
    throw badRequest(`give either jobs or ${shorthand.join(', ')} (one job), not both`, shorthand[0])
  // The one job of the shorthand waits for a runner in a queued run; a run that never started has none.
  const queued = b.status === 'queued'
  const jobs: RunJobInit[] = b.jobs
    ? b.jobs.map((j, i) => runJobInit(j, `jobs[${i}]`))
    : b.conclusion === 'startup_failure'
      ? []
      : [
          {
            name: b.job ?? RUN_DEFAULTS.job,
            status: queued ? 'queued' : 'in_progress',
            runnerName: queued ? (b.runnerName ?? null) : (b.runnerName ?? RUN_DEFAULTS.runnerName),
            steps: (b.steps ?? (queued ? [] : ['Set up job'])).map((s, i) => stepInit(s, `steps[${i}]`))
          }
        ]
  const run = refusing(() =>
    emu.github.addRun(b.repo ?? RUN_DEFAULTS.repo, {
      status: b.status ?? (b.conclusion ? 'completed' : 'in_progress'),
      ...(b.conclusion !== undefined ? { conclusion: b.conclusion } : {}),
      ...(b.workflow !== undefined ? { workflow: b.workflow } : {}),
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.id !== undefined ? { id: b.id } : {}),
      ...(b.runNumber !== undefined ? { runNumber: b.runNumber } : {}),
      ...(b.attempt !== undefined ? { attempt: b.attempt } : {}),
      ...(b.headBranch !== undefined ? { headBranch: b.headBranch } : {}),
      ...(b.event !== undefined ? { event: b.event } : {}),
      ...(b.createdAt !== undefined ? { createdAt: new Date(b.createdAt) } : {}),
      ...(b.inputs !== undefined ? { inputs: b.inputs } : {}),
      ...(b.displayTitle !== undefined ? { displayTitle: b.displayTitle } : {}),
      jobs
    })
  )
  // A run created over, without jobs of its own: the shorthand job ended as it did.
  if (b.conclusion && !b.jobs) emu.github.endRun(run.id, b.conclusion)
  return { status: 201, body: runView(run) }
}

function updateRun(emu: Emulator, id: string, body: unknown): AdminReply {
  const run = mustRun(emu, id)
  const b = parseBody(body, runUpdate)
  checkState(b, '')
  if (b.attempt !== undefined && b.attempt < run.run_attempt)
    throw badRequest(`attempt ${b.attempt} is before the run's attempt ${run.run_attempt}`, 'attempt')
  const { jobs, createdAt, ...update } = b
  const inits = jobs?.map((j, i) => runJobInit(j, `jobs[${i}]`))
  return {
    status: 200,
    body: runView(
      emu.github.setRun(run.id, {
        ...update,
        ...(inits ? { jobs: inits } : {}),
        ...(createdAt !== undefined ? { createdAt: new Date(createdAt) } : {})
      })
    )
  }
}

function stateBody(body: unknown): { status?: RunStatus; conclusion?: Conclusion | null } {
  const b = parseBody(body, stateUpdate)
  if (b.status === undefined && b.conclusion === undefined)
    throw badRequest('give status, conclusion or both, e.g. {"conclusion": "failure"}', 'conclusion')
  checkState(b, '')
  return b
}

function updateJob(emu: Emulator, runId: string, jobId: string, body: unknown): AdminReply {
  const run = mustRun(emu, runId)
  if (!run.jobs.some(j => j.id === Number(jobId))) throw notFound(`run ${runId} has no job ${jobId}`)
  return { status: 200, body: emu.github.setJob(run.id, Number(jobId), stateBody(body)) }
}

function updateStep(
  emu: Emulator,
  runId: string,
  jobId: string | undefined,
  n: string,
  body: unknown
): AdminReply {
  const run = mustRun(emu, runId)
  let job = run.jobs.find(j => j.id === Number(jobId))
  if (jobId === undefined) {
    const current = run.jobs.filter(j => j.run_attempt === run.run_attempt)
    if (current.length !== 1) {
      throw badRequest(
        `run ${runId} has ${current.length} jobs in attempt ${run.run_attempt}: ` +
          `name one with /_emulator/runs/${runId}/jobs/<job id>/steps/${n}`
      )
    }
    job = current[0]
  }
  if (!job) throw notFound(`run ${runId} has no job ${jobId}`)
  if (!job.steps.some(s => s.number === Number(n)))
    throw notFound(`job ${job.id} has no step ${n}; its steps are numbered 1 to ${job.steps.length}`)
  const update = stateBody(body)
  emu.github.setStep(run.id, job.id, Number(n), update)
  return { status: 200, body: job }
}

function addCredentials(emu: Emulator, body: unknown): AdminReply {
  const b = parseBody(body, credentialsBody)
  const accessKeyId = b.accessKeyId as string
  const known = emu.sts.staticCredentials.find(c => c.accessKeyId === accessKeyId)
  if (known && known.secretAccessKey !== b.secretAccessKey)
    throw new AdminError(409, `access key ${accessKeyId} is already known with another secret`, 'accessKeyId')
  if (emu.sts.issued.some(c => c.accessKeyId === accessKeyId))
    throw new AdminError(409, `access key ${accessKeyId} is a session key the emulator issued`, 'accessKeyId')
  if (!known)
    emu.sts.addStaticCredentials({
      accessKeyId,
      secretAccessKey: b.secretAccessKey as string,
      ...(b.arn ? { arn: b.arn } : {})
    })
  return { status: known ? 200 : 201, body: knownKeys(emu.sts).find(k => k.accessKeyId === accessKeyId) }
}

function registerActionType(emu: Emulator, body: unknown): AdminReply {
  const { properties, ...id } = parseBody(body, actionTypeBody)
  const type = refusing(
    () =>
      emu.codepipeline.registerActionType(
        fullType(id as Partial<ActionTypeId>),
        (properties ?? []) as Array<{ name: string }>
      ),
    'properties'
  )
  return { status: 201, body: actionTypeView(type) }
}

function configureWakeUp(emu: Emulator, body: unknown): AdminReply {
  const b = parseBody(body, wakeUpBody)
  const wakeUp = emu.wakeUp.configure(b as Parameters<Emulator['wakeUp']['configure']>[0])
  return { status: 201, body: wakeUpView(wakeUp) }
}

/** Answers the routes above, or undefined for a path they do not cover. */
export function strictRoute(
  emu: Emulator,
  method: string,
  path: string,
  body: unknown
): AdminReply | undefined {
  const ok = (value: unknown): AdminReply => ({ status: 200, body: value })
  const get = (): AdminReply | undefined => {
    if (method !== 'GET') return undefined
    noBody(body)
    switch (path) {
      case '/_emulator/jobs':
        return ok(emu.codepipeline.jobs.map(j => jobView(emu, j.id)))
      case '/_emulator/runs':
        return ok([...emu.github.runs.values()].map(runView))
      case '/_emulator/dispatches':
        return ok(emu.github.dispatches)
      case '/_emulator/requests':
        return ok(emu.requests)
      case '/_emulator/credentials':
        return ok(knownKeys(emu.sts))
      case '/_emulator/action-types':
        return ok(emu.codepipeline.actionTypes.list().map(actionTypeView))
      case '/_emulator/wake-ups':
        return ok(emu.wakeUp.configs.map(wakeUpView))
      case '/_emulator/wake-ups/deliveries':
        return ok(emu.wakeUp.deliveries.map(deliveryView))
    }
    let m = /^\/_emulator\/jobs\/([^/]+)$/.exec(path)
    if (m) return ok(jobView(emu, m[1]))
    m = /^\/_emulator\/runs\/([^/]+)$/.exec(path)
    if (m) return ok(runView(mustRun(emu, m[1])))
    return undefined
  }
  const post = (): AdminReply | undefined => {
    if (method !== 'POST') return undefined
    switch (path) {
      case '/_emulator/jobs':
        return createJob(emu, body)
      case '/_emulator/runs':
        return createRun(emu, body)
      case '/_emulator/workflows': {
        const { repo, ...init } = parseBody(body, workflowBody)
        const wf = refusing(() => emu.github.addWorkflow(repo as string, init as { file: string }))
        return { status: 201, body: wf }
      }
      case '/_emulator/credentials':
        return addCredentials(emu, body)
      case '/_emulator/action-types':
        return registerActionType(emu, body)
      case '/_emulator/wake-ups':
        return configureWakeUp(emu, body)
    }
    let m = /^\/_emulator\/jobs\/([^/]+)\/timeout$/.exec(path)
    if (m) {
      jobView(emu, m[1])
      noBody(body)
      emu.codepipeline.timeOut(m[1])
      return ok(jobView(emu, m[1]))
    }
    m = /^\/_emulator\/runs\/([^/]+)$/.exec(path)
    if (m) return updateRun(emu, m[1], body)
    m = /^\/_emulator\/runs\/([^/]+)\/jobs\/([^/]+)$/.exec(path)
    if (m) return updateJob(emu, m[1], m[2], body)
    m = /^\/_emulator\/runs\/([^/]+)\/jobs\/([^/]+)\/steps\/([^/]+)$/.exec(path)
    if (m) return updateStep(emu, m[1], m[2], m[3], body)
    m = /^\/_emulator\/runs\/([^/]+)\/steps\/([^/]+)$/.exec(path)
    if (m) return updateStep(emu, m[1], undefined, m[2], body)
    return undefined
  }
  const del = (): AdminReply | undefined => {
    if (method !== 'DELETE' || path !== '/_emulator/wake-ups') return undefined
    noBody(body)
    const removed = emu.wakeUp.configs.length
    emu.wakeUp.clear()
    return ok({ removed })
  }
  return answering(() => get() ?? post() ?? del())
}
