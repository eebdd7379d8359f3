// The set-up of the demo: who exists on each side of the bridge (roles, repositories, workflow, tokens), the
// scenarios it plays, and the opening lines that describe the bridge.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RUNNER_DEFAULTS } from '../__tests__/e2e/harness.ts'
import type { World } from './world.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const REPORT_ACTION = join(ROOT, 'action.yml')
export const POLL_ACTION = join(ROOT, 'poll', 'action.yml')

export const ACCOUNT = '123456789012'
export const POLLER_REPO = 'octo-org/pipelines'
/** The poll workflow's file in POLLER_REPO: what the wake-up starts (the stack's PollWorkflow parameter). */
export const POLL_WORKFLOW = 'codepipeline-poller.yml'
export const APP_REPO = 'octo-org/app'
export const POLLER_ROLE = `arn:aws:iam::${ACCOUNT}:role/codepipeline-bridge-poller-eu-west-1`
export const REPORTER_ROLE = `arn:aws:iam::${ACCOUNT}:role/codepipeline-bridge-reporter-eu-west-1`
export const PROVIDER = 'GitHubActions'
export const FAILING_STEP = 'Run unit tests'
export const REPORT_STEP = 'Report to CodePipeline'
export const RUNNER = RUNNER_DEFAULTS.RUNNER_NAME
export const PIPELINE = { pipelineName: 'web-app', stageName: 'Build', actionName: 'UnitTests' }

/** A workflow of APP_REPO that a pipeline's action starts: its file, its name, the job that reports. */
export interface AppWorkflow {
  file: string
  name: string
  job: string
}
export const BUILD: AppWorkflow = { file: 'build.yml', name: 'Build', job: 'build' }
/** What 6/7 stops mid-run: the Deploy stage's action starts it, and its job ships the image. */
export const DEPLOY: AppWorkflow = { file: 'deploy.yml', name: 'Deploy', job: 'deploy' }
export const DEPLOY_PLACE = { stageName: 'Deploy', actionName: 'Production', workflow: DEPLOY }
/** What 7/7 starts: a workflow that calls a reusable workflow at a tag that does not exist (startup_failure). */
export const INTEGRATION: AppWorkflow = {
  file: 'integration.yml',
  name: 'Integration tests',
  job: 'integration'
}
export const INTEGRATION_PLACE = { stageName: 'Test', actionName: 'IntegrationTests', workflow: INTEGRATION }
export const MISSING_REUSABLE = 'octo-org/shared-workflows/.github/workflows/integration.yml@v3'
/** The examples' run-name, which shows the job ID: how the poll action finds the run of a job later. */
export const runNameOf = (w: AppWorkflow): string =>
  `${w.name} for CodePipeline job \${{ inputs.codepipeline-job-id }}`
/** The poll workflow's inputs that the template's stop rule sets (examples/poll-dispatch.yml). */
export const STOPPED_INPUTS = ['stopped-pipeline', 'stopped-execution-id', 'stopped-stage', 'stopped-action']
export const COMMIT = '9fceb02d0ae598e95dc970b74767f19372d61af8'

/** The Source stage's artifact that the artifact scenario's job carries, and the files in its ZIP. */
export const SOURCE_ARTIFACT = 'SourceArtifact'
export const SOURCE_FILES: Readonly<Record<string, string>> = {
  'src/app.js': "exports.handler = async () => ({ statusCode: 200, body: 'hello from web-app' })\n",
  'template.yml': [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Description: web-app service',
    'Resources:',
    '  Service:',
    '    Type: AWS::ECS::Service',
    '    Properties:',
    '      TaskDefinition: !Ref Task',
    '  Task:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      ContainerDefinitions:',
    '        - Name: web',
    '          Image: IMAGE_URI',
    ''
  ].join('\n')
}
/** The output artifact that job declares: what the next stage (Deploy) reads. */
export const BUILD_ARTIFACT = 'BuildOutput'
/** The workflow's inputs for them: where the main step extracts, what the post step uploads. */
export const SOURCE_DIR = 'source'
export const OUTPUT_DIR = 'out'
/** The artifact store's customer-managed key, as the pipeline's ArtifactStore.EncryptionKey names it. */
export const kmsKey = (region: string): string =>
  `arn:aws:kms:${region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
/** The image the demo's build "pushes": the registry of the account, tagged with the commit. */
export const IMAGE_URI = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web-app:${COMMIT.slice(0, 7)}`

export type Mode = 'dispatch' | 'track'
/** The two runs where one side stops early (issue 14): the pipeline stopped mid-deploy, a run that cannot start. */
export type Story = 'stopped-deploy' | 'startup-failure'
export interface Scenario {
  mode: Mode
  green: boolean
  /** EventBridge wakes the poll workflow when the job is queued; the others wait for its schedule. */
  wakeUp?: boolean
  /** The job carries SOURCE_ARTIFACT and declares BUILD_ARTIFACT; the workflow uses one and makes the other. */
  artifacts?: boolean
  /** One of the runs where one side stops early; `green` says how the run was going before that. */
  story?: Story
}
export const SCENARIOS: readonly Scenario[] = [
  { mode: 'dispatch', green: true, artifacts: true },
  { mode: 'dispatch', green: false },
  { mode: 'track', green: true },
  { mode: 'track', green: false },
  { mode: 'dispatch', green: true, wakeUp: true },
  { mode: 'dispatch', green: true, story: 'stopped-deploy' },
  { mode: 'dispatch', green: false, story: 'startup-failure' }
]
/** The place (1-based) of a story's run among SCENARIOS. */
export const placeOf = (story: Story): number => SCENARIOS.findIndex(s => s.story === story) + 1

export function setUp(world: World): void {
  const { emu, out } = world
  emu.sts.addRole({ arn: POLLER_ROLE, subject: `repo:${POLLER_REPO}:ref:refs/heads/main` })
  emu.sts.addRole({ arn: REPORTER_ROLE, subject: `repo:${APP_REPO}:ref:refs/heads/main` })
  // Least privilege, as templates/bridge.yml grants it: the reporter may answer jobs, never take them. The poller
  // reads jobs (GetJobDetails) and action executions (ListActionExecutions) to look after the runs it started.
  emu.codepipeline.deny(REPORTER_ROLE, 'PollForJobs')
  emu.codepipeline.deny(REPORTER_ROLE, 'AcknowledgeJob')
  emu.github.addRepo(POLLER_REPO)
  emu.github.addRepo(APP_REPO)
  emu.github.addWorkflow(POLLER_REPO, {
    file: POLL_WORKFLOW,
    name: 'CodePipeline poller',
    inputs: Object.fromEntries(
      STOPPED_INPUTS.map(name => [name, { required: false, type: 'string' as const }])
    )
  })
  for (const workflow of [BUILD, DEPLOY, INTEGRATION]) {
    emu.github.addWorkflow(APP_REPO, {
      file: workflow.file,
      name: workflow.name,
      runName: runNameOf(workflow),
      inputs: { 'codepipeline-job-id': { required: true }, commit: { required: false } }
    })
  }
  emu.github.addToken(world.dispatchToken, { permissions: { actions: 'write' }, repositories: [APP_REPO] })
  emu.github.addToken(world.appRunToken, { permissions: { actions: 'read' }, repositories: [APP_REPO] })
  emu.github.addToken(world.pollerRunToken, { permissions: { actions: 'read' }, repositories: [POLLER_REPO] })
  // The wake-up's token (in Secrets Manager, behind the EventBridge connection): may start the poller, nothing else.
  emu.github.addToken(world.wakeUpToken, { permissions: { actions: 'write' }, repositories: [POLLER_REPO] })

  const label = (text: string) => out.paint('bold', text.padEnd(14))
  out.line(out.paint('bold', 'CodePipeline ⇄ GitHub Actions bridge: local demo'))
  out.line(
    out.paint(
      'dim',
      `AWS and GitHub are emulated on 127.0.0.1; the actions run from dist/ as the runner runs them.`
    )
  )
  out.line()
  out.line(
    `${label('CodePipeline')}custom action type Build/Custom/${PROVIDER}/1, region ${emu.region}, account ${ACCOUNT}`
  )
  out.line(`${label('IAM')}poller role   ${POLLER_ROLE}`)
  out.line(
    `${label('')}  trusts repo:${POLLER_REPO}:ref:refs/heads/main; PollForJobs, AcknowledgeJob, GetJobDetails, ` +
      'PutJob*Result, ListActionExecutions'
  )
  out.line(`${label('')}reporter role ${REPORTER_ROLE}`)
  out.line(
    `${label('')}  trusts repo:${APP_REPO}:ref:refs/heads/main; GetJobDetails, PutJob*Result, ListActionExecutions only`
  )
  out.line(
    `${label('S3')}artifact store ${emu.s3.artifactBucket(ACCOUNT)}, SSE-KMS with the pipeline's key; only each`
  )
  out.line(
    `${label('')}  job's artifactCredentials may read or write its artifacts (the roles above have no S3 access)`
  )
  out.line(
    `${label('GitHub')}${POLLER_REPO}: the poll workflow ${POLL_WORKFLOW} (schedule, workflow_dispatch),`
  )
  out.line(`${label('')}  its github-token may start workflows in ${APP_REPO}`)
  out.line(
    `${label('')}${APP_REPO}: .github/workflows/build.yml, ${DEPLOY.file} (in ${placeOf('stopped-deploy')}/${SCENARIOS.length}) and ` +
      `${INTEGRATION.file} (in ${placeOf('startup-failure')}/${SCENARIOS.length}),`
  )
  out.line(
    `${label('')}  workflow_dispatch inputs codepipeline-job-id, commit; run-name: <name> for CodePipeline job \${{ inputs.codepipeline-job-id }}`
  )
  out.line(
    `${label('Artifacts')}in ${SCENARIOS.findIndex(s => s.artifacts) + 1}/${SCENARIOS.length}: the job carries ${SOURCE_ARTIFACT} (${Object.keys(SOURCE_FILES).join(', ')}) and declares ${BUILD_ARTIFACT};`
  )
  out.line(
    `${label('')}  build.yml's report step: input-artifacts: ${SOURCE_DIR}, output-artifacts: ${OUTPUT_DIR}`
  )
  const woken = SCENARIOS.findIndex(s => s.wakeUp) + 1
  out.line(
    `${label('EventBridge')}in ${woken}/${SCENARIOS.length}: a rule on STARTED of this action type wakes ${POLL_WORKFLOW}` +
      ' (the other runs wait for its schedule);'
  )
  out.line(
    `${label('')}  in ${placeOf('stopped-deploy')}/${SCENARIOS.length}: the stop rule, on ABANDONED and CANCELED, starts it with the stopped action as ` +
      'stopped-* inputs'
  )
}
