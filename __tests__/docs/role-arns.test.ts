// The READMEs and docs name the roles the template creates in the docs' region (RoleNamePrefix-poller-REGION and
// -reporter-REGION, default prefix codepipeline-bridge, region eu-west-1), each action its own, as the examples do
// (examples.test.ts). The one exception is the
// emulator's seeded role, in "Test your bridge locally". And poll/README's workflow runs as the examples' does: on
// workflow_dispatch (the wake-up) and on a schedule.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { loadTemplate, Stack } from './cloudformation.ts'

const EMULATOR_ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
const DOCS = ['README.md', 'poll/README.md', 'docs/enterprise.md']

const template = loadTemplate('templates/bridge.yml')
const roles = new Stack(
  template,
  { GitHubOrg: 'octo-org', PollerRepository: 'pipelines', ReportingRepositories: 'app' },
  { 'AWS::Region': 'eu-west-1' }
).resources()
const ROLE_NAMES = {
  poll: String(roles.PollerRole.Properties.RoleName),
  report: String(roles.ReporterRole.Properties.RoleName)
}
const arn = (name: string) => `arn:aws:iam::123456789012:role/${name}`

/** Markdown without the "Test your bridge locally" section, where the emulator's role is the right one. */
function withoutLocalTesting(markdown: string): string {
  const start = markdown.indexOf('\n## Test your bridge locally')
  if (start < 0) return markdown
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(0, start) + (end < 0 ? '' : markdown.slice(end))
}

/**
 * Each `role-to-assume:` of the YAML blocks, with the action of the nearest `uses:` above it. Lines rather than
 * YAML: some blocks are fragments (a pipeline's configuration next to a step) that do not parse on their own.
 */
function rolesByAction(markdown: string): Array<{ action: 'poll' | 'report'; role: string }> {
  const found: Array<{ action: 'poll' | 'report'; role: string }> = []
  for (const [, block] of markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)) {
    let action: 'poll' | 'report' | undefined
    for (const line of block.split('\n')) {
      const uses = /^\s*-?\s*uses:\s*(\S+)/.exec(line)?.[1]
      if (uses)
        action = uses === 'OWNER/REPO@v1' ? 'report' : uses === 'OWNER/REPO/poll@v1' ? 'poll' : undefined
      const role = /^\s*role-to-assume:\s*(\S+)/.exec(line)?.[1]
      if (role && action) found.push({ action, role })
    }
  }
  return found
}

describe.each(DOCS)('%s', file => {
  const text = readFileSync(file, 'utf8')

  it("names only the template's roles (the emulator's only where the emulator is used)", () => {
    const arns = new Set(
      [...withoutLocalTesting(text).matchAll(/arn:aws:iam::\d{12}:role\/[\w+=,.@-]+/g)].map(m => m[0])
    )
    expect(arns.size).toBeGreaterThan(0)
    for (const found of arns) expect([arn(ROLE_NAMES.poll), arn(ROLE_NAMES.report)]).toContain(found)
    const start = text.indexOf('\n## Test your bridge locally')
    const local = start < 0 ? '' : text.slice(start, text.indexOf('\n## ', start + 1))
    for (const [found] of local.matchAll(/arn:aws:iam::\d{12}:role\/[\w+=,.@-]+/g))
      expect([EMULATOR_ROLE, arn(ROLE_NAMES.poll), arn(ROLE_NAMES.report)]).toContain(found)
  })

  it('gives each action its own role in the workflow snippets', () => {
    const found = rolesByAction(text)
    expect(found.length).toBeGreaterThan(0)
    for (const { action, role } of found) expect([action, role]).toEqual([action, arn(ROLE_NAMES[action])])
  })
})

it("the template's default prefix makes the names the docs use, in the docs' region", () => {
  expect(ROLE_NAMES).toEqual({
    poll: 'codepipeline-bridge-poller-eu-west-1',
    report: 'codepipeline-bridge-reporter-eu-west-1'
  })
})

it("poll/README's workflow runs on workflow_dispatch (the wake-up) and a schedule, as examples/poll-dispatch.yml", () => {
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(readFileSync('poll/README.md', 'utf8'))![1]
  const triggers = (text: string) => Object.keys((parse(text) as { on: Record<string, unknown> }).on).sort()
  expect(triggers(block)).toEqual(['schedule', 'workflow_dispatch'])
  expect(triggers(readFileSync('examples/poll-dispatch.yml', 'utf8'))).toEqual(triggers(block))
})
