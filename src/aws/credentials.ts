import type { AwsCredentialIdentity } from '@smithy/types'
import * as core from '@actions/core'
import { errorMessage, UserError } from '../errors.ts'
import { createClient } from './clients.ts'
import { requireHttps } from './https-only.ts'
import type { AwsSettings } from './settings.ts'
import { conditionKeyPrefix, tokenClaims, type TokenClaims } from './token-claims.ts'
import { unresolvedHost } from './unresolved-host.ts'

export type AwsCredentials = AwsCredentialIdentity

const NO_CREDENTIALS =
  'No AWS credentials: set role-to-assume (with permissions: id-token: write) or configure credentials ' +
  'earlier in the job (aws-actions/configure-aws-credentials)'

/**
 * Credentials for this action only: with role-to-assume, the job's OIDC token exchanged for a role session
 * (token and session masked before anything else can print them); without it, the SDK's default chain.
 * They are never exported to later steps.
 */
export async function resolveCredentials(settings: AwsSettings): Promise<AwsCredentials> {
  const role = settings.role
  if (!role) return ambientCredentials(settings)
  const loading = import('@aws-sdk/client-sts') // loads while GitHub issues the token
  loading.catch(() => undefined) // awaited below, unless the token fails first
  const token = await oidcToken(role.audience)
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await loading
  const sts = await createClient(STSClient, settings, {
    // STS's name for an identity provider that was slow to answer: worth another try.
    alsoRetry: ['IDPCommunicationErrorException'],
    httpsOnly: 'the GitHub OIDC token to STS'
  })
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: role.arn,
        RoleSessionName: role.sessionName,
        DurationSeconds: role.durationSeconds,
        WebIdentityToken: token
      })
    )
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new Error('STS answered without credentials.')
    }
    for (const secret of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) core.setSecret(secret)
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration
    }
  } catch (error) {
    throw assumeRoleError(error, role.arn, tokenClaims(token), settings.region)
  } finally {
    sts.destroy()
  }
}

/**
 * A credential provider for the SDK that starts with `first` and assumes the role again whenever the SDK asks
 * (it asks when the session is within five minutes of its end), so a long batch never signs with an expired one.
 */
export function renewing(settings: AwsSettings, first: AwsCredentials): () => Promise<AwsCredentials> {
  let next: AwsCredentials | undefined = first
  return async () => {
    const credentials = next ?? (await resolveCredentials(settings))
    next = undefined
    return credentials
  }
}

/** The job's OIDC token from GitHub (masked by @actions/core as it arrives). */
async function oidcToken(audience: string): Promise<string> {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL
  if (!url || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new UserError(
      'role-to-assume is set, but this job cannot get a GitHub OIDC token: add `permissions: id-token: write` ' +
        'to the workflow or to this job.'
    )
  }
  let endpoint: URL
  try {
    endpoint = new URL(url)
  } catch {
    throw new UserError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL; this job cannot get a GitHub OIDC token.')
  }
  requireHttps(endpoint, 'the OIDC request token to ACTIONS_ID_TOKEN_REQUEST_URL')
  try {
    return await core.getIDToken(audience)
  } catch (error) {
    // @actions/core's text spreads over indented lines; one line reads better in a step's error.
    const reason = errorMessage(error)
      .replace(/\s*\n\s*/g, ' ')
      .replace(/^Error message: /, '')
    throw new Error(`Could not get a GitHub OIDC token for audience "${audience}": ${reason}`, {
      cause: error
    })
  }
}

/** Profiles, SSO, a web identity file, ECS and EC2 metadata, or what configure-aws-credentials exported. */
async function ambientCredentials(settings: AwsSettings): Promise<AwsCredentials> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
  try {
    // The region is for the chain's own STS calls (web identity file, assume-role profiles).
    return await defaultProvider({ clientConfig: { region: settings.region } })()
  } catch (error) {
    if ((error as Error).name === 'CredentialsProviderError')
      throw new UserError(NO_CREDENTIALS, { cause: error })
    throw new Error(`Could not load the ambient AWS credentials: ${errorMessage(error)}`, { cause: error })
  }
}

function assumeRoleError(error: unknown, roleArn: string, claims: TokenClaims, region: string): Error {
  if (error instanceof UserError) return error
  const e = error as Error & { Code?: string; $metadata?: { httpStatusCode?: number } }
  // STS's own error code (the SDK's class names add "Exception" to some). STS's messages end with a full stop;
  // the sentences below add their own. A failure that is not STS's answer (network, proxy) must not be put in
  // STS's mouth.
  const code = e.Code ?? e.name
  const text = `${code}: ${errorMessage(e).replace(/\.$/, '')}`
  const answered = e.$metadata?.httpStatusCode !== undefined
  const reason = answered ? `STS said: ${text}` : `STS could not be reached: ${text}`
  const unresolved = answered ? undefined : unresolvedHost(error, 'STS', region)
  if (unresolved) return new UserError(`Could not assume ${roleArn}: ${reason}. ${unresolved}`)
  // The token's issuer names the provider and prefixes the condition keys (GitHub Enterprise has its own).
  const issuer = conditionKeyPrefix(claims) ?? "GitHub's OIDC issuer"
  const audiences = claims.aud.map(a => JSON.stringify(a)).join(', ') || 'none'
  switch (code) {
    case 'AccessDenied':
      return new UserError(
        `Could not assume ${roleArn} (sts:AssumeRoleWithWebIdentity). ${reason}. This job's token has ` +
          `sub ${JSON.stringify(claims.sub ?? '')} and aud ${audiences}, from ${claims.iss ?? 'an unknown issuer'}. ` +
          `Check the role's trust policy: it must trust the OIDC provider of ${issuer}, its ${issuer}:aud ` +
          `condition must accept that aud and its ${issuer}:sub condition must match that sub (the repository, ` +
          'and the ref or the environment of this job).'
      )
    case 'InvalidIdentityToken':
      return new UserError(
        `Could not assume ${roleArn}: ${reason}. Check that the account has an IAM OIDC provider for ` +
          `${claims.iss ?? "GitHub's OIDC issuer"} with client ID ${audiences} (the audience input); on GitHub ` +
          "Enterprise, that is the bridge template's OidcIssuer."
      )
    case 'ValidationError':
      return new UserError(`Could not assume ${roleArn}: ${reason}.`)
    default:
      return new Error(`Could not assume ${roleArn}: ${reason}.`, { cause: error })
  }
}
