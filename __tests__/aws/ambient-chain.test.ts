import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import { connectCodePipeline } from '../../src/aws/codepipeline.ts'
import { resolveCredentials } from '../../src/aws/credentials.ts'
import { UserError } from '../../src/errors.ts'
import { captureRunnerCommands, settings, STATIC } from './fixtures.ts'

// Without role-to-assume and without AWS_ACCESS_KEY_ID, the SDK's default chain is loaded. It reads
// process.env itself, so these tests point it at files of their own and restore process.env after.

const CHAIN_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL_CODEPIPELINE'
]

let emu: Emulator
captureRunnerCommands()
let dir: string
let saved: Record<string, string | undefined>

beforeEach(async () => {
  emu = await startEmulator()
  dir = await mkdtemp(join(tmpdir(), 'aws-chain-'))
  saved = Object.fromEntries(CHAIN_VARIABLES.map(name => [name, process.env[name]]))
  for (const name of CHAIN_VARIABLES) delete process.env[name]
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials')
  process.env.AWS_CONFIG_FILE = join(dir, 'config')
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  process.env.AWS_ENDPOINT_URL_CODEPIPELINE = emu.env.AWS_ENDPOINT_URL_CODEPIPELINE
})
afterEach(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await rm(dir, { recursive: true, force: true })
  await emu.close()
})

it('a shared credentials file found by the SDK chain signs the calls', async () => {
  emu.sts.addStaticCredentials(STATIC)
  await writeFile(
    process.env.AWS_SHARED_CREDENTIALS_FILE ?? '',
    `[default]\naws_access_key_id = ${STATIC.accessKeyId}\naws_secret_access_key = ${STATIC.secretAccessKey}\n`
  )
  const cp = await connectCodePipeline(settings(emu))
  try {
    await cp.getJobDetails(emu.codepipeline.addJob().id)
  } finally {
    cp.destroy()
  }
  expect(emu.requests.map(r => [r.operation, r.status, r.accessKeyId])).toEqual([
    ['GetJobDetails', 200, STATIC.accessKeyId]
  ])
})

it('no credentials anywhere is a UserError that says how to provide them', async () => {
  const error = await resolveCredentials(settings(emu)).then(
    () => undefined,
    (e: unknown) => e as Error
  )
  expect(error).toBeInstanceOf(UserError)
  expect(error?.message).toBe(
    'No AWS credentials: set role-to-assume (with permissions: id-token: write) or configure credentials ' +
      'earlier in the job (aws-actions/configure-aws-credentials)'
  )
  expect(emu.requests).toEqual([])
})
