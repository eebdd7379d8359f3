// A failed main step exits non-zero however it is started: `node dist/report/index.js` (or the poll bundle) by
// hand or by a local runner, without action.yml's defaults and without an OIDC token service, as
// @github/local-action runs it (it cannot serve core.getIDToken).
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import { runAction } from './harness.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator()
})
afterEach(() => emu.close())

const ROLE = 'arn:aws:iam::123456789012:role/codepipeline-bridge-reporter-eu-west-1'
const NO_OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }

test.each([
  ['dist/report/index.js', { 'job-id': '0123abcd-4567-89ab-cdef-0123456789ab', status: 'success' }],
  ['dist/poll/index.js', { provider: 'GitHubActions', 'github-token': 'ghs_x' }]
])('node %s with role-to-assume and no OIDC token service exits 1, saying why', async (entry, inputs) => {
  const result = await runAction({
    entry,
    inputs: { ...inputs, 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' },
    env: { ...emu.env, ...NO_OIDC }
  })
  expect(result.exitCode).toBe(1)
  expect(result.commands).toContainEqual(
    expect.objectContaining({
      command: 'error',
      message: expect.stringContaining(
        'this job cannot get a GitHub OIDC token: add `permissions: id-token: write`'
      )
    })
  )
  expect(emu.requests.filter(r => r.service !== 'oidc')).toEqual([])
})

test.each([
  ['dist/report/index.js', { 'job-id': 'build-42', status: 'success' }, 'Input job-id is "build-42"'],
  [
    'dist/poll/index.js',
    { provider: 'GitHubActions', 'github-token': 'ghs_x', 'max-batch-size': '0' },
    'Input max-batch-size is "0"'
  ]
])('node %s with a bad input exits 1 before any network call', async (entry, inputs, message) => {
  const result = await runAction({ entry, inputs: { ...inputs, 'aws-region': 'eu-west-1' }, env: emu.env })
  expect(result.exitCode).toBe(1)
  expect(result.commands).toContainEqual(
    expect.objectContaining({ command: 'error', message: expect.stringContaining(message) })
  )
  expect(emu.requests).toEqual([])
})
