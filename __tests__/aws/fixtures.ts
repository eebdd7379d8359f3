// Shared set-up for the AWS client tests: recorders for the sleeps and secrets the clients hand out.
import type { AwsSettings } from '../../src/aws/settings.ts'
import type { Emulator } from '../../emulator/index.ts'

export const STATIC = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/github-codepipeline'

export function settings(emu: Emulator, extra: Partial<AwsSettings> = {}): AwsSettings {
  return { region: emu.region, maxAttempts: 3, ...extra }
}

export function roleSettings(
  emu: Emulator,
  role: Partial<NonNullable<AwsSettings['role']>> = {}
): AwsSettings {
  return settings(emu, {
    role: {
      arn: ROLE_ARN,
      sessionName: 'github-actions-run-1658821493',
      durationSeconds: 900,
      audience: 'sts.amazonaws.com',
      ...role
    }
  })
}

/** What a client would have waited and masked; nothing really sleeps. */
export function recorders() {
  const sleeps: number[] = []
  const secrets: string[] = []
  return {
    sleeps,
    secrets,
    sleep: async (ms: number) => void sleeps.push(ms),
    setSecret: (value: string) => void secrets.push(value)
  }
}

export function operations(emu: Emulator): Array<[string, number, string | undefined]> {
  return emu.requests.map(r => [r.operation, r.status, r.fault])
}
