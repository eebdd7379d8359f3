import { randomBytes, randomUUID } from 'node:crypto'
import { ActionTypes, BRIDGE_PROPERTIES, POLLER_GROUP } from './action-types.ts'
import type { ActionType, ActionTypeId, PropertyInit } from './action-types.ts'

export type { ActionTypeId } from './action-types.ts'

export type JobState =
  'Created' | 'Queued' | 'Dispatched' | 'InProgress' | 'TimedOut' | 'Succeeded' | 'Failed' | 'Abandoned'
/** A job in one of these states takes no result: PutJob*Result answer InvalidJobStateException. */
export const FINAL_STATES: readonly JobState[] = ['Succeeded', 'Failed', 'TimedOut', 'Abandoned']

export interface Artifact {
  name: string
  revision?: string
  location: { type: 'S3'; s3Location: { bucketName: string; objectKey: string } }
}

export interface JobData {
  actionTypeId: ActionTypeId
  actionConfiguration: { configuration: Record<string, string> }
  pipelineContext: {
    pipelineName: string
    stage: { name: string }
    action: { name: string; actionExecutionId: string }
    pipelineArn: string
    pipelineExecutionId: string
  }
  inputArtifacts: Artifact[]
  outputArtifacts: Artifact[]
  artifactCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }
  continuationToken?: string
  encryptionKey?: { id: string; type: 'KMS' }
}

export interface JobResult {
  kind: 'success' | 'failure'
  /** The request body exactly as received. */
  request: Record<string, unknown>
  accessKeyId: string
  at: Date
}

export interface Job {
  id: string
  accountId: string
  state: JobState
  data: JobData
  results: JobResult[]
  /** Set by PollForJobs; only the holder of this value may acknowledge. */
  nonce?: string
  acknowledgedBy?: string
  /** The job whose success with a continuationToken created this one. */
  previousJobId?: string
  createdAt: Date
  /** Set on create, poll, acknowledge, result, time-out and abandon: ListActionExecutions' lastUpdateTime. */
  lastUpdateTime: Date
}

export interface JobInit {
  id?: string
  accountId?: string
  state?: JobState
  actionTypeId?: Partial<ActionTypeId>
  /** Merged over the default configuration (Repository, Workflow, Ref). */
  configuration?: Record<string, string>
  pipelineName?: string
  stageName?: string
  actionName?: string
  /** Jobs given the same pipelineExecutionId belong to one pipeline execution (default: a fresh UUID). */
  pipelineExecutionId?: string
  /** Default: a fresh UUID, i.e. a new action execution. */
  actionExecutionId?: string
  continuationToken?: string
  inputArtifacts?: Artifact[]
  outputArtifacts?: Artifact[]
  /** The artifact store's customer-managed KMS key; absent when it uses the default key. */
  encryptionKey?: { id: string; type: 'KMS' }
}

export const DEFAULT_ACTION_TYPE: ActionTypeId = {
  category: 'Build',
  owner: 'Custom',
  provider: 'GitHubActions',
  version: '1'
}

export const DEFAULT_CONFIGURATION: Record<string, string> = {
  Repository: 'octo-org/octo-repo',
  Workflow: 'build.yml',
  Ref: 'main'
}

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function fakeKey(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return prefix + Array.from(randomBytes(length - prefix.length), b => alphabet[b % 32]).join('')
}

/** Temporary credentials of a job's own, for its artifacts in S3 (the emulator's S3 accepts only these). */
export function newArtifactCredentials(): JobData['artifactCredentials'] {
  return {
    accessKeyId: fakeKey('ASIA', 20),
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: 'FwoGZXIvYXdzE' + randomBytes(96).toString('base64')
  }
}

export function actionTypeKey(t: ActionTypeId): string {
  return `${t.category}/${t.owner}/${t.provider}/${t.version}`
}

export class JobStore {
  readonly jobs: Job[] = []
  /** Declared action types and their configuration properties; see action-types.ts. */
  readonly actionTypes = new ActionTypes()
  /** Called with each job created Queued (a new action execution, not a continuation), e.g. to send a wake-up. */
  readonly queuedListeners: Array<(job: Job) => void> = []
  private readonly denials: Array<{ principal: string; operation: string }> = []

  private readonly region: string
  /** The account that owns the pipelines (the default for jobs' accountId). */
  readonly accountId: string

  constructor(region: string, accountId: string) {
    this.region = region
    this.accountId = accountId
    this.actionTypes.register(DEFAULT_ACTION_TYPE, BRIDGE_PROPERTIES)
  }

  /** A job the way CodePipeline hands it to a worker; InProgress unless `state` says otherwise. */
  addJob(init: JobInit = {}): Job {
    const id = init.id ?? randomUUID()
    if (!JOB_ID.test(id)) throw new Error(`job id ${id} does not match the CodePipeline job id pattern`)
    if (this.job(id)) throw new Error(`job ${id} already exists`)
    const actionTypeId = { ...DEFAULT_ACTION_TYPE, ...init.actionTypeId }
    this.actionTypes.ensure(actionTypeId)
    const accountId = init.accountId ?? this.accountId
    const pipelineName = init.pipelineName ?? 'my-pipeline'
    for (const [name, value] of [
      ['pipelineExecutionId', init.pipelineExecutionId],
      ['actionExecutionId', init.actionExecutionId]
    ] as const) {
      if (value !== undefined && !JOB_ID.test(value))
        throw new Error(`${name} ${value} must be a lower-case UUID`)
    }
    // No artifacts unless asked for: a job that declares an output artifact must be given one (emu.artifacts).
    const data: JobData = {
      actionTypeId,
      actionConfiguration: { configuration: { ...DEFAULT_CONFIGURATION, ...init.configuration } },
      pipelineContext: {
        pipelineName,
        stage: { name: init.stageName ?? 'Build' },
        action: {
          name: init.actionName ?? 'GitHubActions',
          actionExecutionId: init.actionExecutionId ?? randomUUID()
        },
        pipelineArn: `arn:aws:codepipeline:${this.region}:${accountId}:${pipelineName}`,
        pipelineExecutionId: init.pipelineExecutionId ?? randomUUID()
      },
      inputArtifacts: init.inputArtifacts ?? [],
      outputArtifacts: init.outputArtifacts ?? [],
      artifactCredentials: newArtifactCredentials(),
      ...(init.continuationToken !== undefined ? { continuationToken: init.continuationToken } : {}),
      ...(init.encryptionKey !== undefined ? { encryptionKey: init.encryptionKey } : {})
    }
    this.actionTypes.checkConfiguration(actionTypeId, data.actionConfiguration.configuration)
    const now = new Date()
    const job: Job = {
      id,
      accountId,
      state: init.state ?? 'InProgress',
      data,
      results: [],
      createdAt: now,
      lastUpdateTime: now
    }
    this.jobs.push(job)
    if (job.state === 'Queued') for (const listener of this.queuedListeners) listener(job)
    return job
  }

  /** A job waiting for a worker's PollForJobs. */
  queueJob(init: JobInit = {}): Job {
    return this.addJob({ ...init, state: 'Queued' })
  }

  job(id: string): Job | undefined {
    return this.jobs.find(j => j.id === id)
  }

  timeOut(id: string): Job {
    const job = this.mustGet(id)
    job.state = 'TimedOut'
    job.lastUpdateTime = new Date()
    return job
  }

  /** Another job worker polls and acknowledges the job: it gets a fresh nonce, so any earlier nonce is spent. */
  takeJob(id: string, by = 'AKIAANOTHERWORKER000'): Job {
    const job = this.mustGet(id)
    job.nonce = `nonce-of-${by}`
    job.state = 'InProgress'
    job.acknowledgedBy = by
    job.lastUpdateTime = new Date()
    return job
  }

  /**
   * Declares a custom action type so PollForJobs accepts it even before any job exists; with `properties`, also
   * its configuration properties (replacing earlier ones), one of which may be `queryable`.
   */
  registerActionType(t: ActionTypeId, properties?: readonly PropertyInit[]): ActionType {
    return properties === undefined ? this.actionTypes.ensure(t) : this.actionTypes.register(t, properties)
  }

  /**
   * The bridge's action type as the template creates it with PollerGroups=true: PollerGroup is queryable and so
   * required. Its jobs then need a PollerGroup, and PollForJobs a queryParam naming it.
   */
  usePollerGroups(t: Partial<ActionTypeId> = {}): ActionType {
    return this.actionTypes.register({ ...DEFAULT_ACTION_TYPE, ...t }, [...BRIDGE_PROPERTIES, POLLER_GROUP])
  }

  hasActionType(t: ActionTypeId): boolean {
    return this.actionTypes.get(t) !== undefined
  }

  /** Like an IAM policy without that action: `principal` is an access key id or a role/user ARN; '*' denies every operation. */
  deny(principal: string, operation: string = '*'): void {
    this.denials.push({ principal, operation })
  }

  clearDenials(): void {
    this.denials.length = 0
  }

  isDenied(principals: string[], operation: string): boolean {
    return this.denials.some(
      d => principals.includes(d.principal) && (d.operation === '*' || d.operation === operation)
    )
  }

  /**
   * The follow-up job CodePipeline creates after a success that carried a continuationToken: the same action
   * execution (its pipelineContext, actionExecutionId included, is the previous job's).
   */
  continueJob(previous: Job, continuationToken: string): Job {
    const now = new Date()
    const job: Job = {
      id: randomUUID(),
      accountId: previous.accountId,
      state: 'Queued',
      // Each job gets credentials of its own for the artifact store, the follow-up job too.
      data: {
        ...structuredClone(previous.data),
        continuationToken,
        artifactCredentials: newArtifactCredentials()
      },
      results: [],
      previousJobId: previous.id,
      createdAt: now,
      lastUpdateTime: now
    }
    this.jobs.push(job)
    return job
  }

  protected mustGet(id: string): Job {
    const job = this.job(id)
    if (!job) throw new Error(`no job ${id}`)
    return job
  }
}
