// Both templates pass CloudFormation's resource schemas (what cfn-lint checks first) with every kind of parameter
// set: github.com, GHE.com and GitHub Enterprise Server, with and without the wake-up, an existing OIDC provider,
// the poller groups; and the checker finds the mistakes it is there for.
import { beforeAll, describe, expect, it } from '@jest/globals'
import type { SpecDatabase } from '@aws-cdk/service-spec-types'
import { loadTemplate, Stack, type Template } from './cloudformation.ts'
import { resourceSpec, specProblems } from './resource-spec.ts'

const bridge = loadTemplate('templates/bridge.yml')
const pipeline = loadTemplate('templates/example-pipeline.yml')
const BRIDGE = { GitHubOrg: 'octo-org', PollerRepository: 'pipelines', ReportingRepositories: 'app,api' }
const WAKE_UP = { WakeUpTokenSecret: 'github/poller-dispatch', PollWorkflow: 'codepipeline-poller.yml' }
const PIPELINE = {
  ConnectionArn:
    'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  DeployRoleArn: 'arn:aws:iam::123456789012:role/app-deployer'
}

let db: SpecDatabase
beforeAll(async () => {
  db = await resourceSpec()
}, 30_000)

describe('templates/bridge.yml against the CloudFormation resource schemas', () => {
  it.each([
    ['the defaults', BRIDGE],
    ['the wake-up', { ...BRIDGE, ...WAKE_UP }],
    ['poller groups and immutable subjects', { ...BRIDGE, PollerGroups: 'true', GitHubOrgId: '42' }],
    ['no reporter', { ...BRIDGE, ReportingRepositories: '' }],
    [
      'an existing provider',
      {
        ...BRIDGE,
        ExistingOidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
      }
    ],
    [
      'GHE.com with the wake-up',
      {
        ...BRIDGE,
        ...WAKE_UP,
        OidcIssuer: 'https://token.actions.octocorp.ghe.com',
        GitHubApiUrl: 'https://api.octocorp.ghe.com'
      }
    ],
    [
      'GitHub Enterprise Server with the wake-up',
      {
        ...BRIDGE,
        ...WAKE_UP,
        OidcIssuer: 'https://github.example.com/_services/token',
        GitHubApiUrl: 'https://github.example.com/api/v3'
      }
    ]
  ])('%s: no problem', (_, values) => {
    expect(specProblems(db, new Stack(bridge, values))).toEqual([])
  })
})

describe('templates/example-pipeline.yml against the CloudFormation resource schemas', () => {
  it.each([
    ['the defaults', PIPELINE],
    ['a poller group', { ...PIPELINE, PollerGroup: 'linux' }]
  ])('%s: no problem', (_, values) => {
    expect(specProblems(db, new Stack(pipeline, values))).toEqual([])
  })
})

describe('the schema check', () => {
  const broken = (patch: (t: Template) => void): string[] => {
    const copy = structuredClone(bridge)
    patch(copy)
    return specProblems(db, new Stack(copy, { ...BRIDGE, ...WAKE_UP }))
  }

  it('finds an unknown type, an unknown or missing property, a wrong type, a value not allowed, an unknown attribute', () => {
    expect(broken(t => (t.Resources.WakeUpDeadLetterQueue.Type = 'AWS::SQS::Queues'))).toEqual([
      'WakeUpDeadLetterQueue: CloudFormation has no resource type AWS::SQS::Queues'
    ])
    expect(broken(t => (t.Resources.WakeUpDeadLetterQueue.Properties!.RetentionPeriod = 60))).toEqual([
      'WakeUpDeadLetterQueue.Properties: unknown property RetentionPeriod'
    ])
    expect(broken(t => delete t.Resources.WakeUpApiDestination.Properties!.HttpMethod)).toEqual([
      'WakeUpApiDestination.Properties: required property HttpMethod is missing'
    ])
    expect(broken(t => (t.Resources.WakeUpApiDestination.Properties!.HttpMethod = 'SEND'))).toEqual([
      expect.stringMatching(/^WakeUpApiDestination.Properties.HttpMethod: expected one of GET, .*POST/)
    ])
    expect(
      broken(t => (t.Resources.WakeUpApiDestination.Properties!.InvocationRateLimitPerSecond = 'fast'))
    ).toEqual([
      'WakeUpApiDestination.Properties.InvocationRateLimitPerSecond: expected a integer, got "fast"'
    ])
    expect(
      broken(t => {
        const rule = t.Resources.WakeUpRule.Properties as { Targets: Array<Record<string, unknown>> }
        rule.Targets[0].RetryPolicy = { MaximumRetryAttempts: 20, MaxAge: 3600 }
      })
    ).toEqual(['WakeUpRule.Properties.Targets[0].RetryPolicy: unknown property MaxAge'])
    expect(broken(t => (t.Outputs!.PollerRoleArn.Value = { 'Fn::GetAtt': ['PollerRole', 'Name'] }))).toEqual([
      'GetAtt PollerRole.Name: AWS::IAM::Role has no attribute Name'
    ])
  })
})
