// The release workflow (.github/workflows/release.yml) publishes a tag's CHANGELOG.md section as the release notes
// and moves the major tag. Both are checked here as the workflow runs them: the notes script as a process, the
// tag-moving step in a scratch repository with its own "origin".
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { releaseNotes } from '../../scripts/release-notes.ts'

const SCRIPT = resolve('scripts/release-notes.ts')

const CHANGELOG = `# Changelog

Intro text.

## [Unreleased]

### Added

- Something not released yet.

## [1.1.0] - 2026-12-10

### Added

- Waking the poller.

### Fixed

- A fix.

## [1.0.0] - 2026-12-01

- First release.

[Unreleased]: https://github.com/OWNER/REPO/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/OWNER/REPO/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/OWNER/REPO/releases/tag/v1.0.0
`

interface Step {
  name?: string
  run?: string
  uses?: string
  if?: string
  env?: Record<string, string>
}
const workflow = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
  on: { push: { tags: string[] } }
  permissions: Record<string, string>
  jobs: Record<string, { steps: Step[] }>
}
const steps = Object.values(workflow.jobs).flatMap(job => job.steps)

const scratch: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'release-test-'))
  scratch.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

describe('release notes from CHANGELOG.md', () => {
  it("are the tag's section, without its heading, up to the next section", () => {
    expect(releaseNotes(CHANGELOG, '1.1.0')).toBe(
      '### Added\n\n- Waking the poller.\n\n### Fixed\n\n- A fix.'
    )
    // The last section stops at the link references.
    expect(releaseNotes(CHANGELOG, '1.0.0')).toBe('- First release.')
  })

  it('refuse a version with no section, or an empty one', () => {
    expect(() => releaseNotes(CHANGELOG, '1.2.0')).toThrow(/no "## \[1.2.0\]" section/)
    expect(() => releaseNotes(CHANGELOG, '1.1')).toThrow(/no "## \[1.1\]" section/)
    expect(() => releaseNotes('## [2.0.0] - 2027-01-01\n\n## [1.0.0]\n- x\n', '2.0.0')).toThrow(/empty/)
  })

  it('come out of the script as the workflow runs it, which fails without them', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'CHANGELOG.md'), CHANGELOG)
    const run = (version: string) =>
      spawnSync(process.execPath, [SCRIPT, version], { cwd: dir, encoding: 'utf8' })
    const ok = run('1.1.0')
    expect(ok.status).toBe(0)
    expect(ok.stdout).toBe('### Added\n\n- Waking the poller.\n\n### Fixed\n\n- A fix.\n')
    const missing = run('1.2.0')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('CHANGELOG.md has no "## [1.2.0]" section')
    expect(run('nope').status).toBe(2)
  })

  it('CHANGELOG.md has notes waiting for the next release', () => {
    expect(releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), 'Unreleased').length).toBeGreaterThan(20)
  })
})

describe('.github/workflows/release.yml', () => {
  it('runs on a pushed vX.Y.Z tag, may write contents, and checks dist/ and the tests before publishing', () => {
    expect(workflow.on.push.tags).toEqual(['v*.*.*'])
    expect(workflow.permissions).toEqual({ contents: 'write' })
    const runs = steps.map(s => s.run ?? '')
    const at = (text: string) => runs.findIndex(r => r.includes(text))
    for (const text of ['npm run bundle', 'git diff --exit-code', 'npm test', 'scripts/release-notes.ts'])
      expect([text, at(text)]).toEqual([text, expect.any(Number)])
    expect(at('npm ci')).toBeLessThan(at('npm run bundle'))
    expect(at('git diff --exit-code')).toBeLessThan(at('gh release create'))
    expect(at('npm test')).toBeLessThan(at('gh release create'))
    expect(at('scripts/release-notes.ts')).toBeLessThan(at('gh release create'))
    expect(at('gh release create')).toBeLessThan(at('git push -f origin'))
    // The tag name reaches the scripts through the environment, never pasted into them.
    for (const run of runs) expect(run).not.toContain('${{')
  })

  it('moves the major tag to the newest release of that major version only', () => {
    const move = steps.find(s => s.name === 'Move the major tag')!
    expect(move.if).toContain("!contains(github.ref_name, '-')")
    const origin = tempDir()
    const work = tempDir()
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com'
        }
      }).trim()
    git(origin, 'init', '--bare', '-q')
    git(work, 'init', '-q')
    git(work, 'remote', 'add', 'origin', origin)
    const release = (tag: string) => {
      git(work, 'commit', '-q', '--allow-empty', '-m', tag)
      git(work, 'tag', '-a', tag, '-m', tag)
      git(work, 'push', '-q', 'origin', `refs/tags/${tag}`)
      const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', move.run!], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, TAG: tag }
      })
      expect([tag, result.status, result.stderr]).toEqual([tag, 0, expect.any(String)])
      return result.stdout
    }
    const v1OnOrigin = () => git(origin, 'rev-parse', 'v1^{commit}')
    const commitOf = (tag: string) => git(work, 'rev-parse', `${tag}^{commit}`)

    expect(release('v1.0.0')).toContain('v1 now points at v1.0.0')
    expect(v1OnOrigin()).toBe(commitOf('v1.0.0'))
    release('v1.1.0')
    expect(v1OnOrigin()).toBe(commitOf('v1.1.0'))
    // A fix to the older minor version is released, but v1 stays on the newest.
    expect(release('v1.0.1')).toContain('v1 stays on v1.1.0')
    expect(v1OnOrigin()).toBe(commitOf('v1.1.0'))
    release('v1.10.0') // compared as versions, not as text: 1.10 is newer than 1.9 and 1.1
    expect(v1OnOrigin()).toBe(commitOf('v1.10.0'))
    release('v2.0.0')
    expect(git(origin, 'rev-parse', 'v2^{commit}')).toBe(commitOf('v2.0.0'))
    expect(v1OnOrigin()).toBe(commitOf('v1.10.0'))
  })
})
