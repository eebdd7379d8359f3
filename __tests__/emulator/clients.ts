// Real SDK clients pointed at an emulator; one client per test, since the SDK's retry budget is per client.
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { STSClient } from '@aws-sdk/client-sts'
import type { Emulator } from '../../emulator/index.ts'

export const STATIC = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export function codepipeline(
  emu: Emulator,
  credentials: AwsCredentials = STATIC,
  extra: { maxAttempts?: number; region?: string } = {}
): CodePipelineClient {
  return new CodePipelineClient({
    region: extra.region ?? emu.region,
    endpoint: emu.urls.codepipeline,
    credentials,
    maxAttempts: extra.maxAttempts ?? 3
  })
}

export function sts(emu: Emulator): STSClient {
  return new STSClient({ region: emu.region, endpoint: emu.urls.sts })
}

export const ACTION_TYPE = {
  category: 'Build',
  owner: 'Custom',
  provider: 'GitHubActions',
  version: '1'
} as const

/** The error a call failed with; fails the test when the call succeeds. */
export async function rejection(
  p: Promise<unknown>
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected the call to fail')
}
