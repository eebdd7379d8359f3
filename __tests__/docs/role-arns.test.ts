// The docs name the roles the template creates in the docs' region (RoleNamePrefix-poller-REGION and
// -reporter-REGION, default prefix codepipeline-bridge, region eu-west-1), each action its own, as the examples do
// (examples.test.ts). The one exception is the emulator's seeded role, on docs/testing-locally.md. And
// poll/README's workflow runs as the examples' does: on
// workflow_dispatch (the wake-up) and on a schedule.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { loadTemplate, Stack } from './cloudformation.ts'

const EMULATOR_ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline'
const LOCAL_TESTING = 'docs/testing-locally.md'
const DOCS = [
  'README.md',
  'poll/README.md',
  ...readdirSync('docs')
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f}`)
]

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

const ARN = /arn:aws:iam::\d{12}:role\/[\w+=,.@-]+/g

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
    const allowed = [
      arn(ROLE_NAMES.poll),
      arn(ROLE_NAMES.report),
      ...(file === LOCAL_TESTING ? [EMULATOR_ROLE] : [])
    ]
    for (const [found] of text.matchAll(ARN))
      expect([file, found, allowed.includes(found)]).toEqual([file, found, true])
  })

  it('gives each action its own role in the workflow snippets', () => {
    for (const { action, role } of rolesByAction(text))
      expect([file, action, role]).toEqual([file, action, arn(ROLE_NAMES[action])])
  })
})

it('the pages that show role ARNs and workflow snippets include README, poll/README and local testing', () => {
  const showing = (has: (text: string) => boolean) => DOCS.filter(f => has(readFileSync(f, 'utf8')))
  expect(showing(text => [...text.matchAll(ARN)].length > 0)).toEqual(
    expect.arrayContaining(['README.md', 'poll/README.md', LOCAL_TESTING])
  )
  expect(showing(text => rolesByAction(text).length > 0)).toEqual(
    expect.arrayContaining(['README.md', 'poll/README.md'])
  )
  expect(readFileSync(LOCAL_TESTING, 'utf8')).toContain(EMULATOR_ROLE)
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
