// Runs the emulator as a long-lived local service, so the actions (or the AWS CLI and curl) can be tried by hand:
//   npm run emulator -- --port 4566 [--latency 20] [--region us-east-1] [--access-key-id ... --secret-access-key ...]
//                       [--wake-up poll.yml [--wake-up-delay 20]] [--github-host github.example.com [--oidc-issuer URL]]
import { parseArgs } from 'node:util'
import { startAdmin } from './admin.ts'
import { cliFailure, parseWakeUp, portInUse } from './cli-support.ts'
import { githubHost, startEmulator, type GitHubHostOptions } from './index.ts'
import { REGION_SYNTAX } from './sigv4.ts'

const SAMPLE = {
  roleArn: 'arn:aws:iam::123456789012:role/github-codepipeline',
  repo: 'octo-org/octo-repo',
  workflow: 'build.yml',
  // The examples' run-name: the reconciling poller finds a run's job by it.
  runName: 'Build for CodePipeline job ${{ inputs.codepipeline-job-id }}',
  // The example keys from the AWS documentation, so nobody mistakes them for real ones.
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

const { values } = cliFailure(() =>
  parseArgs({
    options: {
      port: { type: 'string' },
      latency: { type: 'string' },
      region: { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      'wake-up': { type: 'string' },
      'wake-up-delay': { type: 'string' },
      'poller-groups': { type: 'boolean' },
      'github-host': { type: 'string' },
      'oidc-issuer': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
)

if (values.help) {
  console.log(`usage: npm run emulator -- [--port <base>] [--latency <ms>] [--region <region>]
                            [--access-key-id <id> --secret-access-key <secret>]
                            [--wake-up [<owner>/<repo>/]<workflow file>[@<branch>] [--wake-up-delay <ms>]]
                            [--poller-groups] [--github-host <host> [--oidc-issuer <url>]]
  --port               CodePipeline on <base>, STS on +1, GitHub REST on +2, OIDC on +3, admin API on +4,
                       S3 on +5 (default: random ports)
  --latency            delay added to every request, in milliseconds
  --region             the region in job data and AWS_REGION (default eu-west-1); signatures for any region
                       are accepted whatever this says
  --access-key-id,     a key pair of yours that CodePipeline accepts, besides the sample pair printed below and
  --secret-access-key  the session keys its STS issues (the secret is never printed)
  --wake-up            when a job is queued, send what an EventBridge API destination would: a workflow_dispatch
                       of this workflow (default repository ${SAMPLE.repo}, default branch main), added to
                       the repository if missing; and, as the template's stop rule, when a job's pipeline
                       execution is stopped and abandoned, the same with the stopped action as inputs
  --wake-up-delay      milliseconds from queueing the job to sending the wake-up (default 20)
  --poller-groups      the action type as the template's PollerGroups=true makes it: PollerGroup is queryable and
                       required, so jobs need one and PollForJobs a queryParam naming it (the seeded job: default)
  --github-host        play GitHub Enterprise at this host: OCTO.ghe.com (GHE.com: API at the root, tokens from
                       https://token.actions.OCTO.ghe.com) or any other host (Server: API under /api/v3, tokens
                       from https://HOST/_services/token); links and GITHUB_SERVER_URL use https://HOST
  --oidc-issuer        the tokens' issuer instead (an enterprise's customised issuer), e.g.
                       https://token.actions.githubusercontent.com/octo-enterprise`)
  process.exit(0)
}

const base = values.port ? Number(values.port) : undefined
if (base !== undefined && !(Number.isInteger(base) && base > 0 && base < 65531)) {
  console.error(`--port must be a port number, got ${values.port}`)
  process.exit(2)
}
if (values.region !== undefined && !REGION_SYNTAX.test(values.region)) {
  console.error(`--region must be an AWS region such as us-east-1, got ${values.region}`)
  process.exit(2)
}
const ownKey = values['access-key-id']
const ownSecret = values['secret-access-key']
if ((ownKey === undefined) !== (ownSecret === undefined)) {
  console.error('--access-key-id and --secret-access-key go together: give both or neither')
  process.exit(2)
}
if (ownKey !== undefined && !/^[A-Z0-9]{16,128}$/.test(ownKey)) {
  console.error(`--access-key-id must be 16 to 128 upper-case letters and digits, like ${SAMPLE.accessKeyId}`)
  process.exit(2)
}
const wakeUpDelay = values['wake-up-delay'] === undefined ? undefined : Number(values['wake-up-delay'])
if (wakeUpDelay !== undefined && !(Number.isInteger(wakeUpDelay) && wakeUpDelay >= 0)) {
  console.error(`--wake-up-delay must be a whole number of milliseconds, got ${values['wake-up-delay']}`)
  process.exit(2)
}
let enterprise: GitHubHostOptions | undefined
try {
  enterprise = values['github-host'] === undefined ? undefined : githubHost(values['github-host'])
} catch {
  console.error(
    `--github-host must be a host name such as github.example.com or octo.ghe.com, got ${values['github-host']}`
  )
  process.exit(2)
}
const issuer = values['oidc-issuer']
if (issuer !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[\w.-]+)*$/.test(issuer)) {
  console.error(`--oidc-issuer must be an https:// URL without a trailing slash, got ${issuer}`)
  process.exit(2)
}
if (issuer !== undefined) enterprise = { ...enterprise, oidcIssuer: issuer }
const wakeUpSpec = values['wake-up'] === undefined ? undefined : parseWakeUp(values['wake-up'], SAMPLE.repo)
const emu = await startEmulator({
  port: base,
  latencyMs: values.latency ? Number(values.latency) : 0,
  ...(values.region ? { region: values.region } : {}),
  ...(enterprise ? { github: enterprise } : {})
}).catch(e => portInUse(e))
const admin = await startAdmin(emu, base ? base + 4 : 0).catch(async e => {
  await emu.close()
  return portInUse(e)
})

emu.sts.addRole({ arn: SAMPLE.roleArn, subject: `repo:${SAMPLE.repo}:*` })
emu.sts.addStaticCredentials({ accessKeyId: SAMPLE.accessKeyId, secretAccessKey: SAMPLE.secretAccessKey })
emu.github.addRepo(SAMPLE.repo)
emu.github.addWorkflow(SAMPLE.repo, {
  file: SAMPLE.workflow,
  inputs: { 'codepipeline-job-id': { required: true } },
  runName: SAMPLE.runName
})
if (ownKey !== undefined && ownSecret !== undefined)
  emu.sts.addStaticCredentials({ accessKeyId: ownKey, secretAccessKey: ownSecret })
if (wakeUpSpec) {
  // The inputs the stop rule's dispatch carries, as the example poll workflow declares them.
  const stopInputs = Object.fromEntries(
    ['stopped-pipeline', 'stopped-execution-id', 'stopped-stage', 'stopped-action'].map(n => [n, {}])
  )
  if (!emu.github.workflow(wakeUpSpec.repository, wakeUpSpec.workflow))
    emu.github.addWorkflow(wakeUpSpec.repository, { file: wakeUpSpec.workflow, inputs: stopInputs })
  const rule = { ...wakeUpSpec, ...(wakeUpDelay !== undefined ? { delayMs: wakeUpDelay } : {}) }
  emu.wakeUp.configure(rule)
  emu.wakeUp.configureStop(rule)
  const why = (ok: boolean): string =>
    ok ? '' : ` (refused: GET ${admin.url}/_emulator/wake-ups/deliveries shows why)`
  emu.wakeUp.listeners.push(d =>
    console.log(
      d.stop
        ? `stop of ${d.stop.pipeline} execution ${d.stop.executionId} (${d.stop.stage}/${d.stop.action} ` +
            `${d.state}): HTTP ${d.status} ${d.latencyMs} ms after it was stopped${why(d.ok)}`
        : `wake-up for job ${d.jobId}: HTTP ${d.status} ${d.latencyMs} ms after it was queued${why(d.ok)}`
    )
  )
}
if (values['poller-groups']) emu.codepipeline.usePollerGroups()
const job = emu.codepipeline.addJob(
  values['poller-groups'] ? { configuration: { PollerGroup: 'default' } } : {}
)

const env: Record<string, string> = {
  ...emu.env,
  // The AWS CLI v1 (and older v2) read the region from this one only.
  AWS_DEFAULT_REGION: emu.region,
  AWS_ACCESS_KEY_ID: SAMPLE.accessKeyId,
  AWS_SECRET_ACCESS_KEY: SAMPLE.secretAccessKey,
  GITHUB_TOKEN: emu.github.token
}
console.log(`CodePipeline  ${emu.urls.codepipeline}
STS           ${emu.urls.sts}
GitHub REST   ${emu.urls.github}
OIDC token    ${emu.env.ACTIONS_ID_TOKEN_REQUEST_URL}  (issuer ${emu.oidc.issuer})
S3            ${emu.urls.s3}  (artifact store: jobs' artifact credentials only; data in ${emu.s3.dir})
Admin API     ${admin.url}/_emulator/jobs  (GET list, POST create: {"queue":true,"configuration":{...}})
              ${admin.url}/_emulator/runs  (POST {"steps":["Set up job","Run make"]}: a run whose job is in progress)
              ${admin.url}/_emulator/runs/<id>/steps/<n>  (POST {"conclusion":"failure"})
              ${admin.url}/_emulator/runs/<id>/end  (POST {"conclusion":"startup_failure"}: over, no report)
              more (credentials, action types, wake-ups, stops) in emulator/README.md

Seeded: role ${SAMPLE.roleArn} (sub repo:${SAMPLE.repo}:*), repo ${SAMPLE.repo} with ${SAMPLE.workflow},
        static credentials ${SAMPLE.accessKeyId}${ownKey ? ` and ${ownKey} (yours)` : ''}, job ${job.id} (InProgress).
Signatures: any region (us-east-1, eu-west-1, ...); keys: the ones above and the sessions its STS issues.
GitHub token (github-token input): ${emu.github.token}${
  wakeUpSpec
    ? `
Wake-up: a queued job dispatches ${wakeUpSpec.repository}'s ${wakeUpSpec.workflow} on ${wakeUpSpec.ref ?? 'its default branch'} ` +
      `${emu.wakeUp.configs[0].delayMs} ms later, as an EventBridge API destination would;
         so does stopping its pipeline execution with --abandon (the stop rule).`
    : ''
}

# paste into a shell:`)
for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${shellQuote(v)}`)
console.log(`export EMULATOR_ADMIN_URL=${admin.url}
export CODEPIPELINE_JOB_ID=${job.id}

# AWS CLI v2 before 2.13 (and v1) ignore AWS_ENDPOINT_URL_*; give them the endpoint instead:
aws --endpoint-url ${emu.urls.codepipeline} codepipeline get-job-details --job-id ${job.id}
aws --endpoint-url ${emu.urls.codepipeline} codepipeline poll-for-jobs --action-type-id category=Build,owner=Custom,provider=GitHubActions,version=1${values['poller-groups'] ? ' --query-param PollerGroup=default' : ''}
aws --endpoint-url ${emu.urls.codepipeline} codepipeline stop-pipeline-execution --pipeline-name ${job.data.pipelineContext.pipelineName} --pipeline-execution-id ${job.data.pipelineContext.pipelineExecutionId} --abandon

Ctrl-C to stop.`)

const stop = async (): Promise<void> => {
  await Promise.all([emu.close(), admin.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
