import type { AwsCredentialIdentity } from '@smithy/types'
import { UserError } from '../errors.ts'
import { withRetry } from '../retry.ts'
import type { AwsSettings } from './settings.ts'
import { clientConfig } from './client-config.ts'

export interface CredentialDeps {
  getIDToken: (audience: string) => Promise<string>
  setSecret: (value: string) => void
}

/**
 * Credentials for this action only: with role-to-assume, the job's OIDC token exchanged for a role session
 * (masked before anything else can print it); without it, undefined, so the SDK's default chain is used.
 * They are never exported to later steps.
 */
export async function resolveCredentials(
  settings: AwsSettings,
  deps: CredentialDeps
): Promise<AwsCredentialIdentity | undefined> {
  const role = settings.role
  if (!role) return undefined
  const token = await oidcToken(role.audience, deps.getIDToken)
  deps.setSecret(token)

  const { STSClient, AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts')
  const sts = new STSClient(clientConfig(settings))
  const command = new AssumeRoleWithWebIdentityCommand({
    RoleArn: role.arn,
    RoleSessionName: role.sessionName,
    DurationSeconds: role.durationSeconds,
    WebIdentityToken: token
  })
  let response
  try {
    // STS reports a slow identity provider as IDPCommunicationError, a 400 the SDK does not retry.
    response = await withRetry(() => sts.send(command), {
      attempts: settings.maxAttempts,
      isTransient: error => (error as Error).name === 'IDPCommunicationError'
    })
  } catch (error) {
    throw assumeRoleError(error as Error & { Code?: string }, role.arn, role.audience)
  } finally {
    sts.destroy()
  }
  const c = response.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error(`STS returned no credentials for ${role.arn}.`)
  }
  for (const secret of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) deps.setSecret(secret)
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration
  }
}

async function oidcToken(audience: string, getIDToken: CredentialDeps['getIDToken']): Promise<string> {
  try {
    return await getIDToken(audience)
  } catch (error) {
    const message = (error as Error).message
    if (/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(message)) {
      throw new UserError(
        'role-to-assume is set, but this job cannot get a GitHub OIDC token: add `permissions: id-token: write` ' +
          'to the workflow or to this job.'
      )
    }
    throw new Error(`Could not get a GitHub OIDC token for audience "${audience}": ${message}`, {
      cause: error
    })
  }
}

function assumeRoleError(error: Error, roleArn: string, audience: string): Error {
  const reason = `STS said: ${error.name}: ${error.message}`
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
      return new Error(`Could not assume ${roleArn}: ${reason}`, { cause: error })
  }
}
