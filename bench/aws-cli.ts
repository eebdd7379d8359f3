// The yardstick for the report's wall time: one `aws codepipeline put-job-failure-result` by AWS CLI v2, which is
// what a workflow would run instead of this action. Only v2 counts: v1 (a pyenv shim here) starts differently.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Emulator } from '../emulator/index.ts'
import type { Invocation } from './spawn-timed.ts'

export const INSTALL_HINT =
  'install it with `apt-get install -y awscli` (Debian 12 packages AWS CLI v2) or see ' +
  'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html'

// The example keys from the AWS documentation, as in emulator/cli.ts, so nobody mistakes them for real ones.
const KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}

export type AwsCliLookup = { path: string; version: string } | { missing: string }

function candidates(): string[] {
  const onPath = (process.env.PATH ?? '').split(delimiter).map(dir => join(dir, 'aws'))
  return [process.env.BENCH_AWS_CLI, '/usr/bin/aws', ...onPath].filter(
    (p): p is string => !!p && existsSync(p)
  )
}

/** BENCH_AWS_CLI if set, then /usr/bin/aws (Debian's v2), then PATH: the first that reports aws-cli/2 wins. */
export function findAwsCliV2(paths = candidates()): AwsCliLookup {
  const seen: string[] = []
  for (const path of new Set(paths)) {
    let version: string
    try {
      version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim()
    } catch {
      continue
    }
    if (version.startsWith('aws-cli/2')) return { path, version: version.split(' ')[0] }
    seen.push(`${path} is ${version.split(' ')[0]}`)
  }
  return { missing: seen.length ? `no AWS CLI v2 (${seen.join('; ')})` : 'no AWS CLI found' }
}

/**
 * One PutJobFailureResult for a fresh job, with a key pair the emulator accepts. CLI v2 before 2.13 ignores
 * AWS_ENDPOINT_URL_*, hence --endpoint-url. HOME is an empty directory so no user's ~/.aws config changes what
 * is measured; the instance metadata lookup is off as on a runner outside EC2.
 */
export function awsCliInvocation(cli: string, emu: Emulator, home: string): () => Invocation {
  if (!emu.sts.staticCredentials.some(c => c.accessKeyId === KEYS.accessKeyId))
    emu.sts.addStaticCredentials(KEYS)
  return () => {
    const job = emu.codepipeline.addJob()
    const input = { jobId: job.id, failureDetails: { type: 'JobFailed', message: 'Unit tests failed' } }
    return {
      command: cli,
      args: [
        'codepipeline',
        'put-job-failure-result',
        '--endpoint-url',
        emu.urls.codepipeline,
        '--region',
        emu.region,
        '--cli-input-json',
        JSON.stringify(input)
      ],
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: ''
      },
      exitCode: 0,
      verify: () => {
        const result = job.results.at(-1)
        if (job.state !== 'Failed' || result?.accessKeyId !== KEYS.accessKeyId)
          throw new Error(`job ${job.id} is ${job.state}: the CLI's failure result was not recorded`)
      }
    }
  }
}
