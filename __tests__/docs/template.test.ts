// templates/bridge.yml must stay honest: it parses, each role may call exactly the CodePipeline operations its
// action's code calls, each role trusts only the named repositories and refs, and the custom action type has
// the configuration properties the poll action reads.
import { describe, expect, it } from '@jest/globals'
import { loadTemplate, loadYaml, Stack, type Template } from './cloudformation.ts'
import { configurationPropertiesRead, operationsCalledFrom, reachableFiles } from './source-scan.ts'

const template = loadTemplate('templates/bridge.yml')
const PARAMS = {
  GitHubOrg: 'octo-org',
  PollerRepository: 'pipelines',
  ReportingRepositories: 'octo-org/app,octo-org/api'
}
const OIDC = 'token.actions.githubusercontent.com'

interface Statement {
  Effect: string
  Action: string | string[]
  Resource?: string | string[]
  Principal?: { Federated?: unknown }
  Condition?: Record<string, Record<string, unknown>>
}
interface RoleProperties {
  AssumeRolePolicyDocument: { Statement: Statement[] }
  Policies: Array<{ PolicyDocument: { Statement: Statement[] } }>
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

function role(stack: Stack, id: string): RoleProperties {
  const r = stack.resources()[id]
  if (!r) throw new Error(`no ${id} in this stack`)
  expect(r.Type).toBe('AWS::IAM::Role')
  return r.Properties as unknown as RoleProperties
}

function allowedActions(r: RoleProperties): string[] {
  const statements = r.Policies.flatMap(p => p.PolicyDocument.Statement)
  for (const s of statements) expect(s.Effect).toBe('Allow')
  return statements.flatMap(s => list(s.Action)).sort()
}

function trust(r: RoleProperties): Statement {
  expect(r.AssumeRolePolicyDocument.Statement).toHaveLength(1)
  return r.AssumeRolePolicyDocument.Statement[0]
}

/** The values a trust condition accepts for a claim, whichever string operator carries it. */
function claim(statement: Statement, name: 'sub' | 'aud'): { operator: string; values: string[] } {
  const found = Object.entries(statement.Condition ?? {}).filter(([, keys]) => `${OIDC}:${name}` in keys)
  expect(found).toHaveLength(1)
  const [operator, keys] = found[0]
  return { operator, values: list(keys[`${OIDC}:${name}`] as string | string[]) }
}

/** IAM StringLike: * and ? wildcards, everything else literal. */
function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${re}$`).test(value)
}

function admits(statement: Statement, sub: string): boolean {
  const { operator, values } = claim(statement, 'sub')
  return values.some(v => (operator === 'StringEquals' ? v === sub : stringLike(v, sub)))
}

describe('templates/bridge.yml', () => {
  it('parses with CloudFormation short tags, and every reference resolves', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09')
    // The evaluator throws on a !Ref, !GetAtt, ${} or condition that names nothing, and on functions used
    // where CloudFormation forbids them (a computed Fn::Join or Fn::Split delimiter, a computed Fn::Sub string).
    for (const values of [
      PARAMS,
      { ...PARAMS, ReportingRefs: '*' },
      { ...PARAMS, ReportingRefs: 'refs/heads/*' },
      { ...PARAMS, ReportingRefs: 'refs/heads/master' },
      { ...PARAMS, ReportingRepositories: '' },
      {
        ...PARAMS,
        ExistingOidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${OIDC}`
      }
    ]) {
      const stack = new Stack(template, values)
      expect(Object.keys(stack.resources()).length).toBeGreaterThan(0)
      expect(Object.keys(stack.outputs()).length).toBeGreaterThan(0)
    }
  })

  it('the evaluator refuses what CloudFormation refuses (so the test above can fail)', () => {
    const broken = (patch: (t: Template) => void) => {
      const copy = structuredClone(template)
      patch(copy)
      return () => new Stack(copy, PARAMS).resources()
    }
    expect(broken(t => (t.Resources.PollerRole.Properties!.Description = { Ref: 'Nope' }))).toThrow(/Nope/)
    expect(
      broken(
        t => (t.Resources.PollerRole.Properties!.Description = { 'Fn::Join': [{ Ref: 'GitHubOrg' }, []] })
      )
    ).toThrow(/literal delimiter/)
    expect(() => new Stack(template, { ...PARAMS, ProviderName: 'has space' })).toThrow(/ProviderName/)
  })

  it("the poller role may call exactly the CodePipeline operations the poll action's code calls", () => {
    const fromCode = operationsCalledFrom('src/poll/index.ts')
    // A sanity check on the scan itself: the poll action polls and acknowledges.
    expect(fromCode).toEqual(expect.arrayContaining(['AcknowledgeJob', 'PollForJobs']))
    const actions = allowedActions(role(new Stack(template, PARAMS), 'PollerRole'))
    expect(actions).toEqual(fromCode.map(op => `codepipeline:${op}`))
  })

  it("the reporter role may call exactly the CodePipeline operations the report action's code calls", () => {
    const fromCode = operationsCalledFrom('src/report/index.ts')
    expect(fromCode.length).toBeGreaterThan(0)
    expect(fromCode).not.toContain('PollForJobs') // a reporter answers a job it was given; it never takes one
    const actions = allowedActions(role(new Stack(template, PARAMS), 'ReporterRole'))
    expect(actions).toEqual(fromCode.map(op => `codepipeline:${op}`))
  })

  it('the source scan follows imports (it would notice a call moved into a shared module)', () => {
    const files = reachableFiles('src/report/index.ts').map(f => f.slice(f.indexOf('/src/') + 1))
    expect(files).toEqual(expect.arrayContaining(['src/report/main.ts', 'src/aws/codepipeline.ts']))
  })

  it('PollForJobs is limited to this action type; the job operations, which have no resource type, to *', () => {
    const stack = new Stack(template, { ...PARAMS, ProviderName: 'Builds', ActionVersion: '2' })
    const statements = role(stack, 'PollerRole').Policies.flatMap(p => p.PolicyDocument.Statement)
    const poll = statements.find(s => list(s.Action).includes('codepipeline:PollForJobs'))
    expect(poll?.Action).toEqual('codepipeline:PollForJobs')
    expect(poll?.Resource).toBe(
      'arn:aws:codepipeline:eu-west-1:123456789012:actiontype:Custom/Build/Builds/2'
    )
    for (const s of statements) for (const a of list(s.Action)) expect(a).not.toContain('*')
  })

  it('the poller role trusts only the poller repository on its ref, with the audience', () => {
    const statement = trust(role(new Stack(template, PARAMS), 'PollerRole'))
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity')
    expect(claim(statement, 'aud')).toEqual({ operator: 'StringEquals', values: ['sts.amazonaws.com'] })
    expect(claim(statement, 'sub')).toEqual({
      operator: 'StringEquals',
      values: ['repo:octo-org/pipelines:ref:refs/heads/main']
    })
    expect(admits(statement, 'repo:octo-org/pipelines:ref:refs/heads/feature')).toBe(false)
    expect(admits(statement, 'repo:octo-org/pipelines:pull_request')).toBe(false)
    expect(admits(statement, 'repo:octo-org/app:ref:refs/heads/main')).toBe(false)
  })

  it('the reporter role trusts each named repository on the chosen refs only, with the audience', () => {
    const main = trust(role(new Stack(template, PARAMS), 'ReporterRole'))
    expect(claim(main, 'aud')).toEqual({ operator: 'StringEquals', values: ['sts.amazonaws.com'] })
    expect(claim(main, 'sub')).toEqual({
      operator: 'StringLike',
      values: ['repo:octo-org/app:ref:refs/heads/main', 'repo:octo-org/api:ref:refs/heads/main']
    })
    expect(admits(main, 'repo:octo-org/api:ref:refs/heads/main')).toBe(true)
    expect(admits(main, 'repo:octo-org/api:ref:refs/heads/topic')).toBe(false)
    expect(admits(main, 'repo:octo-org/pipelines:ref:refs/heads/main')).toBe(false)
    expect(admits(main, 'repo:evil-org/app:ref:refs/heads/main')).toBe(false)

    const branches = trust(
      role(new Stack(template, { ...PARAMS, ReportingRefs: 'refs/heads/*' }), 'ReporterRole')
    )
    expect(admits(branches, 'repo:octo-org/app:ref:refs/heads/topic')).toBe(true)
    expect(admits(branches, 'repo:octo-org/app:pull_request')).toBe(false)
    expect(admits(branches, 'repo:octo-org/app:ref:refs/tags/v1')).toBe(false)

    const master = trust(
      role(new Stack(template, { ...PARAMS, ReportingRefs: 'refs/heads/master' }), 'ReporterRole')
    )
    expect(claim(master, 'sub').values).toEqual([
      'repo:octo-org/app:ref:refs/heads/master',
      'repo:octo-org/api:ref:refs/heads/master'
    ])

    const any = trust(role(new Stack(template, { ...PARAMS, ReportingRefs: '*' }), 'ReporterRole'))
    expect(claim(any, 'sub').values).toEqual(['repo:octo-org/app:*', 'repo:octo-org/api:*'])
    expect(admits(any, 'repo:octo-org/apiary:ref:refs/heads/main')).toBe(false)
  })

  it('a track-mode-only bridge (no reporting repositories) creates no reporter role', () => {
    const stack = new Stack(template, { ...PARAMS, ReportingRepositories: '' })
    expect(stack.resources().ReporterRole).toBeUndefined()
    expect(stack.outputs()).not.toHaveProperty('ReporterRoleArn')
  })

  it("creates GitHub's OIDC provider, or trusts an existing one instead", () => {
    const created = new Stack(template, PARAMS)
    const provider = created.resources().GitHubOidcProvider
    expect(provider.Properties).toMatchObject({ Url: `https://${OIDC}`, ClientIdList: ['sts.amazonaws.com'] })
    expect(trust(role(created, 'PollerRole')).Principal).toEqual({ Federated: '<GitHubOidcProvider.Arn>' })
    expect(trust(role(created, 'ReporterRole')).Principal).toEqual({ Federated: '<GitHubOidcProvider.Arn>' })

    const existing = `arn:aws:iam::123456789012:oidc-provider/${OIDC}`
    const reused = new Stack(template, { ...PARAMS, ExistingOidcProviderArn: existing })
    expect(reused.resources().GitHubOidcProvider).toBeUndefined()
    expect(trust(role(reused, 'PollerRole')).Principal).toEqual({ Federated: existing })
    expect(trust(role(reused, 'ReporterRole')).Principal).toEqual({ Federated: existing })
  })

  it('the custom action type has exactly the configuration properties the poll action reads', () => {
    const read = configurationPropertiesRead()
    expect(read).toEqual(expect.arrayContaining(['Repository', 'Workflow']))
    const type = new Stack(template, PARAMS).resources().GitHubActionsActionType
    expect(type.Type).toBe('AWS::CodePipeline::CustomActionType')
    const props = type.Properties.ConfigurationProperties as Array<Record<string, unknown>>
    expect(props.map(p => p.Name).sort()).toEqual(read)
    for (const p of props) {
      // The poller logs the repository, workflow and ref: none may be secret. CodePipeline allows at most one
      // queryable property, and only a required one.
      expect(p.Secret).toBe(false)
      if (p.Queryable) expect(p.Required).toBe(true)
      expect(String(p.Description).length).toBeLessThanOrEqual(160)
    }
    expect(props.filter(p => p.Queryable)).toHaveLength(0)
    expect(props.filter(p => p.Required).map(p => p.Name)).toEqual(['Repository', 'Workflow'])
  })

  it('the action type links the workflow and the run, and fits the poll action defaults', () => {
    const type = new Stack(template, PARAMS).resources().GitHubActionsActionType.Properties
    expect(type).toMatchObject({
      Category: 'Build',
      Provider: 'GitHubActions',
      Version: '1',
      Settings: {
        EntityUrlTemplate: 'https://github.com/{Config:Repository}/actions/workflows/{Config:Workflow}',
        ExecutionUrlTemplate: 'https://github.com/{Config:Repository}/actions/runs/{ExternalExecutionId}'
      },
      InputArtifactDetails: { MinimumCount: 0, MaximumCount: 5 },
      OutputArtifactDetails: { MinimumCount: 0, MaximumCount: 5 }
    })
    // URL templates may only use required properties: an empty one would make a broken link.
    const props = type.ConfigurationProperties as Array<{ Name: string; Required: boolean }>
    const settings = JSON.stringify(type.Settings)
    for (const [, name] of settings.matchAll(/\{Config:(\w+)\}/g))
      expect(props.find(p => p.Name === name)?.Required).toBe(true)
  })

  it('outputs exactly what the workflows need', () => {
    expect(new Stack(template, PARAMS).outputs()).toEqual({
      PollerRoleArn: '<PollerRole.Arn>',
      ReporterRoleArn: '<ReporterRole.Arn>',
      ProviderName: 'GitHubActions',
      ActionVersion: '1',
      Region: 'eu-west-1'
    })
  })
})

describe('templates/example-pipeline-stage.yml', () => {
  it('uses the action type of the template with its properties, the required ones set', () => {
    const stages = loadYaml('templates/example-pipeline-stage.yml') as Array<{
      Actions: Array<{ ActionTypeId: Record<string, string>; Configuration: Record<string, string> }>
    }>
    const type = new Stack(template, PARAMS).resources().GitHubActionsActionType.Properties
    const props = type.ConfigurationProperties as Array<{ Name: string; Required: boolean }>
    const actions = stages.flatMap(s => s.Actions)
    expect(actions).toHaveLength(1)
    const [action] = actions
    expect(action.ActionTypeId).toEqual({
      Category: type.Category,
      Owner: 'Custom',
      Provider: type.Provider,
      Version: type.Version
    })
    for (const key of Object.keys(action.Configuration)) expect(props.map(p => p.Name)).toContain(key)
    for (const p of props.filter(p => p.Required)) expect(action.Configuration[p.Name]).toBeTruthy()
    const inputs = JSON.parse(action.Configuration.Inputs) as Record<string, unknown>
    expect(Object.values(inputs).every(v => typeof v === 'string')).toBe(true)
  })
})
