import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isRecord, parseJson } from './http.ts'
import type { RecordedRequest, Reply, ServiceHandler } from './http.ts'
import { actionTypeKey, FINAL_STATES, JobStore } from './codepipeline-jobs.ts'
import type { ActionTypeId, Job } from './codepipeline-jobs.ts'
import { NotModelled, PipelineExecutions, ServiceError } from './codepipeline-executions.ts'
import { listActionExecutions } from './codepipeline-history.ts'
import type { PipelineStop } from './codepipeline-executions.ts'
import { verifySigned } from './credentials.ts'
import type { Sts } from './sts.ts'
import { Violations } from './validation.ts'
import {
  JOB_ID,
  OUTPUT_VARIABLES_MAX_BYTES,
  validatePollForJobs,
  validatePutJobFailureResult,
  validatePutJobSuccessResult
} from './codepipeline-validation.ts'

const TARGET_PREFIX = 'CodePipeline_20150709.'
const OPERATIONS = [
  'PollForJobs',
  'AcknowledgeJob',
  'GetJobDetails',
  'PutJobSuccessResult',
  'PutJobFailureResult',
  'StopPipelineExecution',
  'ListActionExecutions'
]
type Body = Record<string, unknown>

export function awsJsonError(type: string, message: string, status = 400): Reply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: type, message })
  }
}

function ok(value?: unknown): Reply {
  // Put*Result answer 200 with an empty body on the real service.
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: value === undefined ? '' : JSON.stringify(value)
  }
}

/** The job store plus the awsJson1_1 front end a job worker talks to. */
export class CodePipeline extends JobStore implements ServiceHandler {
  readonly service = 'codepipeline' as const
  /** Stops (`stops`), ABANDONED/CANCELED/STARTED events (`stateChanges`, `stateListeners`), ListActionExecutions. */
  readonly executions: PipelineExecutions
  private readonly sts: Sts

  constructor(region: string, accountId: string, sts: Sts) {
    super(region, accountId)
    this.sts = sts
    this.executions = new PipelineExecutions(this)
  }

  /**
   * "Stop and abandon" (`abandon: true`: the execution's unfinished jobs become Abandoned at once, one ABANDONED
   * event per action execution) or "Stop and wait" (recorded only). Throws the service's errors as ServiceError.
   */
  stopPipelineExecution(
    pipelineName: string,
    pipelineExecutionId: string,
    opts: { abandon?: boolean; reason?: string } = {}
  ): PipelineStop {
    return this.executions.stop(pipelineName, pipelineExecutionId, opts)
  }

  /** CodePipeline cancels the job's action execution (the pipeline's structure changed): Abandoned, event CANCELED. */
  cancelActionExecution(jobId: string): Job {
    return this.executions.cancelAction(jobId)
  }

  identify(req: IncomingMessage, raw: string): { operation: string; body: unknown } {
    const target = String(req.headers['x-amz-target'] ?? '')
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target
    return { operation, body: parseJson(raw) }
  }

  handle(req: IncomingMessage, record: RecordedRequest, raw: string): Reply {
    const auth = verifySigned(req, raw, 'codepipeline', this.sts)
    record.accessKeyId = auth.accessKeyId
    record.signedRegion = auth.region
    if (!auth.ok) return awsJsonError(auth.code, auth.message)
    const target = String(req.headers['x-amz-target'] ?? '')
    if (!target.startsWith(TARGET_PREFIX) || !OPERATIONS.includes(record.operation)) {
      return awsJsonError('UnknownOperationException', `Unknown operation ${target}`)
    }
    if (!isRecord(record.body)) {
      return awsJsonError('SerializationException', 'Start of structure or map found where not expected.')
    }
    const principal = this.sts.principal(auth.accessKeyId)
    if (principal && this.isDenied(principal.principals, record.operation)) {
      return awsJsonError(
        'AccessDeniedException',
        `User: ${principal.arn} is not authorized to perform: codepipeline:${record.operation} ` +
          `because no identity-based policy allows the codepipeline:${record.operation} action`
      )
    }
    const body = record.body
    switch (record.operation) {
      case 'PollForJobs':
        return this.pollForJobs(body)
      case 'AcknowledgeJob':
        return this.acknowledgeJob(body, auth.accessKeyId)
      case 'GetJobDetails':
        return this.withJob(body, new Violations(), job => ok({ jobDetails: this.view(job) }))
      case 'PutJobSuccessResult':
        return this.putJobSuccessResult(body, auth.accessKeyId)
      case 'StopPipelineExecution':
        return this.executionsReply(() => this.executions.stopRequest(body))
      case 'ListActionExecutions':
        return this.executionsReply(() => listActionExecutions(this, body))
      default:
        return this.putJobFailureResult(body, auth.accessKeyId)
    }
  }

  fault(kind: 'throttle' | 'server-error', _record: RecordedRequest, status?: number): Reply {
    return kind === 'throttle'
      ? awsJsonError('ThrottlingException', 'Rate exceeded', status ?? 400)
      : awsJsonError('InternalFailure', 'We encountered an internal error. Please try again.', status ?? 500)
  }

  private executionsReply(answer: () => unknown): Reply {
    try {
      return ok(answer())
    } catch (e) {
      if (e instanceof ServiceError) return awsJsonError(e.type, e.message)
      if (e instanceof NotModelled)
        return { status: 501, headers: { 'content-type': 'text/plain' }, body: `emulator: ${e.message}` }
      throw e
    }
  }

  private view(job: Job): { id: string; accountId: string; data: unknown } {
    return { id: job.id, accountId: job.accountId, data: structuredClone(job.data) }
  }

  /** Validates jobId (after the caller's own checks) and finds the job, the order AWS reports problems in. */
  private withJob(body: Body, v: Violations, then: (job: Job) => Reply): Reply {
    v.string(body.jobId, 'jobId', { pattern: JOB_ID, required: true })
    if (v.message) return awsJsonError('ValidationException', v.message)
    const job = this.job(body.jobId as string)
    if (!job) return awsJsonError('JobNotFoundException', `The job ${String(body.jobId)} cannot be found.`)
    return then(job)
  }

  private pollForJobs(body: Body): Reply {
    const v = new Violations()
    validatePollForJobs(body, v)
    if (v.message) return awsJsonError('ValidationException', v.message)
    const type = body.actionTypeId as ActionTypeId
    const query = body.queryParam
    if (type.owner !== 'Custom') {
      return awsJsonError(
        'ValidationException',
        `PollForJobs is only for custom actions: actionTypeId.owner must be 'Custom', not '${type.owner}'`
      )
    }
    if (!this.hasActionType(type)) {
      return awsJsonError(
        'ActionTypeNotFoundException',
        `The action type ${actionTypeKey(type)} cannot be found.`
      )
    }
    // "For an action type with no queryable properties, this value must be null or an empty map. For an action
    // type with a queryable property, you must supply that property as a key in the map. Only jobs whose action
    // configuration matches the mapped value are returned." (PollForJobs). The messages are the emulator's own.
    const queryable = this.actionTypes.queryable(type)
    const [asked] = isRecord(query) ? Object.entries(query) : []
    if (asked && !queryable) {
      return awsJsonError(
        'ValidationException',
        `queryParam must be empty: action type ${actionTypeKey(type)} has no queryable property, so '${asked[0]}' cannot be queried.`
      )
    }
    if (queryable && asked?.[0] !== queryable.name) {
      return awsJsonError(
        'ValidationException',
        `queryParam must have the key '${queryable.name}', the queryable property of action type ` +
          `${actionTypeKey(type)}` +
          (asked ? `, not '${asked[0]}'.` : ': PollForJobs for this type must say which jobs it takes.')
      )
    }
    const found = this.jobs
      .filter(j => j.state === 'Queued' && actionTypeKey(j.data.actionTypeId) === actionTypeKey(type))
      .filter(j => !queryable || j.data.actionConfiguration.configuration[queryable.name] === asked?.[1])
      .slice(0, (body.maxBatchSize as number | undefined) ?? 1)
    for (const job of found) {
      job.state = 'Dispatched'
      job.nonce = randomBytes(16).toString('hex')
      job.lastUpdateTime = new Date()
    }
    return ok({ jobs: found.map(j => ({ ...this.view(j), nonce: j.nonce })) })
  }

  // AWS documents the nonce as what "ensures the job is being worked on by only one job worker" and the
  // response as the job's status. So: the holder of the current nonce may acknowledge again (a retried
  // request gets the current status back, as documented, instead of losing the job); anyone else, including
  // a worker holding a nonce from an earlier poll, gets InvalidNonceException and never owns the job.
  private acknowledgeJob(body: Body, accessKeyId: string): Reply {
    const v = new Violations()
    v.string(body.nonce, 'nonce', { min: 1, max: 50, required: true })
    return this.withJob(body, v, job => {
      if (job.nonce === undefined || job.nonce !== body.nonce) {
        return awsJsonError('InvalidNonceException', `The nonce is not valid for job ${job.id}.`)
      }
      // The model's JobStatus has no Abandoned to answer with, so the emulator refuses (README: Stopping a pipeline).
      if (job.state === 'Abandoned') {
        return awsJsonError(
          'InvalidJobStateException',
          `The job ${job.id} is in state Abandoned and cannot be acknowledged.`
        )
      }
      if (job.state === 'Dispatched') {
        job.state = 'InProgress'
        job.acknowledgedBy = accessKeyId
        job.lastUpdateTime = new Date()
      }
      return ok({ status: job.state })
    })
  }

  private refuseFinal(job: Job): Reply | undefined {
    if (!FINAL_STATES.includes(job.state)) return undefined
    return awsJsonError(
      'InvalidJobStateException',
      `The job ${job.id} is in state ${job.state} and cannot accept a result.`
    )
  }

  private putJobSuccessResult(body: Body, accessKeyId: string): Reply {
    const v = new Violations()
    const varBytes = validatePutJobSuccessResult(body, v)
    const vars = body.outputVariables
    return this.withJob(body, v, job => {
      if (isRecord(vars) && Object.keys(vars).length > 0 && body.continuationToken !== undefined) {
        return awsJsonError(
          'ValidationException',
          'outputVariables cannot be set together with continuationToken: variables are only accepted with the final result.'
        )
      }
      if (varBytes > OUTPUT_VARIABLES_MAX_BYTES) {
        return awsJsonError(
          'OutputVariablesSizeExceededException',
          `The total size of outputVariables (${varBytes} bytes) exceeds the limit of ${OUTPUT_VARIABLES_MAX_BYTES} bytes.`
        )
      }
      const refused = this.refuseFinal(job)
      if (refused) return refused
      job.results.push({ kind: 'success', request: body, accessKeyId, at: new Date() })
      job.state = 'Succeeded'
      job.lastUpdateTime = new Date()
      if (typeof body.continuationToken === 'string') this.continueJob(job, body.continuationToken)
      return ok()
    })
  }

  private putJobFailureResult(body: Body, accessKeyId: string): Reply {
    const v = new Violations()
    validatePutJobFailureResult(body, v)
    return this.withJob(body, v, job => {
      const refused = this.refuseFinal(job)
      if (refused) return refused
      job.results.push({ kind: 'failure', request: body, accessKeyId, at: new Date() })
      job.state = 'Failed'
      job.lastUpdateTime = new Date()
      return ok()
    })
  }
}
