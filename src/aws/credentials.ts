import { errorMessage, UserError } from '../errors.ts'
import { getIDToken, oidcEndpoint } from '../github/oidc.ts'
import type { Sleep } from '../retry.ts'
import { HttpConnection } from '../transport/http.ts'
import { endpointUrl } from './endpoints.ts'
import { withAwsRetry } from './retries.ts'
import type { AwsSettings } from './settings.ts'
import { assumeRoleWithWebIdentity, type SessionCredentials } from './sts.ts'
import { AwsServiceError } from './service-error.ts'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export interface CredentialDeps {
  setSecret: (value: string) => void
  /** Default process.env. */
  env?: NodeJS.ProcessEnv
  /** Tests pass a recorder instead of waiting between retries. */
  sleep?: Sleep
}

const NO_CREDENTIALS =
  'No AWS credentials: set role-to-assume (with permissions: id-token: write) or configure credentials ' +
  'earlier in the job (aws-actions/configure-aws-credentials)'

/**
 * Credentials for this action only: with role-to-assume, the job's OIDC token exchanged for a role session
 * (token and session masked before anything else can print them); without it, the ambient credentials.
 * They are never exported to later steps.
 */
export async function resolveCredentials(
  settings: AwsSettings,
  deps: CredentialDeps
): Promise<AwsCredentials> {
  const env = deps.env ?? process.env
  const role = settings.role
  if (!role) return ambientCredentials(settings, env)
  const endpoint = oidcEndpoint(env)
  if (!endpoint) {
    throw new UserError(
      'role-to-assume is set, but this job cannot get a GitHub OIDC token: add `permissions: id-token: write` ' +
        'to the workflow or to this job.'
    )
  }
  let token: string
  try {
    token = await getIDToken(endpoint, role.audience, { setSecret: deps.setSecret, sleep: deps.sleep, env })
  } catch (error) {
    // Already says what to fix (say, an unusable HTTPS_PROXY).
    if (error instanceof UserError) throw error
    throw new Error(
      `Could not get a GitHub OIDC token for audience "${role.audience}": ${errorMessage(error)}`,
      {
        cause: error
      }
    )
  }

  const sts = new HttpConnection(endpointUrl('sts', settings.region, env), { env })
  let session: SessionCredentials
  try {
    session = await withAwsRetry(
      () =>
        assumeRoleWithWebIdentity(sts, {
          roleArn: role.arn,
          sessionName: role.sessionName,
          durationSeconds: role.durationSeconds,
          webIdentityToken: token
        }),
      {
        attempts: settings.maxAttempts,
        sleep: deps.sleep,
        // STS's name for an identity provider that was slow to answer: worth another try.
        alsoRetry: error => (error as Error).name === 'IDPCommunicationError'
      }
    )
  } catch (error) {
    throw assumeRoleError(error as Error, role.arn, role.audience)
  } finally {
    sts.destroy()
  }
  for (const secret of [session.accessKeyId, session.secretAccessKey, session.sessionToken])
    deps.setSecret(secret)
  return session
}

/**
 * What aws-actions/configure-aws-credentials exports, read directly; only without it is the SDK's default
 * chain (profiles, SSO, web identity file, ECS, EC2 metadata) loaded, since loading it costs ~50 ms.
 */
async function ambientCredentials(settings: AwsSettings, env: NodeJS.ProcessEnv): Promise<AwsCredentials> {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env
  if (accessKeyId && secretAccessKey) {
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined }
  }
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
  try {
    // The region is for the chain's own STS calls (web identity file, assume-role profiles).
    return await defaultProvider({ clientConfig: { region: settings.region } })()
  } catch (error) {
    if ((error as Error).name === 'CredentialsProviderError')
      throw new UserError(NO_CREDENTIALS, { cause: error })
    throw new Error(`Could not load the ambient AWS credentials: ${errorMessage(error)}`, {
      cause: error
    })
  }
}

function assumeRoleError(error: Error, roleArn: string, audience: string): Error {
  // STS's messages end with a full stop; the sentences below add their own. A failure that is not STS's
  // answer (network, proxy) must not be put in STS's mouth.
  const text = `${error.name}: ${error.message.replace(/\.$/, '')}`
  const reason = error instanceof AwsServiceError ? `STS said: ${text}` : `STS could not be reached: ${text}`
  switch (error.name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new UserError(
        `Could not assume ${roleArn} (sts:AssumeRoleWithWebIdentity). ${reason}. Check the role's trust policy: ` +
          `it must trust the token.actions.githubusercontent.com provider, and its ` +
          `token.actions.githubusercontent.com:sub condition must match this repository and ref.`
      )
    case 'InvalidIdentityToken':
      return new UserError(
        `Could not assume ${roleArn}: ${reason}. Check that the account has the GitHub OIDC provider ` +
          `(token.actions.githubusercontent.com) with client ID "${audience}" (the audience input).`
      )
    case 'ValidationError':
      return new UserError(`Could not assume ${roleArn}: ${reason}.`)
    default:
      return new Error(`Could not assume ${roleArn}: ${reason}.`, { cause: error })
  }
}
