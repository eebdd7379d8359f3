import { attemptsOf } from '../aws/attempts.ts'
import { unresolvedHost } from '../aws/unresolved-host.ts'
import { errorMessage, UserError } from '../errors.ts'
import { ArtifactError } from './artifact-error.ts'

// S3's answers about an artifact, turned into what to fix. The SDK has already retried throttling, 5xx and
// dropped connections (max-attempts); what arrives here is final. Pure: an error and its context in, an
// ArtifactError out, whose failure type tells CodePipeline whether a re-run can help.

export interface S3Context {
  action: 'upload' | 'download'
  /** Who failed, as a message starts: `Output artifact "BuildOutput" (from build-output)`. */
  subject: string
  bucket: string
  key: string
  region: string
  /** The job's encryptionKey.id, when the artifact store uses a customer-managed KMS key. */
  kmsKeyId?: string
}

type S3Failure = Error & { Code?: string; code?: string; $metadata?: { httpStatusCode?: number } }

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded'])
const EXPIRED = new Set(['ExpiredToken', 'TokenRefreshRequired', 'InvalidToken'])
const WRONG_REGION = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException'
])
const NOT_RECOGNISED = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch'])

export function explainS3Error(error: unknown, context: S3Context): ArtifactError {
  const e = error as S3Failure
  const code = e.Code ?? e.name
  const status = e.$metadata?.httpStatusCode
  const url = `s3://${context.bucket}/${context.key}`
  const head = `${context.subject} could not be ${context.action === 'upload' ? 'uploaded to' : 'downloaded from'} ${url}`
  const said = `${code}: ${errorMessage(e).replace(/\.$/, '')}`
  const fail = (type: ArtifactError['failureType'], fix: string) =>
    new ArtifactError(`${head} (${said}). ${fix}`, type, { cause: error })
  // Refused before sending (a plain-http endpoint that is not loopback, an artifact beyond S3's parts): the message
  // already says what to fix.
  if (error instanceof UserError)
    return new ArtifactError(`${head}: ${e.message}`, 'ConfigurationError', { cause: error })
  const kms = context.kmsKeyId ? `the KMS key ${context.kmsKeyId}` : "the artifact store's KMS key"
  if (status === undefined && typeof e.code === 'string' && LOCAL.has(e.code)) {
    return fail(
      'ConfigurationError',
      'This runner could not read or write the file: check its disk space and permissions.'
    )
  }
  const unresolved = status === undefined ? unresolvedHost(error, 'S3', context.region) : undefined
  if (unresolved) return fail('ConfigurationError', unresolved)
  if (THROTTLING.has(code) || status === undefined || status >= 500) {
    const attempts = attemptsOf(error)
    return fail(
      'SystemUnavailable',
      `S3 did not take the request${attempts > 1 ? ` after ${attempts} attempts` : ''}; S3 or the network may be ` +
        'unavailable. Re-run the job when it is back (max-attempts sets how often each request is tried).'
    )
  }
  if (EXPIRED.has(code)) {
    return fail(
      'SystemUnavailable',
      "The job's artifact credentials from CodePipeline expired; re-run the job."
    )
  }
  if (NOT_RECOGNISED.has(code)) {
    return fail(
      'ConfigurationError',
      "S3 did not recognise the job's artifact credentials: if AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set, " +
        "it must point to S3 in the pipeline's region."
    )
  }
  if (code === 'AccessDenied' || code.startsWith('KMS.AccessDenied') || status === 403) {
    const needs =
      context.action === 'upload'
        ? 's3:PutObject on the bucket, and kms:GenerateDataKey on'
        : 's3:GetObject on the bucket, and kms:Decrypt on'
    return fail(
      'PermissionError',
      "The job's artifact credentials are CodePipeline's (a session of the pipeline's service role), not this " +
        `action's role: the pipeline's service role needs ${needs} ${kms}, and neither the bucket policy nor ` +
        'the key policy may deny it.'
    )
  }
  if (code.startsWith('KMS.')) {
    return fail(
      'ConfigurationError',
      `S3 could not use ${kms}: check that the key exists, is enabled and is in ${context.region}.`
    )
  }
  if (code === 'PreconditionFailed' || status === 412) {
    return fail(
      'SystemUnavailable',
      'The object was replaced in the artifact store while this action read or copied it; re-run the job.'
    )
  }
  if (code === 'NoSuchBucket') {
    return fail(
      'ConfigurationError',
      `The artifact bucket ${context.bucket} does not exist in ${context.region}.`
    )
  }
  if (code === 'NoSuchKey' || (status === 404 && context.action === 'download')) {
    return fail(
      'ConfigurationError',
      'The artifact is not in the artifact store: a lifecycle rule or someone may have deleted it. Release a ' +
        'new change through the pipeline so that the earlier stage stores it again.'
    )
  }
  if (WRONG_REGION.has(code) || status === 301) {
    return fail(
      'ConfigurationError',
      `The artifact bucket is not in ${context.region}: set aws-region to the pipeline's region.`
    )
  }
  return fail('ConfigurationError', 'S3 refused the request; it is not retried.')
}

// Errors of this machine's file system, not of S3: a full disk, a file that cannot be read or written.
const LOCAL = new Set([
  'ENOENT',
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EISDIR',
  'ENOTDIR',
  'EEXIST',
  'EMFILE',
  'ENFILE'
])
