import { expect, test } from '@jest/globals'
import { runContext } from '../../src/github/context.ts'
import { checkOwnership } from '../../src/report/ownership.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const run = runContext({
  GITHUB_REPOSITORY: 'octo-org/app',
  GITHUB_RUN_ID: '1',
  GITHUB_WORKFLOW_REF: 'octo-org/app/.github/workflows/build.yml@refs/heads/main'
})
const verdict = (configuration: Record<string, string>, on = run) =>
  checkOwnership(JOB, { actionConfiguration: { configuration } }, on).kind

test.each([
  [{ Repository: 'Octo-Org/App', Workflow: 'build.yml' }, 'ours'],
  [{ Repository: 'octo-org/other', Workflow: 'build.yml' }, 'foreign'],
  [{ Repository: 'octo-org/app', Workflow: 'deploy.yml' }, 'foreign'],
  // A wrong workflow is refused even when the job names no repository.
  [{ Workflow: 'deploy.yml' }, 'foreign'],
  [{ Workflow: 'build.yml' }, 'unchecked'],
  [{ Repository: 'octo-org/app' }, 'unchecked'],
  [{ Repository: 'octo-org/app', Workflow: '161335' }, 'unchecked']
])('%j → %s', (configuration, kind) => {
  expect(verdict(configuration)).toBe(kind)
})

test('without GITHUB_WORKFLOW_REF the workflow cannot be checked, but the repository still is', () => {
  const bare = runContext({ GITHUB_REPOSITORY: 'octo-org/app', GITHUB_RUN_ID: '1' })
  expect(bare.workflowFile).toBeUndefined()
  expect(verdict({ Repository: 'octo-org/app', Workflow: 'build.yml' }, bare)).toBe('unchecked')
  expect(verdict({ Repository: 'octo-org/other', Workflow: 'build.yml' }, bare)).toBe('foreign')
})
