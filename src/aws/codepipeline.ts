import type {
  ActionExecutionDetail,
  CodePipelineClient,
  Job,
  JobData,
  PollForJobsInput,
  PutJobFailureResultInput,
  PutJobSuccessResultInput
} from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import type { JobResult } from '../job-result.ts'
import { codepipeline as limits } from '../limits.ts'
import { attemptsOf, mayHaveLanded } from './attempts.ts'
import { createClient } from './clients.ts'
import { resolveCredentials, type AwsCredentials } from './credentials.ts'
import type { AwsSettings } from './settings.ts'
import { unresolvedHost } from './unresolved-host.ts'

type Sdk = typeof import('@aws-sdk/client-codepipeline')

// 500 action executions: far more than one pipeline execution has (a stage holds at most 50 actions).
const MAX_EXECUTION_PAGES = 5

/** A CodePipeline call that failed; `code` is the service's error name, e.g. InvalidJobStateException. */
export class CodePipelineError extends Error {
  override name = 'CodePipelineError'
  readonly code: string
  /** How many times the call was sent. */
  readonly attempts: number
  /** An earlier attempt may have taken effect without its answer arriving (a 5xx, a connection lost after sending). */
  readonly unanswered: boolean
  constructor(
    message: string,
    code: string,
    options?: ErrorOptions & { attempts?: number; unanswered?: boolean }
  ) {
    super(message, options)
    this.code = code
    this.attempts = options?.attempts ?? 1
    this.unanswered = options?.unanswered ?? false
  }
}

/** The CodePipeline job-worker calls the bridge makes, with AWS errors turned into messages that say what to fix. */
export class CodePipeline {
  private readonly sdk: Sdk
  private readonly client: CodePipelineClient
  private readonly region: string

  constructor(sdk: Sdk, client: CodePipelineClient, region: string) {
    this.sdk = sdk
    this.client = client
    this.region = region
  }

  /** Job data includes artifactCredentials; they are masked here, before anything can log them. */
  async getJobDetails(jobId: string): Promise<JobData> {
    const output = await this.call('GetJobDetails', jobId, () =>
      this.client.send(new this.sdk.GetJobDetailsCommand({ jobId }))
    )
    const data = output.jobDetails?.data ?? {}
    maskArtifactCredentials(data)
    return data
  }

  /** Sends a job's result, whichever kind it is; returns the AWS request ID. */
  async putJobResult(result: JobResult): Promise<string> {
    const output =
      result.kind === 'success'
        ? await this.putJobSuccessResult(result.input)
        : await this.putJobFailureResult(result.input)
    return output.$metadata.requestId ?? ''
  }

  async pollForJobs(input: PollForJobsInput): Promise<Job[]> {
    const output = await this.call('PollForJobs', undefined, () =>
      this.client.send(new this.sdk.PollForJobsCommand(input))
    )
    const jobs = output.jobs ?? []
    for (const job of jobs) maskArtifactCredentials(job.data)
    return jobs
  }

  /** Returns the job's status after the acknowledgement; only InProgress means this worker owns it. */
  async acknowledgeJob(jobId: string, nonce: string): Promise<string> {
    const output = await this.call('AcknowledgeJob', jobId, () =>
      this.client.send(new this.sdk.AcknowledgeJobCommand({ jobId, nonce }))
    )
    return output.status ?? ''
  }

  /** The action executions of one pipeline execution (an execution has a handful; at most a few pages). */
  async listActionExecutions(
    pipelineName: string,
    pipelineExecutionId: string
  ): Promise<ActionExecutionDetail[]> {
    const details: ActionExecutionDetail[] = []
    let nextToken: string | undefined
    for (let page = 0; page < MAX_EXECUTION_PAGES; page++) {
      const output = await this.call('ListActionExecutions', undefined, () =>
        this.client.send(
          new this.sdk.ListActionExecutionsCommand({
            pipelineName,
            filter: { pipelineExecutionId },
            maxResults: limits.actionExecutionsPage,
            ...(nextToken ? { nextToken } : {})
          })
        )
      )
      details.push(...(output.actionExecutionDetails ?? []))
      nextToken = output.nextToken
      if (!nextToken) break
    }
    return details
  }

  destroy(): void {
    this.client.destroy()
  }

  private putJobSuccessResult(input: PutJobSuccessResultInput) {
    return this.call('PutJobSuccessResult', input.jobId, () =>
      this.client.send(new this.sdk.PutJobSuccessResultCommand(input))
    )
  }

  private putJobFailureResult(input: PutJobFailureResultInput) {
    return this.call('PutJobFailureResult', input.jobId, () =>
      this.client.send(new this.sdk.PutJobFailureResultCommand(input))
    )
  }

  private async call<T>(operation: string, jobId: string | undefined, send: () => Promise<T>): Promise<T> {
    try {
      return await send()
    } catch (error) {
      throw explain(error as AwsError, operation, jobId, this.region)
    }
  }
}

function maskArtifactCredentials(data: JobData | undefined): void {
  const c = data?.artifactCredentials
  for (const secret of [c?.accessKeyId, c?.secretAccessKey, c?.sessionToken])
    if (secret) core.setSecret(secret)
}

type AwsError = Error & { code?: string }

function explain(error: AwsError, operation: string, jobId: string | undefined, region: string) {
  const attempts = attemptsOf(error)
  const tries = { attempts, unanswered: mayHaveLanded(error) }
  const said = `${error.name}: ${error.message}`
  const code = error.name
  const fix = (text: string) =>
    new CodePipelineError(`codepipeline:${operation} failed (${said}). ${text}`, code, {
      cause: error,
      ...tries
    })
  switch (code) {
    case 'JobNotFoundException':
      return fix(`CodePipeline has no job ${jobId} in ${region}: check the job ID and aws-region.`)
    case 'InvalidJobStateException':
      return fix(`Job ${jobId} already has a result (or has timed out).`)
    case 'AccessDeniedException':
      return fix(`Allow codepipeline:${operation} in the IAM policy of the role this action uses.`)
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
    case 'InvalidClientTokenId':
      return fix(
        'The AWS credentials were refused: check role-to-assume, or the credentials configured earlier in the job.'
      )
    case 'ValidationException':
    case 'InvalidNonceException':
    case 'ActionTypeNotFoundException':
    case 'OutputVariablesSizeExceededException':
      return fix('The request was refused as invalid; it is not retried.')
    default: {
      const unresolved = unresolvedHost(error, 'CODEPIPELINE', region)
      if (unresolved) return fix(unresolved)
      const network = error.code
      const detail = network && !said.includes(network) ? ` [${network}]` : ''
      return fix(
        `Gave up${attempts > 1 ? ` after ${attempts} attempts` : ''}${detail}; CodePipeline or the network may be unavailable.`
      )
    }
  }
}

/** The single entry: credentials (OIDC role or ambient), then a client that signs with them. */
export async function connectCodePipeline(
  settings: AwsSettings,
  credentials?: AwsCredentials | (() => Promise<AwsCredentials>)
): Promise<CodePipeline> {
  const loading = import('@aws-sdk/client-codepipeline') // loads while the credentials are on their way
  loading.catch(() => undefined) // awaited below, unless the credentials fail first
  credentials ??= await resolveCredentials(settings)
  const sdk = await loading
  const client = await createClient(sdk.CodePipelineClient, settings, { credentials })
  return new CodePipeline(sdk, client, settings.region)
}
