// The environment the GitHub runner gives a JavaScript action step: INPUT_* variables, file commands in files the
// runner creates empty for each step, and the OIDC token request variables (here pointing at the emulator).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from '../emulator/index.ts'

export const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'

export function reportEnv(emu: Emulator, dir: string, jobId: string): NodeJS.ProcessEnv {
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' }
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...emu.env }
  for (const [name, file] of Object.entries(files)) {
    env[name] = join(dir, file)
    writeFileSync(env[name] as string, '')
  }
  return {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Build',
    RUNNER_NAME: 'GitHub Actions 1',
    'INPUT_JOB-ID': jobId,
    INPUT_STATUS: 'failure',
    INPUT_MESSAGE: 'Unit tests failed',
    'INPUT_FAILURE-TYPE': 'JobFailed',
    'INPUT_ROLE-TO-ASSUME': ROLE,
    'INPUT_ROLE-DURATION-SECONDS': '900',
    INPUT_AUDIENCE: 'sts.amazonaws.com',
    'INPUT_MAX-ATTEMPTS': '5',
    'INPUT_DRY-RUN': 'false'
  }
}
