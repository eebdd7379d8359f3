import type {
  AcknowledgeJobOutput,
  GetJobDetailsOutput,
  Job,
  JobData,
  PollForJobsInput,
  PollForJobsOutput,
  PutJobFailureResultInput,
  PutJobSuccessResultInput
} from '@aws-sdk/client-codepipeline'
import type { JobResult } from '../job-result.ts'
import { HttpConnection } from '../transport/http.ts'
import { ProxyError } from '../transport/proxy.ts'
import { AwsJsonClient } from './aws-json.ts'
import { resolveCredentials, type AwsCredentials, type CredentialDeps } from './credentials.ts'
import { endpointUrl } from './endpoints.ts'
import { AwsServiceError } from './service-error.ts'
import { withAwsRetry } from './retries.ts'
import type { AwsSettings } from './settings.ts'

// The SDK's types only (erased at build time): its client costs ~45 ms and ~25 MiB to load, so the calls
// go through the small awsJson1_1 client next door.

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

export interface CodePipelineOptions extends CredentialDeps {
  /** Per attempt; tests shorten it. */
  timeoutMs?: number
  /** Tests skew the clock with it. */
  now?: () => number
}

/** The CodePipeline job-worker calls the bridge makes, with AWS errors turned into messages that say what to fix. */
export class CodePipeline {
  private readonly connection: HttpConnection
  private readonly client: AwsJsonClient
  private readonly settings: AwsSettings
  private readonly options: CodePipelineOptions

  constructor(settings: AwsSettings, credentials: AwsCredentials, options: CodePipelineOptions) {
    this.settings = settings
    this.options = options
    const env = options.env ?? process.env
    const endpoint = endpointUrl('codepipeline', settings.region, env)
    this.connection = new HttpConnection(endpoint, { timeoutMs: options.timeoutMs, env })
    this.client = new AwsJsonClient({
      connection: this.connection,
      targetPrefix: 'CodePipeline_20150709',
      scope: { region: settings.region, service: 'codepipeline' },
      credentials,
      now: options.now
    })
  }

  /** Job data includes artifactCredentials; they are masked here, before anything can log them. */
  async getJobDetails(jobId: string): Promise<JobData> {
    const { output } = await this.call<GetJobDetailsOutput>('GetJobDetails', { jobId }, jobId)
    const data = output.jobDetails?.data ?? {}
    this.maskArtifactCredentials(data)
    return data
  }

  async putJobSuccessResult(input: PutJobSuccessResultInput): Promise<string> {
    return (await this.call('PutJobSuccessResult', input, input.jobId)).requestId
  }

  async putJobFailureResult(input: PutJobFailureResultInput): Promise<string> {
    return (await this.call('PutJobFailureResult', input, input.jobId)).requestId
  }

  /** Sends a job's result, whichever kind it is; returns the AWS request ID. */
  putJobResult(result: JobResult): Promise<string> {
    return result.kind === 'success'
      ? this.putJobSuccessResult(result.input)
      : this.putJobFailureResult(result.input)
  }

  async pollForJobs(input: PollForJobsInput): Promise<Job[]> {
    const { output } = await this.call<PollForJobsOutput>('PollForJobs', input, undefined)
    const jobs = output.jobs ?? []
    for (const job of jobs) this.maskArtifactCredentials(job.data)
    return jobs
  }

  /** Returns the job's status after the acknowledgement; only InProgress means this worker owns it. */
  async acknowledgeJob(jobId: string, nonce: string): Promise<string> {
    const { output } = await this.call<AcknowledgeJobOutput>('AcknowledgeJob', { jobId, nonce }, jobId)
    return output.status ?? ''
  }

  destroy(): void {
    this.connection.destroy()
  }

  private maskArtifactCredentials(data: JobData | undefined): void {
    const c = data?.artifactCredentials
    for (const secret of [c?.accessKeyId, c?.secretAccessKey, c?.sessionToken])
      if (secret) this.options.setSecret(secret)
  }

  private async call<T>(
    operation: string,
    input: object,
    jobId: string | undefined
  ): Promise<{ output: T; requestId: string }> {
    let attempts = 0
    let unanswered = false
    try {
      const { output, requestId } = await withAwsRetry(
        async () => {
          attempts++
          try {
            return await this.client.call(operation, input)
          } catch (error) {
            unanswered ||= mayHaveBeenProcessed(error)
            throw error
          }
        },
        { attempts: this.settings.maxAttempts, sleep: this.options.sleep }
      )
      return { output: output as T, requestId }
    } catch (error) {
      throw explain(error as AwsError, operation, jobId, this.settings.region, { attempts, unanswered })
    }
  }
}

type AwsError = Error & { code?: string }

/**
 * Whether a failed attempt may still have taken effect: a 5xx, or a connection lost after the request was sent.
 * Throttling, a refused connection or a proxy that could not connect never reached CodePipeline.
 */
function mayHaveBeenProcessed(error: unknown): boolean {
  if (error instanceof AwsServiceError) return error.status >= 500
  if (error instanceof ProxyError) return false
  const code = (error as { code?: unknown }).code
  return code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN'
}

function explain(
  error: AwsError,
  operation: string,
  jobId: string | undefined,
  region: string,
  tries: { attempts: number; unanswered: boolean }
): CodePipelineError {
  const { attempts } = tries
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
      const network = error.code
      const detail = network && !said.includes(network) ? ` [${network}]` : ''
      return fix(
        `Gave up${attempts > 1 ? ` after ${attempts} attempts` : ''}${detail}; CodePipeline or the network may be unavailable.`
      )
    }
  }
}

/** The single factory: credentials (OIDC role or ambient), then a client that signs with them. */
export async function connectCodePipeline(
  settings: AwsSettings,
  deps: CredentialDeps
): Promise<CodePipeline> {
  return new CodePipeline(settings, await resolveCredentials(settings, deps), deps)
}
