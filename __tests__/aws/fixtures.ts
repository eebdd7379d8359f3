// Shared set-up for the AWS layer's in-process tests. The SDK and @actions/core read process.env themselves
// (endpoints, the OIDC request URL), so each test points process.env at its emulator and puts it back after.
import { afterEach, beforeEach } from '@jest/globals'
import type { AwsSettings } from '../../src/aws/settings.ts'
import { startEmulator, type Emulator } from '../../emulator/index.ts'

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

/**
 * @actions/core writes its commands (::add-mask::) to stdout: keep them for the test, out of jest's output.
 * Returns the values masked during the current test.
 */
export function captureRunnerCommands(): () => string[] {
  let writes: string[] = []
  let write: typeof process.stdout.write
  beforeEach(() => {
    writes = []
    write = process.stdout.write
    process.stdout.write = ((chunk: string | Uint8Array) => {
      writes.push(String(chunk))
      return true
    }) as typeof process.stdout.write
  })
  afterEach(() => {
    process.stdout.write = write
  })
  return () =>
    writes
      .join('')
      .split(/\r?\n/)
      .filter(line => line.startsWith('::add-mask::'))
      .map(line => line.slice('::add-mask::'.length))
}

/** A fresh emulator per test, with process.env pointing at it; `emulator()` reads the current one. */
export function useEmulator(): { emulator: () => Emulator; masked: () => string[] } {
  let emu: Emulator
  let saved: NodeJS.ProcessEnv
  const masked = captureRunnerCommands()
  beforeEach(async () => {
    emu = await startEmulator()
    saved = { ...process.env }
    Object.assign(process.env, emu.env)
  })
  afterEach(async () => {
    process.env = saved
    await emu.close()
  })
  return { emulator: () => emu, masked }
}

export function operations(emu: Emulator): Array<[string, number, string | undefined]> {
  return emu.requests.map(r => [r.operation, r.status, r.fault])
}
