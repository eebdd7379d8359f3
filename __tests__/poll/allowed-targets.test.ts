import { expect, test } from '@jest/globals'
import { UserError } from '../../src/errors.ts'
import { isAllowed, parseAllowedTargets } from '../../src/poll/allowed-targets.ts'
import { refNameProblem } from '../../src/poll/ref-name.ts'

const allowed = (lines: string, target: Parameters<typeof isAllowed>[1]) =>
  isAllowed(parseAllowedTargets(lines, 'octo-org/pipelines'), target)

test('empty allows only the poller repository, any workflow and ref', () => {
  expect(allowed('', { owner: 'octo-org', repo: 'pipelines', workflow: 'x.yml', ref: 'dev' })).toBe(true)
  expect(allowed('', { owner: 'Octo-Org', repo: 'Pipelines', workflow: 'x.yml' })).toBe(true)
  expect(allowed('', { owner: 'octo-org', repo: 'app', workflow: 'x.yml' })).toBe(false)
})

test('* matches within one part only', () => {
  const lines = 'octo-org/*/build.yml@main\nocto-org/api'
  expect(allowed(lines, { owner: 'octo-org', repo: 'web', workflow: 'build.yml', ref: 'main' })).toBe(true)
  expect(
    allowed(lines, { owner: 'octo-org', repo: 'web', workflow: 'build.yml', ref: 'refs/heads/main' })
  ).toBe(true)
  expect(allowed(lines, { owner: 'octo-org', repo: 'web', workflow: 'build.yml', ref: 'dev' })).toBe(false)
  expect(allowed(lines, { owner: 'octo-org', repo: 'web', workflow: 'deploy.yml', ref: 'main' })).toBe(false)
  expect(allowed(lines, { owner: 'octo-org-evil', repo: 'web', workflow: 'build.yml', ref: 'main' })).toBe(
    false
  )
  expect(allowed(lines, { owner: 'octo-org', repo: 'api', workflow: 'anything.yml', ref: 'any' })).toBe(true)
  expect(allowed('octo-*/app', { owner: 'octo-org', repo: 'app' })).toBe(true)
  expect(allowed('octo-org/a.p', { owner: 'octo-org', repo: 'axp' })).toBe(false)
})

test('an unknown ref matches until it is known (the default branch is read later)', () => {
  expect(
    allowed('octo-org/web/build.yml@main', { owner: 'octo-org', repo: 'web', workflow: 'build.yml' })
  ).toBe(true)
})

test.each(['octo-org', 'octo-org/app/x/y', 'octo org/app', '/app'])(
  '"%s" is refused with the format',
  line => {
    expect(() => parseAllowedTargets(line, 'o/r')).toThrow(UserError)
    expect(() => parseAllowedTargets(line, 'o/r')).toThrow(
      `allowed-targets line 1 is "${line}"; write owner/repo, owner/repo/workflow-file or owner/repo/workflow-file@ref`
    )
  }
)

test.each([
  ['main', undefined],
  ['refs/tags/v1.2.3', undefined],
  ['feature/a-b_c', undefined],
  ['main\n::stop-commands::x', 'control character'],
  ['has space', 'space'],
  ['a..b', '".."'],
  ['a@{1}', '"@{"'],
  ['@', '"@"'],
  ['/main', 'empty path component'],
  ['main/', 'empty path component'],
  ['a//b', 'empty path component'],
  ['main.', 'ends with "."'],
  ['x/.hidden', 'starts with "."'],
  ['x.lock', 'ends with ".lock"'],
  ['a~1', '~'],
  ['', 'empty']
])('git ref name %j: %s', (ref, problem) => {
  const found = refNameProblem(ref)
  if (problem === undefined) expect(found).toBeUndefined()
  else expect(found).toContain(problem)
})

test('a refused line is named by its number in the input, blank lines counted', () => {
  expect(() => parseAllowedTargets('octo-org/app\n\nnot-a-target', 'o/r')).toThrow(
    'allowed-targets line 3 is "not-a-target"'
  )
})
