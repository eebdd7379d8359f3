// templates/bridge.yml must stay honest: it parses, each role may call exactly the CodePipeline operations its
// action's code calls, each role trusts only the named repositories, refs and environment of GitHubOrg (and a
// deploy with anything else fails), the custom action type has the configuration properties the poll action
// reads, the optional wake-up sends GitHub a request its dispatch endpoint accepts, for this action type's
// STARTED events, and its stop rule the stopped action for its ABANDONED and CANCELED events; and all of it works
// with github.com's, GHE.com's and a GitHub Enterprise Server's issuer and API.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { loadTemplate, loadYaml, Stack, ValidationError, type Template } from './cloudformation.ts'
import { configurationPropertiesRead, operationsCalledFrom, reachableFiles } from './source-scan.ts'

const template = loadTemplate('templates/bridge.yml')
const PARAMS = {
  GitHubOrg: 'octo-org',
  PollerRepository: 'pipelines',
  ReportingRepositories: 'app,api'
}
const WAKE_UP = {
  WakeUpTokenSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:github/poller-dispatch-AbCdEf',
  PollWorkflow: 'codepipeline-poller.yml'
}
const OIDC = 'token.actions.githubusercontent.com'

/** What a deployer sets for each kind of GitHub, and what the stack must then use. */
const ENTERPRISE = {
  'github.com': {
    params: {},
    issuerKey: OIDC,
    api: 'https://api.github.com',
    web: 'https://github.com',
    thumbprints: true
  },
  'github.com with a customised issuer': {
    params: { OidcIssuer: `https://${OIDC}/octo-enterprise` },
    issuerKey: `${OIDC}/octo-enterprise`,
    api: 'https://api.github.com',
    web: 'https://github.com',
    thumbprints: true
  },
  'GHE.com': {
    params: {
      OidcIssuer: 'https://token.actions.octocorp.ghe.com',
      GitHubApiUrl: 'https://api.octocorp.ghe.com'
    },
    issuerKey: 'token.actions.octocorp.ghe.com',
    api: 'https://api.octocorp.ghe.com',
    web: 'https://octocorp.ghe.com',
    thumbprints: false
  },
  'GitHub Enterprise Server': {
    params: {
      OidcIssuer: 'https://github.example.com/_services/token',
      GitHubApiUrl: 'https://github.example.com/api/v3'
    },
    issuerKey: 'github.example.com/_services/token',
    api: 'https://github.example.com/api/v3',
    web: 'https://github.example.com',
    thumbprints: false
  },
  // A Server whose host starts with api.: its web host keeps the name.
  'GitHub Enterprise Server at api.example.com': {
    params: {
      OidcIssuer: 'https://api.example.com/_services/token',
      GitHubApiUrl: 'https://api.example.com/api/v3'
    },
    issuerKey: 'api.example.com/_services/token',
    api: 'https://api.example.com/api/v3',
    web: 'https://api.example.com',
    thumbprints: false
  }
}

interface Statement {
  Effect: string
  Action: string | string[]
  Resource?: string | string[]
  Principal?: { Federated?: unknown; Service?: unknown }
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
function claim(
  statement: Statement,
  name: 'sub' | 'aud',
  issuer = OIDC
): { operator: string; values: string[] } {
  const found = Object.entries(statement.Condition ?? {}).filter(([, keys]) => `${issuer}:${name}` in keys)
  expect(found).toHaveLength(1)
  const [operator, keys] = found[0]
  return { operator, values: list(keys[`${issuer}:${name}`] as string | string[]) }
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
  expect(['StringEquals', 'StringLike']).toContain(operator)
  return values.some(v => (operator === 'StringEquals' ? v === sub : stringLike(v, sub)))
}

const reporterTrust = (values: Record<string, string>) =>
  trust(role(new Stack(template, { ...PARAMS, ...values }), 'ReporterRole'))
const pollerTrust = (values: Record<string, string> = {}) =>
  trust(role(new Stack(template, { ...PARAMS, ...values }), 'PollerRole'))

/** The deploy error CloudFormation would show for these parameter values, or undefined if it deploys. */
function deployError(values: Record<string, string>): string | undefined {
  try {
    new Stack(template, values).resources()
    return undefined
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    return e.message
  }
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
      { ...PARAMS, ReportingRefs: 'refs/heads/release/*' },
      { ...PARAMS, ReportingRefs: 'refs/tags/v*' },
      ...Object.values(ENTERPRISE).map(e => ({ ...PARAMS, ...WAKE_UP, ...e.params })),
      { ...PARAMS, ReportingRepositories: '' },
      { ...PARAMS, ReportingRepositories: 'a,b,c,d,e,f,g,h,i,j' },
      { ...PARAMS, ReportingEnvironment: 'codepipeline' },
      { ...PARAMS, GitHubOrgId: '123456' },
      { ...PARAMS, PollerGroups: 'true' },
      { ...PARAMS, ...WAKE_UP },
      { ...PARAMS, ...WAKE_UP, PollerRef: 'refs/tags/poller-v1' },
      { ...PARAMS, ExistingOidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${OIDC}` },
      {
        ...PARAMS,
        ...WAKE_UP,
        ReportingRepositories: 'a,b,c,d,e,f,g,h,i,j',
        ReportingEnvironment: 'codepipeline',
        GitHubOrgId: '123456',
        PollerGroups: 'true',
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
    expect(
      broken(t => (t.Resources.PollerRole.Properties!.Description = { 'Fn::Select': [2, ['a', 'b']] }))
    ).toThrow(/no item 2/)
    // Rules have no string functions: a Rule that splits a parameter would fail to deploy.
    expect(
      broken(t => {
        t.Rules!.WakeUpNeedsTheWorkflow.Assertions[0].Assert = {
          'Fn::Equals': [{ 'Fn::Select': [0, { 'Fn::Split': ['/', { Ref: 'GitHubOrg' }] }] }, 'x']
        }
        t.Rules!.WakeUpNeedsTheWorkflow.RuleCondition = { 'Fn::Equals': ['a', 'a'] }
      })
    ).toThrow(/Fn::Select cannot be used in a Rule/)
    // A trust policy given as a string must be a JSON object, as IAM parses it.
    expect(
      broken(
        t => (t.Resources.PollerRole.Properties!.AssumeRolePolicyDocument = { 'Fn::Sub': '{"Version": ' })
      )
    ).toThrow(/PollerRole.AssumeRolePolicyDocument is not JSON/)
    expect(
      broken(t => (t.Resources.PollerRole.Properties!.AssumeRolePolicyDocument = '["Version"]'))
    ).toThrow(/must be a JSON object/)
    expect(deployError({ ...PARAMS, ProviderName: 'has space' })).toMatch(/ProviderName/)
    expect(() => new Stack(template, { ...PARAMS, ReportingRepository: 'app' })).toThrow(/no parameter/)
  })

  const granted = (fromCode: string[]) => [...fromCode].sort().map(op => `codepipeline:${op}`)

  it("the poller role may call exactly the CodePipeline operations the poll action's code calls", () => {
    const fromCode = operationsCalledFrom('src/poll/index.ts')
    // A sanity check on the scan itself: the poll action polls and acknowledges.
    expect(fromCode).toEqual(
      expect.arrayContaining(['AcknowledgeJob', 'PollForJobs', 'GetJobDetails', 'ListActionExecutions'])
    )
    const actions = allowedActions(role(new Stack(template, PARAMS), 'PollerRole'))
    expect(actions).toEqual(granted(fromCode))
  })

  it("the reporter role may call exactly the CodePipeline operations the report action's code calls", () => {
    const fromCode = operationsCalledFrom('src/report/index.ts')
    expect(fromCode.length).toBeGreaterThan(0)
    expect(fromCode).not.toContain('PollForJobs') // a reporter answers a job it was given; it never takes one
    const actions = allowedActions(role(new Stack(template, PARAMS), 'ReporterRole'))
    expect(actions).toEqual(granted(fromCode))
  })

  it("ListActionExecutions reaches this account's and region's pipelines only; the job operations *", () => {
    const stack = new Stack(template, PARAMS, {
      'AWS::Region': 'us-gov-west-1',
      'AWS::Partition': 'aws-us-gov'
    })
    for (const id of ['PollerRole', 'ReporterRole']) {
      const statements = role(stack, id).Policies.flatMap(p => p.PolicyDocument.Statement)
      const resources = (action: string) =>
        statements.filter(s => list(s.Action).includes(action)).map(s => s.Resource)
      expect([id, resources('codepipeline:ListActionExecutions')]).toEqual([
        id,
        ['arn:aws-us-gov:codepipeline:us-gov-west-1:123456789012:*']
      ])
      expect([id, resources('codepipeline:GetJobDetails')]).toEqual([id, ['*']])
    }
    const poller = role(stack, 'PollerRole').Policies.flatMap(p => p.PolicyDocument.Statement)
    expect(poller.find(s => list(s.Action).includes('codepipeline:GetJobDetails'))?.Action).toEqual([
      'codepipeline:AcknowledgeJob',
      'codepipeline:GetJobDetails',
      'codepipeline:PutJobSuccessResult',
      'codepipeline:PutJobFailureResult'
    ])
    // The template no longer says the poller never needs GetJobDetails.
    expect(readFileSync('templates/bridge.yml', 'utf8')).not.toMatch(/never needs GetJobDetails/)
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

  it("creates GitHub's OIDC provider, or trusts an existing one instead", () => {
    const created = new Stack(template, PARAMS)
    const provider = created.resources().GitHubOidcProvider
    expect(provider.Properties).toEqual({
      Url: `https://${OIDC}`,
      ClientIdList: ['sts.amazonaws.com'],
      ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd']
    })
    expect(trust(role(created, 'PollerRole')).Principal).toEqual({ Federated: '<GitHubOidcProvider.Arn>' })
    expect(trust(role(created, 'ReporterRole')).Principal).toEqual({ Federated: '<GitHubOidcProvider.Arn>' })

    const existing = `arn:aws:iam::123456789012:oidc-provider/${OIDC}`
    const reused = new Stack(template, { ...PARAMS, ExistingOidcProviderArn: existing })
    expect(reused.resources().GitHubOidcProvider).toBeUndefined()
    expect(trust(role(reused, 'PollerRole')).Principal).toEqual({ Federated: existing })
    expect(trust(role(reused, 'ReporterRole')).Principal).toEqual({ Federated: existing })
  })

  it('names the roles RoleNamePrefix-poller-REGION and -reporter-REGION, as the examples name them (or lets CloudFormation)', () => {
    const named = new Stack(template, PARAMS).resources()
    expect(named.PollerRole.Properties.RoleName).toBe('codepipeline-bridge-poller-eu-west-1')
    expect(named.ReporterRole.Properties.RoleName).toBe('codepipeline-bridge-reporter-eu-west-1')
    const examples = readdirSync('examples').map(f => readFileSync(`examples/${f}`, 'utf8'))
    const arns = new Set(
      examples.flatMap(text => [...text.matchAll(/^\s+role-to-assume: (\S+)/gm)].map(m => m[1]))
    )
    expect([...arns].sort()).toEqual([
      'arn:aws:iam::123456789012:role/codepipeline-bridge-poller-eu-west-1',
      'arn:aws:iam::123456789012:role/codepipeline-bridge-reporter-eu-west-1'
    ])
    const generated = new Stack(template, { ...PARAMS, RoleNamePrefix: '' }).resources()
    expect(generated.PollerRole.Properties).not.toHaveProperty('RoleName')
    expect(generated.ReporterRole.Properties).not.toHaveProperty('RoleName')
    expect(deployError({ ...PARAMS, RoleNamePrefix: 'x'.repeat(41) })).toMatch(/RoleNamePrefix/)
    expect(deployError({ ...PARAMS, RoleNamePrefix: 'a/b' })).toMatch(/RoleNamePrefix/)
  })

  it("two stacks in two regions of one account name their roles apart, within IAM's 64 characters", () => {
    const names = (region: string, prefix?: string) => {
      const r = new Stack(
        template,
        { ...PARAMS, ...(prefix ? { RoleNamePrefix: prefix } : {}) },
        {
          'AWS::Region': region
        }
      ).resources()
      return [String(r.PollerRole.Properties.RoleName), String(r.ReporterRole.Properties.RoleName)]
    }
    const ireland = names('eu-west-1')
    const virginia = names('us-east-1')
    for (const name of ireland) expect(virginia).not.toContain(name)
    // The longest region names have 14 characters (ap-southeast-5, cn-northwest-1, ...).
    for (const name of names('ap-southeast-5', 'x'.repeat(40))) {
      expect(name.length).toBeLessThanOrEqual(64)
      expect(name).toMatch(/^[\w+=,.@-]+$/)
    }
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

describe('trust: only GitHubOrg, only the named repositories, refs and environment', () => {
  it('ReportingRepositories refuses a foreign owner, a wildcard owner and a bare *, with a clear message', () => {
    for (const bad of [
      '*',
      'octo-org*/app',
      'other-org/app',
      'octo-org/app', // owner/name: the owner is GitHubOrg already
      'app,other-org/api',
      '**',
      'app,*',
      'app, api', // a space would become part of the subject
      'app,,api',
      'a,b,c,d,e,f,g,h,i,j,k' // eleven: the role has ten slots
    ]) {
      const error = deployError({ ...PARAMS, ReportingRepositories: bad })
      expect([bad, error]).toEqual([bad, expect.stringContaining('ReportingRepositories')])
      expect(error).toContain('without the owner')
    }
    for (const good of ['app', 'app,api', 'svc-*', '*-svc', 'my.repo_1', 'a,b,c,d,e,f,g,h,i,j'])
      expect([good, deployError({ ...PARAMS, ReportingRepositories: good })]).toEqual([good, undefined])
  })

  it('the reporter role trusts each named repository of GitHubOrg on the chosen refs only, with the audience', () => {
    const main = reporterTrust({})
    expect(main.Action).toBe('sts:AssumeRoleWithWebIdentity')
    expect(claim(main, 'aud')).toEqual({ operator: 'StringEquals', values: ['sts.amazonaws.com'] })
    expect(claim(main, 'sub')).toEqual({
      operator: 'StringLike',
      values: ['repo:octo-org/app:ref:refs/heads/main', 'repo:octo-org/api:ref:refs/heads/main']
    })
    expect(admits(main, 'repo:octo-org/api:ref:refs/heads/main')).toBe(true)
    expect(admits(main, 'repo:octo-org/api:ref:refs/heads/topic')).toBe(false)
    expect(admits(main, 'repo:octo-org/api:environment:codepipeline')).toBe(false)
    expect(admits(main, 'repo:octo-org/pipelines:ref:refs/heads/main')).toBe(false)
    expect(admits(main, 'repo:other-org/app:ref:refs/heads/main')).toBe(false)
    expect(admits(main, 'repo:octo-org-evil/app:ref:refs/heads/main')).toBe(false)

    const branches = reporterTrust({ ReportingRefs: 'refs/heads/*' })
    expect(admits(branches, 'repo:octo-org/app:ref:refs/heads/topic')).toBe(true)
    expect(admits(branches, 'repo:octo-org/app:pull_request')).toBe(false)
    expect(admits(branches, 'repo:octo-org/app:ref:refs/tags/v1')).toBe(false)

    expect(claim(reporterTrust({ ReportingRefs: 'refs/heads/master' }), 'sub').values).toEqual([
      'repo:octo-org/app:ref:refs/heads/master',
      'repo:octo-org/api:ref:refs/heads/master'
    ])

    const release = reporterTrust({ ReportingRefs: 'refs/heads/release/*' })
    expect(admits(release, 'repo:octo-org/app:ref:refs/heads/release/2026.1')).toBe(true)
    expect(admits(release, 'repo:octo-org/app:ref:refs/heads/main')).toBe(false)
    expect(admits(release, 'repo:octo-org/app:ref:refs/heads/releases')).toBe(false)
    expect(admits(release, 'repo:octo-org/app:ref:refs/tags/release/1')).toBe(false)
    const tags = reporterTrust({ ReportingRefs: 'refs/tags/v*' })
    expect(admits(tags, 'repo:octo-org/app:ref:refs/tags/v1.2.3')).toBe(true)
    expect(admits(tags, 'repo:octo-org/app:ref:refs/heads/v1')).toBe(false)
    expect(admits(tags, 'repo:octo-org/app:ref:refs/tags/nightly')).toBe(false)
    expect(deployError({ ...PARAMS, ReportingRefs: 'refs/heads/release/*,refs/tags/v*' })).toMatch(
      /ReportingRefs/
    )

    const any = reporterTrust({ ReportingRefs: '*' })
    expect(claim(any, 'sub').values).toEqual(['repo:octo-org/app:*', 'repo:octo-org/api:*'])
    expect(admits(any, 'repo:octo-org/apiary:ref:refs/heads/main')).toBe(false)
  })

  it('a * inside a name matches names in GitHubOrg only', () => {
    const svc = reporterTrust({ ReportingRepositories: 'svc-*' })
    expect(claim(svc, 'sub').values).toEqual(['repo:octo-org/svc-*:ref:refs/heads/main'])
    expect(admits(svc, 'repo:octo-org/svc-billing:ref:refs/heads/main')).toBe(true)
    expect(admits(svc, 'repo:octo-org-evil/svc-billing:ref:refs/heads/main')).toBe(false)
    expect(admits(svc, 'repo:other-org/svc-billing:ref:refs/heads/main')).toBe(false)
    expect(admits(svc, 'repo:octo-org/app:ref:refs/heads/main')).toBe(false)
  })

  it('each of the ten slots takes its own name, in order (a slot copied without its index would repeat one)', () => {
    const names = 'a0,a1,a2,a3,a4,a5,a6,a7,a8,a9'
    const ten = reporterTrust({ ReportingRepositories: names, GitHubOrgId: '42' })
    expect(claim(ten, 'sub').values).toEqual(
      names
        .split(',')
        .flatMap(n => [
          `repo:octo-org/${n}:ref:refs/heads/main`,
          `repo:octo-org@42/${n}@*:ref:refs/heads/main`
        ])
    )
    // Each slot is used exactly when there are enough names: no empty name, no name left out.
    for (let n = 1; n <= 10; n++) {
      const some = names.split(',').slice(0, n)
      expect(claim(reporterTrust({ ReportingRepositories: some.join(',') }), 'sub').values).toEqual(
        some.map(name => `repo:octo-org/${name}:ref:refs/heads/main`)
      )
    }
  })

  it('with ReportingEnvironment, the reporter role trusts only jobs in that environment', () => {
    const env = reporterTrust({ ReportingEnvironment: 'codepipeline' })
    expect(claim(env, 'sub').values).toEqual([
      'repo:octo-org/app:environment:codepipeline',
      'repo:octo-org/api:environment:codepipeline'
    ])
    expect(admits(env, 'repo:octo-org/app:environment:codepipeline')).toBe(true)
    // A build job without the environment, on main, is refused: only the job that declares it may report.
    expect(admits(env, 'repo:octo-org/app:ref:refs/heads/main')).toBe(false)
    expect(admits(env, 'repo:octo-org/app:environment:production')).toBe(false)
    expect(admits(env, 'repo:octo-org/app:environment:codepipeline-dev')).toBe(false)
    expect(admits(env, 'repo:other-org/app:environment:codepipeline')).toBe(false)

    // ReportingRefs cannot narrow an environment's subject: asking for both fails the deploy, saying why.
    expect(deployError({ ...PARAMS, ReportingEnvironment: 'codepipeline', ReportingRefs: '*' })).toMatch(
      /EnvironmentReplacesRefs: .*deployment branch policy/
    )
    expect(
      deployError({ ...PARAMS, ReportingEnvironment: 'codepipeline', ReportingRepositories: '' })
    ).toMatch(/needs ReportingRepositories/)
    expect(deployError({ ...PARAMS, ReportingEnvironment: 'prod*' })).toMatch(/ReportingEnvironment/)
    expect(deployError({ ...PARAMS, ReportingEnvironment: 'a:b' })).toMatch(/ReportingEnvironment/)
  })

  it('the poller role trusts only the poller repository on PollerRef, exactly, with the audience', () => {
    const statement = pollerTrust()
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity')
    expect(claim(statement, 'aud')).toEqual({ operator: 'StringEquals', values: ['sts.amazonaws.com'] })
    const { values } = claim(statement, 'sub')
    expect(values).toEqual(['repo:octo-org/pipelines:ref:refs/heads/main'])
    // StringLike, but no wildcard: the parameters' patterns admit none, so this is an exact match.
    expect(values[0]).not.toMatch(/[*?]/)
    expect(admits(statement, 'repo:octo-org/pipelines:ref:refs/heads/main')).toBe(true)
    expect(admits(statement, 'repo:octo-org/pipelines:ref:refs/heads/feature')).toBe(false)
    expect(admits(statement, 'repo:octo-org/pipelines:pull_request')).toBe(false)
    expect(admits(statement, 'repo:octo-org/pipelines:environment:main')).toBe(false)
    expect(admits(statement, 'repo:octo-org/app:ref:refs/heads/main')).toBe(false)
    for (const ref of ['refs/heads/*', 'refs/heads/a?', 'refs/heads/a b', 'refs/heads/"x', 'main'])
      expect([ref, deployError({ ...PARAMS, PollerRef: ref })]).toEqual([
        ref,
        expect.stringMatching(/PollerRef/)
      ])
  })

  it("with GitHubOrgId, both roles also trust GitHub's immutable subjects, of this organisation only", () => {
    const poller = pollerTrust({ GitHubOrgId: '123456' })
    expect(claim(poller, 'sub').values).toEqual([
      'repo:octo-org/pipelines:ref:refs/heads/main',
      'repo:octo-org@123456/pipelines@*:ref:refs/heads/main'
    ])
    expect(admits(poller, 'repo:octo-org@123456/pipelines@789:ref:refs/heads/main')).toBe(true)
    expect(admits(poller, 'repo:octo-org@123457/pipelines@789:ref:refs/heads/main')).toBe(false)
    expect(admits(poller, 'repo:octo-org@123456/pipelines-x@789:ref:refs/heads/main')).toBe(false)
    expect(admits(poller, 'repo:octo-org@123456/pipelines@789:ref:refs/heads/feature')).toBe(false)
    // A subject another repository of the organisation could craft with a customised template: "@" cannot occur
    // in a name, so "pipelines@" pins the repository right after the owner.
    expect(admits(poller, 'repo:octo-org@123456/other@9:workflow:x/pipelines@1:ref:refs/heads/main')).toBe(
      false
    )

    const reporter = reporterTrust({ GitHubOrgId: '123456', ReportingEnvironment: 'codepipeline' })
    expect(admits(reporter, 'repo:octo-org@123456/app@42:environment:codepipeline')).toBe(true)
    expect(admits(reporter, 'repo:octo-org/app:environment:codepipeline')).toBe(true)
    expect(admits(reporter, 'repo:octo-org@123456/apiary@42:environment:codepipeline')).toBe(false)
    expect(admits(reporter, 'repo:octo-org@123456/app@42:ref:refs/heads/main')).toBe(false)
    expect(admits(reporter, 'repo:evil@123456/app@42:environment:codepipeline')).toBe(false)

    // Without the ID, no immutable subject is trusted (an owner ID cannot be wildcarded safely).
    expect(admits(pollerTrust(), 'repo:octo-org@123456/pipelines@789:ref:refs/heads/main')).toBe(false)
    expect(deployError({ ...PARAMS, GitHubOrgId: '12a' })).toMatch(/GitHubOrgId/)
  })

  it('a track-mode-only bridge (no reporting repositories) creates no reporter role', () => {
    const stack = new Stack(template, { ...PARAMS, ReportingRepositories: '' })
    expect(stack.resources().ReporterRole).toBeUndefined()
    expect(stack.outputs()).not.toHaveProperty('ReporterRoleArn')
  })
})

describe('the custom action type', () => {
  const properties = (values: Record<string, string> = {}) =>
    new Stack(template, { ...PARAMS, ...values }).resources().GitHubActionsActionType.Properties
      .ConfigurationProperties as Array<Record<string, unknown>>

  it('has exactly the configuration properties the poll action reads, plus the optional PollerGroup', () => {
    const read = configurationPropertiesRead()
    expect(read).toEqual(expect.arrayContaining(['Repository', 'Workflow']))
    const type = new Stack(template, PARAMS).resources().GitHubActionsActionType
    expect(type.Type).toBe('AWS::CodePipeline::CustomActionType')
    expect(
      properties()
        .map(p => p.Name)
        .sort()
    ).toEqual(read)
    // PollerGroup is for PollForJobs' queryParam only: CodePipeline filters the jobs by it, and the poll action
    // never reads it from a job, so the source scan cannot find it. It is the one property src/ need not read.
    expect(read).not.toContain('PollerGroup')
    expect(
      properties({ PollerGroups: 'true' })
        .map(p => p.Name)
        .sort()
    ).toEqual([...read, 'PollerGroup'].sort())
    for (const props of [properties(), properties({ PollerGroups: 'true' })]) {
      for (const p of props) {
        // The poller logs the repository, workflow and ref: none may be secret. CodePipeline allows at most one
        // queryable property, and only a required one.
        expect(p.Secret).toBe(false)
        if (p.Queryable) expect(p.Required).toBe(true)
        expect(String(p.Description).length).toBeLessThanOrEqual(160)
      }
      expect(props.filter(p => p.Queryable).length).toBeLessThanOrEqual(1)
      expect(props.length).toBeLessThanOrEqual(10)
    }
    expect(
      properties()
        .filter(p => p.Required)
        .map(p => p.Name)
    ).toEqual(['Repository', 'Workflow'])
    expect(properties({ PollerGroups: 'true' }).find(p => p.Queryable)).toEqual({
      Name: 'PollerGroup',
      Description: expect.any(String),
      Required: true,
      Key: false,
      Secret: false,
      Queryable: true,
      Type: 'String'
    })
  })

  it('links the workflow and the run, and fits the poll action defaults', () => {
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

  it('templates/custom-action-type.json (for the CLI) declares the same type as the template', () => {
    interface CliProperty {
      name: string
      required: boolean
      key: boolean
      secret: boolean
      queryable: boolean
      description: string
      type: string
    }
    const cli = JSON.parse(readFileSync('templates/custom-action-type.json', 'utf8')) as {
      category: string
      provider: string
      version: string
      settings: Record<string, string>
      configurationProperties: CliProperty[]
      inputArtifactDetails: { minimumCount: number; maximumCount: number }
      outputArtifactDetails: { minimumCount: number; maximumCount: number }
    }
    const type = new Stack(template, PARAMS).resources().GitHubActionsActionType.Properties as {
      Category: string
      Provider: string
      Version: string
      Settings: Record<string, string>
      ConfigurationProperties: Array<Record<string, unknown>>
      InputArtifactDetails: { MinimumCount: number; MaximumCount: number }
      OutputArtifactDetails: { MinimumCount: number; MaximumCount: number }
    }
    const lower = (o: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), v]))
    expect(Object.keys(cli).sort()).toEqual(
      [
        'category',
        'provider',
        'version',
        'settings',
        'configurationProperties',
        'inputArtifactDetails',
        'outputArtifactDetails'
      ].sort()
    )
    expect(cli.category).toBe(type.Category)
    expect(cli.provider).toBe(type.Provider)
    expect(cli.version).toBe(type.Version)
    expect(cli.settings).toEqual(lower(type.Settings))
    expect(cli.configurationProperties).toEqual(type.ConfigurationProperties.map(lower))
    expect(cli.inputArtifactDetails).toEqual(lower(type.InputArtifactDetails))
    expect(cli.outputArtifactDetails).toEqual(lower(type.OutputArtifactDetails))
  })
})

/**
 * EventBridge's matching for the pattern features the wake-up uses: a key's array of exact values matches when
 * the event's value (or one of its values, for an array) is one of them; a nested object matches recursively;
 * every key of the pattern must match, and keys the pattern does not name are ignored.
 */
function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key]
    if (Array.isArray(expected)) {
      if (!expected.every(v => ['string', 'number', 'boolean'].includes(typeof v) || v === null))
        throw new Error(`pattern key ${key}: only exact values are supported by this matcher`)
      const values = Array.isArray(actual) ? actual : [actual]
      return values.some(v => v !== undefined && expected.includes(v))
    }
    if (expected !== null && typeof expected === 'object')
      return (
        actual !== null &&
        typeof actual === 'object' &&
        !Array.isArray(actual) &&
        matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>)
      )
    throw new Error(`pattern key ${key}: a pattern value must be an array or an object`)
  })
}

/**
 * An action execution event as CodePipeline sends it to EventBridge (the shape of the example in CodePipeline's
 * user guide, "Monitoring CodePipeline events": action execution state change, with the action type).
 */
function actionEvent(
  state: string,
  type: Partial<Record<'owner' | 'category' | 'provider' | 'version', string>> = {}
) {
  return {
    version: '0',
    id: 'a7b6b2b4-5c2a-4a3e-9c3d-5f0a1b2c3d4e',
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: '123456789012',
    time: '2026-11-29T12:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:codepipeline:eu-west-1:123456789012:web-app'],
    detail: {
      pipeline: 'web-app',
      'execution-id': '76fdf5bb-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
      'pipeline-execution-attempt': 1,
      stage: 'Build',
      action: 'UnitTests',
      state,
      region: 'eu-west-1',
      type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: '1', ...type },
      version: 3
    }
  }
}

/** What an API destination sends for a rule target (EventBridge's fixed headers, the target's, the connection's). */
function apiDestinationRequest(stack: Stack) {
  const r = stack.resources()
  const rule = r.WakeUpRule.Properties as {
    Targets: Array<{
      Arn: string
      Input: string
      HttpParameters: { HeaderParameters: Record<string, string> }
    }>
  }
  const [target] = rule.Targets
  expect(target.Arn).toBe('<WakeUpApiDestination.Arn>')
  const destination = r.WakeUpApiDestination.Properties as {
    HttpMethod: string
    InvocationEndpoint: string
    ConnectionArn: string
  }
  expect(destination.ConnectionArn).toBe('<WakeUpConnection.Arn>')
  const auth = (
    r.WakeUpConnection.Properties as {
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: string; ApiKeyValue: string } }
    }
  ).AuthParameters.ApiKeyAuthParameters
  return {
    method: destination.HttpMethod,
    url: destination.InvocationEndpoint,
    headers: {
      'User-Agent': 'Amazon/EventBridge/ApiDestinations',
      'Content-Type': 'application/json; charset=utf-8',
      ...target.HttpParameters.HeaderParameters,
      [auth.ApiKeyName]: auth.ApiKeyValue
    },
    body: target.Input
  }
}

/** A branch or tag name GitHub can dispatch on: git check-ref-format's rules, as a short name. */
function isRefName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.startsWith('refs/') &&
    !/[\x00-\x20\x7f~^:?*[\\]/.test(name) &&
    !name.includes('..') &&
    !name.includes('@{') &&
    !name.split('/').some(part => part === '' || part.startsWith('.') || part.endsWith('.lock')) &&
    !name.endsWith('.') &&
    name !== '@'
  )
}

describe('the wake-up (optional)', () => {
  const RESOURCES_WITHOUT_WAKE_UP = [
    'GitHubActionsActionType',
    'GitHubOidcProvider',
    'PollerRole',
    'ReporterRole'
  ]
  const WAKE_UP_RESOURCES = [
    'WakeUpConnection',
    'WakeUpApiDestination',
    'WakeUpRule',
    'WakeUpOnStopRule',
    'WakeUpRole',
    'WakeUpDeadLetterQueue',
    'WakeUpDeadLetterQueuePolicy'
  ]

  it('without its parameters, the stack is the one it was before the wake-up existed', () => {
    const stack = new Stack(template, PARAMS)
    expect(Object.keys(stack.resources()).sort()).toEqual([...RESOURCES_WITHOUT_WAKE_UP].sort())
    expect(Object.keys(stack.outputs())).not.toContain('WakeUpDeadLetterQueueUrl')
    for (const id of WAKE_UP_RESOURCES)
      expect([id, template.Resources[id].Condition]).toEqual([id, 'CreateWakeUp'])
  })

  it('with them, it creates the connection, API destination, rule, role and dead-letter queue', () => {
    const stack = new Stack(template, { ...PARAMS, ...WAKE_UP })
    expect(Object.keys(stack.resources()).sort()).toEqual(
      [...RESOURCES_WITHOUT_WAKE_UP, ...WAKE_UP_RESOURCES].sort()
    )
    expect(stack.outputs()).toHaveProperty('WakeUpDeadLetterQueueUrl', '<WakeUpDeadLetterQueue>')
  })

  it('one parameter without the other fails the deploy, naming the missing one', () => {
    expect(deployError({ ...PARAMS, WakeUpTokenSecret: WAKE_UP.WakeUpTokenSecret })).toMatch(
      /needs both.*PollWorkflow/
    )
    expect(deployError({ ...PARAMS, PollWorkflow: WAKE_UP.PollWorkflow })).toMatch(/WakeUpTokenSecret/)
    expect(deployError({ ...PARAMS, ...WAKE_UP, PollWorkflow: 'poll' })).toMatch(/PollWorkflow.*\.yml/)
    expect(deployError({ ...PARAMS, ...WAKE_UP, PollWorkflow: '../poll.yml' })).toMatch(/PollWorkflow/)
    expect(deployError({ ...PARAMS, ...WAKE_UP, WakeUpTokenSecret: 'a b' })).toMatch(/WakeUpTokenSecret/)
    expect(
      deployError({ ...PARAMS, ...WAKE_UP, WakeUpTokenSecret: 'github/poller-dispatch' })
    ).toBeUndefined()
  })

  it("the rule matches this action type's STARTED events only", () => {
    const pattern = (values: Record<string, string> = {}) =>
      new Stack(template, { ...PARAMS, ...WAKE_UP, ...values }).resources().WakeUpRule.Properties
        .EventPattern as Record<string, unknown>
    const ours = pattern()
    expect(matchesPattern(ours, actionEvent('STARTED'))).toBe(true)
    expect(matchesPattern(ours, actionEvent('SUCCEEDED'))).toBe(false)
    expect(matchesPattern(ours, actionEvent('FAILED'))).toBe(false)
    expect(matchesPattern(ours, actionEvent('CANCELED'))).toBe(false)
    expect(matchesPattern(ours, actionEvent('STARTED', { provider: 'Jenkins' }))).toBe(false)
    expect(matchesPattern(ours, actionEvent('STARTED', { version: '2' }))).toBe(false)
    expect(matchesPattern(ours, actionEvent('STARTED', { owner: 'AWS', provider: 'CodeBuild' }))).toBe(false)
    expect(matchesPattern(ours, actionEvent('STARTED', { category: 'Test' }))).toBe(false)
    expect(matchesPattern(ours, { ...actionEvent('STARTED'), source: 'aws.codebuild' })).toBe(false)
    expect(
      matchesPattern(ours, {
        ...actionEvent('STARTED'),
        'detail-type': 'CodePipeline Stage Execution State Change'
      })
    ).toBe(false)

    const other = pattern({ ProviderName: 'Builds', ActionVersion: '2' })
    expect(matchesPattern(other, actionEvent('STARTED', { provider: 'Builds', version: '2' }))).toBe(true)
    expect(matchesPattern(other, actionEvent('STARTED'))).toBe(false)
  })

  it('the pattern matcher itself tells a match from a mismatch (so the test above can fail)', () => {
    expect(matchesPattern({ a: ['x'], b: { c: ['y'] } }, { a: 'x', b: { c: 'y' }, d: 1 })).toBe(true)
    expect(matchesPattern({ a: ['x'], b: { c: ['y'] } }, { a: 'x', b: { c: 'z' } })).toBe(false)
    expect(matchesPattern({ a: ['x'] }, { a: ['w', 'x'] })).toBe(true)
    expect(matchesPattern({ a: ['x'] }, {})).toBe(false)
    expect(() => matchesPattern({ a: [{ prefix: 'x' }] }, { a: 'x' })).toThrow(/exact values/)
  })

  it("sends GitHub a workflow_dispatch request its endpoint accepts: POST, the poll workflow's URL, headers, {ref}", () => {
    for (const [pollerRef, ref] of [
      ['refs/heads/main', 'main'],
      ['refs/heads/release/2026', 'release/2026'],
      ['refs/tags/poller-v1', 'poller-v1']
    ]) {
      const request = apiDestinationRequest(
        new Stack(template, { ...PARAMS, ...WAKE_UP, PollerRef: pollerRef })
      )
      expect(request.method).toBe('POST')
      expect(request.url).toBe(
        'https://api.github.com/repos/octo-org/pipelines/actions/workflows/codepipeline-poller.yml/dispatches'
      )
      const body = JSON.parse(request.body) as Record<string, unknown>
      expect(Object.keys(body)).toEqual(['ref'])
      expect(body.ref).toBe(ref)
      expect([ref, isRefName(ref)]).toEqual([ref, true])
      expect(request.headers).toEqual({
        'User-Agent': 'Amazon/EventBridge/ApiDestinations',
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        // The connection resolves the token from Secrets Manager when the stack is deployed.
        Authorization: `Bearer {{resolve:secretsmanager:${WAKE_UP.WakeUpTokenSecret}:SecretString}}`
      })
    }
    expect(isRefName('refs/heads/main')).toBe(false)
    expect(isRefName('a..b')).toBe(false)
  })

  it('retries, keeps what it cannot deliver, and may do nothing but call this API destination', () => {
    const r = new Stack(template, { ...PARAMS, ...WAKE_UP }).resources()
    const rule = r.WakeUpRule.Properties as {
      State: string
      Targets: Array<{
        RoleArn: string
        RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number }
        DeadLetterConfig: { Arn: string }
      }>
    }
    expect(rule.State).toBe('ENABLED')
    expect(rule.Targets).toHaveLength(1)
    const [target] = rule.Targets
    expect(target.RoleArn).toBe('<WakeUpRole.Arn>')
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0)
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(3600)
    expect(target.DeadLetterConfig).toEqual({ Arn: '<WakeUpDeadLetterQueue.Arn>' })

    const destination = r.WakeUpApiDestination.Properties as { InvocationRateLimitPerSecond: number }
    expect(destination.InvocationRateLimitPerSecond).toBeGreaterThanOrEqual(1)
    expect(destination.InvocationRateLimitPerSecond).toBeLessThanOrEqual(5)

    const wakeUpRole = role(new Stack(template, { ...PARAMS, ...WAKE_UP }), 'WakeUpRole')
    expect(trust(wakeUpRole)).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } }
    })
    const statements = wakeUpRole.Policies.flatMap(p => p.PolicyDocument.Statement)
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:InvokeApiDestination',
        Resource: 'arn:aws:events:eu-west-1:123456789012:api-destination/<WakeUpApiDestination>'
      }
    ])

    const queuePolicy = r.WakeUpDeadLetterQueuePolicy.Properties as {
      Queues: string[]
      PolicyDocument: { Statement: Statement[] }
    }
    expect(queuePolicy.Queues).toEqual(['<WakeUpDeadLetterQueue>'])
    expect(queuePolicy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '<WakeUpDeadLetterQueue.Arn>',
        Condition: { ArnEquals: { 'aws:SourceArn': ['<WakeUpRule.Arn>', '<WakeUpOnStopRule.Arn>'] } }
      }
    ])
  })
})

/** What an EventBridge input transformer sends: each <name> of the template replaced by its path's value. */
function transform(
  transformer: { InputPathsMap: Record<string, string>; InputTemplate: string },
  event: Record<string, unknown>
): string {
  const values: Record<string, string> = {}
  for (const [name, path] of Object.entries(transformer.InputPathsMap)) {
    expect([name, path]).toEqual([name, expect.stringMatching(/^\$(\.[\w-]+)+$/)])
    let value: unknown = event
    for (const key of path.split('.').slice(1)) value = (value as Record<string, unknown>)[key]
    if (typeof value !== 'string') throw new Error(`${path} is not a string in the event`)
    values[name] = value
  }
  return transformer.InputTemplate.replace(/<([\w-]+)>/g, (whole, name: string) => {
    if (!(name in values))
      throw new Error(`the input template uses ${whole}, which InputPathsMap does not define`)
    return values[name]
  })
}

describe('the wake-up on a stopped pipeline (issue 14)', () => {
  interface Target {
    Id: string
    Arn: string
    RoleArn: string
    InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string }
    HttpParameters: unknown
    RetryPolicy: unknown
    DeadLetterConfig: unknown
  }
  const rules = (values: Record<string, string> = {}) => {
    const r = new Stack(template, { ...PARAMS, ...WAKE_UP, ...values }).resources()
    const props = (id: string) =>
      r[id].Properties as { State: string; EventPattern: Record<string, unknown>; Targets: Target[] }
    return { start: props('WakeUpRule'), stop: props('WakeUpOnStopRule') }
  }

  it("matches this action type's ABANDONED and CANCELED events only", () => {
    const { stop } = rules()
    expect(stop.State).toBe('ENABLED')
    expect(matchesPattern(stop.EventPattern, actionEvent('ABANDONED'))).toBe(true)
    expect(matchesPattern(stop.EventPattern, actionEvent('CANCELED'))).toBe(true)
    for (const state of ['STARTED', 'SUCCEEDED', 'FAILED'])
      expect([state, matchesPattern(stop.EventPattern, actionEvent(state))]).toEqual([state, false])
    for (const type of [
      { provider: 'Jenkins' },
      { version: '2' },
      { owner: 'AWS', provider: 'CodeBuild' },
      { category: 'Deploy' }
    ])
      expect([type, matchesPattern(stop.EventPattern, actionEvent('ABANDONED', type))]).toEqual([type, false])
    expect(
      matchesPattern(stop.EventPattern, {
        ...actionEvent('CANCELED'),
        'detail-type': 'CodePipeline Pipeline Execution State Change'
      })
    ).toBe(false)
    const other = rules({ ProviderName: 'Builds', ActionVersion: '2' }).stop.EventPattern
    expect(matchesPattern(other, actionEvent('ABANDONED', { provider: 'Builds', version: '2' }))).toBe(true)
    expect(matchesPattern(other, actionEvent('ABANDONED'))).toBe(false)
    // The start rule still takes STARTED alone: a stop never looks like a new job.
    expect(matchesPattern(rules().start.EventPattern, actionEvent('ABANDONED'))).toBe(false)
  })

  it('sends GitHub a dispatch of the poll workflow on PollerRef with the stopped action as its four inputs', () => {
    for (const [pollerRef, ref] of [
      ['refs/heads/main', 'main'],
      ['refs/heads/release/2026', 'release/2026'],
      ['refs/tags/poller-v1', 'poller-v1']
    ]) {
      const [target] = rules({ PollerRef: pollerRef }).stop.Targets
      const body = transform(target.InputTransformer!, actionEvent('ABANDONED'))
      expect(body).toBe(
        `{"ref":"${ref}","inputs":{"stopped-pipeline":"web-app",` +
          '"stopped-execution-id":"76fdf5bb-1a2b-4c3d-8e9f-0a1b2c3d4e5f","stopped-stage":"Build",' +
          '"stopped-action":"UnitTests"}}'
      )
      expect(JSON.parse(body)).toEqual({
        ref,
        inputs: {
          'stopped-pipeline': 'web-app',
          'stopped-execution-id': '76fdf5bb-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
          'stopped-stage': 'Build',
          'stopped-action': 'UnitTests'
        }
      })
    }
    // The transformer test can fail: a template naming a path the map lacks is refused.
    expect(() =>
      transform({ InputPathsMap: {}, InputTemplate: '{"a":"<pipeline>"}' }, actionEvent('ABANDONED'))
    ).toThrow(/InputPathsMap/)
  })

  it('goes through the same API destination, role, headers, retries and dead-letter queue as the start rule', () => {
    const { start, stop } = rules()
    expect(stop.Targets).toHaveLength(1)
    const [s] = start.Targets
    const [t] = stop.Targets
    expect(t.Id).not.toBe(s.Id)
    expect(t.Arn).toBe('<WakeUpApiDestination.Arn>')
    expect(t.RoleArn).toBe(s.RoleArn)
    expect(t.HttpParameters).toEqual(s.HttpParameters)
    expect(t.RetryPolicy).toEqual(s.RetryPolicy)
    expect(t.DeadLetterConfig).toEqual({ Arn: '<WakeUpDeadLetterQueue.Arn>' })
  })

  it('is created only with the wake-up', () => {
    expect(template.Resources.WakeUpOnStopRule.Condition).toBe('CreateWakeUp')
    expect(new Stack(template, PARAMS).resources()).not.toHaveProperty('WakeUpOnStopRule')
  })
})

describe('GitHub Enterprise: the issuer and the API', () => {
  it.each(Object.entries(ENTERPRISE))('%s: the provider, both trusts and the links use them', (_, e) => {
    const stack = new Stack(template, { ...PARAMS, ...WAKE_UP, ...e.params })
    const r = stack.resources()
    expect(r.GitHubOidcProvider.Properties.Url).toBe(`https://${e.issuerKey}`)
    if (e.thumbprints) expect(r.GitHubOidcProvider.Properties.ThumbprintList).toHaveLength(2)
    else expect(r.GitHubOidcProvider.Properties).not.toHaveProperty('ThumbprintList')
    for (const id of ['PollerRole', 'ReporterRole']) {
      const statement = trust(role(stack, id))
      expect(statement.Principal).toEqual({ Federated: '<GitHubOidcProvider.Arn>' })
      expect(claim(statement, 'aud', e.issuerKey)).toEqual({
        operator: 'StringEquals',
        values: ['sts.amazonaws.com']
      })
      expect(claim(statement, 'sub', e.issuerKey).values.length).toBeGreaterThan(0)
      // No key of another issuer is left behind.
      for (const keys of Object.values(statement.Condition ?? {}))
        for (const key of Object.keys(keys)) expect(key.startsWith(`${e.issuerKey}:`)).toBe(true)
    }
    expect(claim(trust(role(stack, 'PollerRole')), 'sub', e.issuerKey).values).toEqual([
      'repo:octo-org/pipelines:ref:refs/heads/main'
    ])
    expect((r.WakeUpApiDestination.Properties as { InvocationEndpoint: string }).InvocationEndpoint).toBe(
      `${e.api}/repos/octo-org/pipelines/actions/workflows/codepipeline-poller.yml/dispatches`
    )
    expect(r.GitHubActionsActionType.Properties.Settings).toEqual({
      EntityUrlTemplate: `${e.web}/{Config:Repository}/actions/workflows/{Config:Workflow}`,
      ExecutionUrlTemplate: `${e.web}/{Config:Repository}/actions/runs/{ExternalExecutionId}`
    })

    const existing = `arn:aws:iam::123456789012:oidc-provider/${e.issuerKey}`
    const reused = new Stack(template, { ...PARAMS, ...e.params, ExistingOidcProviderArn: existing })
    expect(reused.resources()).not.toHaveProperty('GitHubOidcProvider')
    expect(trust(role(reused, 'ReporterRole')).Principal).toEqual({ Federated: existing })
    expect(claim(trust(role(reused, 'ReporterRole')), 'sub', e.issuerKey).values).toEqual([
      'repo:octo-org/app:ref:refs/heads/main',
      'repo:octo-org/api:ref:refs/heads/main'
    ])
  })

  it('refuses an issuer or API URL GitHub does not use, saying what is allowed', () => {
    for (const bad of [
      'http://token.actions.githubusercontent.com',
      'https://token.actions.githubusercontent.com/',
      'https://token.actions.githubusercontent.com.evil.com',
      'https://github.example.com',
      'https://github.example.com/_services/token/',
      'https://token.actions.octo corp.ghe.com',
      'token.actions.githubusercontent.com'
    ])
      expect([
        bad,
        deployError({ ...PARAMS, OidcIssuer: bad, GitHubApiUrl: 'https://x.example.com/api/v3' })
      ]).toEqual([bad, expect.stringMatching(/OidcIssuer: .*_services\/token/)])
    for (const bad of [
      'https://github.com',
      'https://api.github.com/',
      'http://github.example.com/api/v3',
      'https://github.example.com',
      'https://github.example.com/api/v3/'
    ])
      expect([bad, deployError({ ...PARAMS, GitHubApiUrl: bad })]).toEqual([
        bad,
        expect.stringMatching(/GitHubApiUrl: .*api\/v3/)
      ])
    expect(
      deployError({
        ...PARAMS,
        ExistingOidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/evil.example.com'
      })
    ).toMatch(/ExistingOidcProviderArn/)
    // A quote or a space in the audience would break out of the trust policy's JSON.
    for (const bad of ['a"b', 'a b', '', 'a\\b'])
      expect([bad, deployError({ ...PARAMS, Audience: bad })]).toEqual([
        bad,
        expect.stringMatching(/Audience/)
      ])
    expect(deployError({ ...PARAMS, Audience: 'https://github.com/octo-org' })).toBeUndefined()
  })

  it("an enterprise API with github.com's issuer fails the deploy, naming the issuer to set", () => {
    expect(deployError({ ...PARAMS, GitHubApiUrl: 'https://github.example.com/api/v3' })).toMatch(
      /EnterpriseApiNeedsItsIssuer: .*OidcIssuer.*https:\/\/HOST\/_services\/token/
    )
    expect(deployError({ ...PARAMS, GitHubApiUrl: 'https://api.octocorp.ghe.com' })).toMatch(
      /token\.actions\.SUBDOMAIN\.ghe\.com/
    )
  })
})

describe('templates/example-pipeline.yml', () => {
  interface Action {
    Name: string
    Namespace?: string
    ActionTypeId: Record<string, string>
    Configuration: Record<string, string>
    InputArtifacts?: Array<{ Name: string }>
    OutputArtifacts?: Array<{ Name: string }>
  }
  const example = loadTemplate('templates/example-pipeline.yml')
  const VALUES = {
    ConnectionArn:
      'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    DeployRoleArn: 'arn:aws:iam::123456789012:role/app-deployer'
  }
  const pipeline = (values: Record<string, string> = {}) => {
    const r = new Stack(example, { ...VALUES, ...values }).resources()
    return {
      resources: r,
      stages: r.Pipeline.Properties.Stages as Array<{ Name: string; Actions: Action[] }>
    }
  }

  it('deploys with the connection and the deploy role, and refuses to without them', () => {
    const { resources } = pipeline()
    expect(Object.keys(resources).sort()).toEqual(['ArtifactBucket', 'Pipeline', 'PipelineRole'])
    expect(() => new Stack(example, { DeployRoleArn: VALUES.DeployRoleArn })).toThrow(/ConnectionArn/)
    expect(() => new Stack(example, { ConnectionArn: VALUES.ConnectionArn })).toThrow(/DeployRoleArn/)
    expect(() => new Stack(example, { ...VALUES, ConnectionArn: 'arn:aws:s3:::bucket' })).toThrow(
      /ConnectionArn/
    )
  })

  it("uses the bridge's action type with its properties, the required ones set", () => {
    const kinds: Array<Record<string, string>> = [{}, { ProviderName: 'Builds', ActionVersion: '2' }]
    for (const values of kinds) {
      const type = new Stack(template, { ...PARAMS, ...values }).resources().GitHubActionsActionType
        .Properties
      const props = type.ConfigurationProperties as Array<{ Name: string; Required: boolean }>
      const ours = pipeline(values)
        .stages.flatMap(s => s.Actions)
        .filter(a => a.ActionTypeId.Owner === 'Custom')
      expect(ours).toHaveLength(1)
      const [action] = ours
      expect(action.ActionTypeId).toEqual({
        Category: type.Category,
        Owner: 'Custom',
        Provider: type.Provider,
        Version: type.Version
      })
      for (const key of Object.keys(action.Configuration)) expect(props.map(p => p.Name)).toContain(key)
      for (const p of props.filter(p => p.Required)) expect(action.Configuration[p.Name]).toBeTruthy()
      const inputs = JSON.parse(action.Configuration.Inputs) as Record<string, unknown>
      expect(inputs).toEqual({ commit: '#{SourceVariables.CommitId}' })
    }
    // With PollerGroups=true in the bridge stack, every action names its group.
    const grouped = pipeline({ PollerGroup: 'linux' }).stages[1].Actions[0]
    expect(grouped.Configuration.PollerGroup).toBe('linux')
    expect(pipeline().stages[1].Actions[0].Configuration).not.toHaveProperty('PollerGroup')
  })

  it('Source hands SourceArtifact (and SourceVariables) to the build, whose BuildOutput a Deploy stage reads', () => {
    const { stages } = pipeline()
    expect(stages.map(s => s.Name)).toEqual(['Source', 'Build', 'Deploy'])
    const [source] = stages[0].Actions
    expect(source.ActionTypeId).toEqual({
      Category: 'Source',
      Owner: 'AWS',
      Provider: 'CodeStarSourceConnection',
      Version: '1'
    })
    expect(source.Namespace).toBe('SourceVariables')
    expect(source.OutputArtifacts).toEqual([{ Name: 'SourceArtifact' }])
    const [build] = stages[1].Actions
    expect(build.InputArtifacts).toEqual([{ Name: 'SourceArtifact' }])
    expect(build.OutputArtifacts).toEqual([{ Name: 'BuildOutput' }])
    expect(build.Configuration).toMatchObject({
      Repository: 'octo-org/app',
      Workflow: 'build.yml',
      Ref: 'main'
    })
    const [cfn] = stages[2].Actions
    expect(cfn.ActionTypeId).toEqual({
      Category: 'Deploy',
      Owner: 'AWS',
      Provider: 'CloudFormation',
      Version: '1'
    })
    expect(cfn.InputArtifacts).toEqual([{ Name: 'BuildOutput' }])
    // CloudFormation reads the template from the root of the artifact's ZIP: ARTIFACT::path.
    expect(cfn.Configuration.TemplatePath).toBe('BuildOutput::template.yml')
    expect(cfn.Configuration.RoleArn).toBe(VALUES.DeployRoleArn)
    // The build workflow the example names declares the inputs the action sends.
    const workflow = loadYaml('examples/build-with-artifacts.yml') as {
      on: { workflow_dispatch: { inputs: Record<string, unknown> } }
    }
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual([
      'codepipeline-job-id',
      'commit'
    ])
  })

  it("the pipeline's role reaches its bucket, its connection and its app stack, and passes only the deploy role", () => {
    const role = pipeline().resources.PipelineRole.Properties as unknown as RoleProperties
    expect(trust(role)).toEqual({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'codepipeline.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } }
    })
    const statements = role.Policies.flatMap(p => p.PolicyDocument.Statement)
    for (const s of statements) {
      expect(s.Effect).toBe('Allow')
      for (const r of list(s.Resource)) expect([s.Action, r]).not.toEqual([s.Action, '*'])
    }
    const resourcesOf = (action: string) =>
      statements.filter(s => list(s.Action).includes(action)).flatMap(s => list(s.Resource))
    expect(resourcesOf('iam:PassRole')).toEqual([VALUES.DeployRoleArn])
    expect(resourcesOf('codeconnections:UseConnection')).toEqual([VALUES.ConnectionArn])
    expect(resourcesOf('s3:PutObject')).toEqual(['<ArtifactBucket.Arn>/*'])
    expect(resourcesOf('cloudformation:UpdateStack')).toEqual([
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/*'
    ])
  })
})
