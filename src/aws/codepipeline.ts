import type {
  CodePipelineClient,
  JobData,
  PutJobFailureResultInput,
  PutJobSuccessResultInput,
  PollForJobsInput,
  Job
} from '@aws-sdk/client-codepipeline'
import { clientConfig } from './client-config.ts'
import { resolveCredentials, type CredentialDeps } from './credentials.ts'
import type { AwsSettings } from './settings.ts'

type Sdk = typeof import('@aws-sdk/client-codepipeline')

/** A CodePipeline call that failed; `code` is the service's error name, e.g. InvalidJobStateException. */
export class CodePipelineError extends Error {
  override name = 'CodePipelineError'
  readonly code: string
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/** The CodePipeline job-worker calls the bridge makes, with AWS errors turned into messages that say what to fix. */
export class CodePipeline {
  private readonly sdk: Sdk
  private readonly client: CodePipelineClient
  private readonly region: string
  private readonly setSecret: (value: string) => void

  constructor(sdk: Sdk, client: CodePipelineClient, region: string, setSecret: (value: string) => void) {
    this.sdk = sdk
    this.client = client
    this.region = region
    this.setSecret = setSecret
  }

  /** Job data includes artifactCredentials; they are masked here, before anything can log them. */
  async getJobDetails(jobId: string): Promise<JobData> {
    const out = await this.call('GetJobDetails', jobId, () =>
      this.client.send(new this.sdk.GetJobDetailsCommand({ jobId }))
    )
    const data = out.jobDetails?.data ?? {}
    this.maskArtifactCredentials(data)
    return data
  }

  async putJobSuccessResult(input: PutJobSuccessResultInput): Promise<string> {
    const out = await this.call('PutJobSuccessResult', input.jobId, () =>
      this.client.send(new this.sdk.PutJobSuccessResultCommand(input))
    )
    return out.$metadata.requestId ?? ''
  }

  async putJobFailureResult(input: PutJobFailureResultInput): Promise<string> {
    const out = await this.call('PutJobFailureResult', input.jobId, () =>
      this.client.send(new this.sdk.PutJobFailureResultCommand(input))
    )
    return out.$metadata.requestId ?? ''
  }

  async pollForJobs(input: PollForJobsInput): Promise<Job[]> {
    const out = await this.call('PollForJobs', undefined, () =>
      this.client.send(new this.sdk.PollForJobsCommand(input))
    )
    const jobs = out.jobs ?? []
    for (const job of jobs) this.maskArtifactCredentials(job.data)
    return jobs
  }

  /** Returns the job's status after the acknowledgement; only InProgress means this worker owns it. */
  async acknowledgeJob(jobId: string, nonce: string): Promise<string> {
    const out = await this.call('AcknowledgeJob', jobId, () =>
      this.client.send(new this.sdk.AcknowledgeJobCommand({ jobId, nonce }))
    )
    return out.status ?? ''
  }

  private maskArtifactCredentials(data: JobData | undefined): void {
    const c = data?.artifactCredentials
    for (const secret of [c?.accessKeyId, c?.secretAccessKey, c?.sessionToken])
      if (secret) this.setSecret(secret)
  }

  destroy(): void {
    this.client.destroy()
  }

  private async call<T>(operation: string, jobId: string | undefined, send: () => Promise<T>): Promise<T> {
    try {
      return await send()
    } catch (error) {
      throw explain(error as AwsError, operation, jobId, this.region)
    }
  }
}

type AwsError = Error & { $metadata?: { attempts?: number }; code?: string }

function explain(
  error: AwsError,
  operation: string,
  jobId: string | undefined,
  region: string
): CodePipelineError {
  const said = `${error.name}: ${error.message}`
  const code = error.name
  const fix = (text: string) =>
    new CodePipelineError(`codepipeline:${operation} failed (${said}). ${text}`, code, { cause: error })
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
      const attempts = error.$metadata?.attempts
      const network = error.code ?? (error.cause as { code?: string } | undefined)?.code
      const detail = network && !said.includes(network) ? ` [${network}]` : ''
      return fix(
        `Gave up${attempts ? ` after ${attempts} attempts` : ''}${detail}; CodePipeline or the network may be unavailable.`
      )
    }
  }
}

/** The single factory: credentials (OIDC role or ambient), region and retries, then a ready client. */
export async function connectCodePipeline(
  settings: AwsSettings,
  deps: CredentialDeps
): Promise<CodePipeline> {
  const [credentials, sdk] = await Promise.all([
    resolveCredentials(settings, deps),
    import('@aws-sdk/client-codepipeline')
  ])
  const client = new sdk.CodePipelineClient(clientConfig(settings, credentials))
  return new CodePipeline(sdk, client, settings.region, deps.setSecret)
}
