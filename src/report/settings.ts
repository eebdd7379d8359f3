import { parseAwsSettings, type AwsSettings } from '../aws/settings.ts'
import { UserError } from '../errors.ts'
import { boolean, bounded, integer, oneOf, required, type InputReader } from '../inputs.ts'
import { codepipeline as limits, FAILURE_TYPES, JOB_ID_PATTERN, type FailureType } from '../limits.ts'
import { parseCompression, type Compression } from '../artifacts/compression.ts'
import { localPath, parseOutputArtifacts, type OutputArtifactsInput } from '../artifacts/output-entries.ts'
import { parseOutputVariables } from './output-variables.ts'

export const STATUSES = ['job', 'workflow', 'success', 'failure', 'cancelled'] as const
export type Status = (typeof STATUSES)[number]

/** Everything the report action was asked to do, validated: no network call happens before this exists. */
export interface ReportSettings {
  jobId: string
  status: Status
  failureType: FailureType
  message?: string
  summary?: string
  externalExecutionId?: string
  percentComplete?: number
  outputVariables?: Record<string, string>
  continuationToken?: string
  /** input-artifacts: the absolute directory the job's input artifacts are extracted into. */
  inputArtifacts?: string
  /** output-artifacts; whether its names are the job's output artifacts is checked once the job is read. */
  outputArtifacts?: OutputArtifactsInput
  /** artifact-compression: how the output artifacts' entries are compressed. */
  artifactCompression: Compression
  githubToken: string
  dryRun: boolean
  aws: AwsSettings
}

export function parseReportSettings(input: InputReader, env: NodeJS.ProcessEnv): ReportSettings {
  const jobId = required(
    input,
    'job-id',
    'pass the CodePipeline job ID, e.g. ${{ inputs.codepipeline-job-id }}.'
  )
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new UserError(
      `Input job-id is "${jobId}", which is not a CodePipeline job ID (a lowercase UUID such as ` +
        '0123abcd-4567-89ab-cdef-0123456789ab). Pass the ID the poller gave the workflow.'
    )
  }
  const status = oneOf(input, 'status', STATUSES, 'job')
  const outputVariables = parseOutputVariables(input('output-variables'))
  const continuationToken = bounded(input, 'continuation-token', limits.continuationToken)
  if (outputVariables && continuationToken) {
    throw new UserError(
      'Inputs output-variables and continuation-token cannot be combined: CodePipeline accepts output variables ' +
        'only on the final result of an action. Remove one of them.'
    )
  }
  // Relative paths are the workspace's, as for the steps around this one.
  const workspace = env.GITHUB_WORKSPACE ?? ''
  const outputArtifacts = parseOutputArtifacts(input('output-artifacts'), workspace)
  if (outputArtifacts && continuationToken) {
    throw new UserError(
      'Inputs output-artifacts and continuation-token cannot be combined: the output artifacts go with the final ' +
        'result of an action, the success without continuation-token. Remove one of them.'
    )
  }
  const githubToken = input('github-token')
  if (!githubToken && (status === 'job' || status === 'workflow')) {
    throw new UserError(
      `Input github-token is empty, but status "${status}" reads this run's jobs: pass \${{ github.token }} ` +
        'with `permissions: actions: read`.'
    )
  }
  return {
    jobId,
    status,
    failureType: oneOf(input, 'failure-type', FAILURE_TYPES, 'JobFailed'),
    message: input('message') || undefined,
    summary: input('summary') || undefined,
    externalExecutionId: bounded(input, 'external-execution-id', limits.externalExecutionId),
    percentComplete: integer(input, 'percent-complete', limits.percentComplete),
    outputVariables,
    continuationToken,
    inputArtifacts: input('input-artifacts')
      ? localPath(input('input-artifacts'), workspace).absolute
      : undefined,
    outputArtifacts,
    artifactCompression: parseCompression(input('artifact-compression')),
    githubToken,
    dryRun: boolean(input, 'dry-run', false),
    aws: parseAwsSettings(input, env, env.GITHUB_RUN_ID ?? '')
  }
}
