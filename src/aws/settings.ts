import { UserError } from '../errors.ts'
import { integer, matching, type InputReader } from '../inputs.ts'
import { retry, sts } from '../limits.ts'

/** How to reach AWS: the same inputs on both actions. */
export interface AwsSettings {
  region: string
  role?: {
    arn: string
    sessionName: string
    durationSeconds: number
    audience: string
  }
  maxAttempts: number
}

// Partition prefixes are two to four letters: eu-west-1, us-gov-west-1, cn-north-1, eusc-de-east-1.
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/

export function parseAwsSettings(input: InputReader, env: NodeJS.ProcessEnv, runId: string): AwsSettings {
  const region = input('aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (!region) {
    throw new UserError(
      'No AWS region: set the aws-region input to the region of the pipeline (for example eu-west-1), or AWS_REGION.'
    )
  }
  if (!REGION.test(region)) {
    throw new UserError(`aws-region is "${region}", which is not an AWS region name (for example eu-west-1).`)
  }
  const maxAttempts = integer(input, 'max-attempts', retry.maxAttempts, 5) as number
  const arn = matching(
    input,
    'role-to-assume',
    sts.roleArn,
    'use a role ARN such as arn:aws:iam::123456789012:role/github-codepipeline'
  )
  const durationSeconds = integer(input, 'role-duration-seconds', sts.durationSeconds, 900) as number
  const sessionName =
    matching(
      input,
      'role-session-name',
      sts.roleSessionName,
      'use 2 to 64 characters of letters, digits and +=,.@_-'
    ) ?? defaultSessionName(runId)
  const audience = input('audience') || 'sts.amazonaws.com'
  if (!arn) return { region, maxAttempts }
  return { region, maxAttempts, role: { arn, sessionName, durationSeconds, audience } }
}

/** Names the run in CloudTrail, so an audit can tell which workflow run made a call. */
function defaultSessionName(runId: string): string {
  return `github-actions-run-${runId}`.slice(0, sts.roleSessionNameMax)
}
