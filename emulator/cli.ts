// Runs the emulator as a long-lived local service, so the actions (or the AWS CLI and curl) can be tried by hand:
//   npm run emulator -- --port 4566 [--latency 20]
import { parseArgs } from 'node:util'
import { startAdmin } from './admin.ts'
import { startEmulator } from './index.ts'

const SAMPLE = {
  roleArn: 'arn:aws:iam::123456789012:role/github-codepipeline',
  repo: 'octo-org/octo-repo',
  workflow: 'build.yml',
  // The example keys from the AWS documentation, so nobody mistakes them for real ones.
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    latency: { type: 'string' },
    help: { type: 'boolean', short: 'h' }
  }
})

if (values.help) {
  console.log(`usage: npm run emulator -- [--port <base>] [--latency <ms>]
  --port     CodePipeline on <base>, STS on +1, GitHub REST on +2, OIDC on +3, admin API on +4, S3 on +5
             (default: random ports)
  --latency  delay added to every request, in milliseconds`)
  process.exit(0)
}

const base = values.port ? Number(values.port) : undefined
if (base !== undefined && !(Number.isInteger(base) && base > 0 && base < 65531)) {
  console.error(`--port must be a port number, got ${values.port}`)
  process.exit(2)
}
const emu = await startEmulator({ port: base, latencyMs: values.latency ? Number(values.latency) : 0 })
const admin = await startAdmin(emu, base ? base + 4 : 0)

emu.sts.addRole({ arn: SAMPLE.roleArn, subject: `repo:${SAMPLE.repo}:*` })
emu.sts.addStaticCredentials({ accessKeyId: SAMPLE.accessKeyId, secretAccessKey: SAMPLE.secretAccessKey })
emu.github.addRepo(SAMPLE.repo)
emu.github.addWorkflow(SAMPLE.repo, {
  file: SAMPLE.workflow,
  inputs: { 'codepipeline-job-id': { required: true } }
})
const job = emu.codepipeline.addJob()

const env: Record<string, string> = {
  ...emu.env,
  AWS_ACCESS_KEY_ID: SAMPLE.accessKeyId,
  AWS_SECRET_ACCESS_KEY: SAMPLE.secretAccessKey,
  GITHUB_TOKEN: emu.github.token
}
console.log(`CodePipeline  ${emu.urls.codepipeline}
STS           ${emu.urls.sts}
GitHub REST   ${emu.urls.github}
OIDC token    ${emu.env.ACTIONS_ID_TOKEN_REQUEST_URL}
S3            ${emu.urls.s3}  (artifact store: jobs' artifact credentials only; data in ${emu.s3.dir})
Admin API     ${admin.url}/_emulator/jobs  (GET list, POST create: {"queue":true,"configuration":{...}})
              ${admin.url}/_emulator/runs/<id>  (POST {"status":"completed","conclusion":"success"})

Seeded: role ${SAMPLE.roleArn} (sub repo:${SAMPLE.repo}:*), repo ${SAMPLE.repo} with ${SAMPLE.workflow},
        static credentials ${SAMPLE.accessKeyId}, job ${job.id} (InProgress).
GitHub token (github-token input): ${emu.github.token}

# paste into a shell:`)
for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${shellQuote(v)}`)
console.log(`export EMULATOR_ADMIN_URL=${admin.url}
export CODEPIPELINE_JOB_ID=${job.id}

Ctrl-C to stop.`)

const stop = async (): Promise<void> => {
  await Promise.all([emu.close(), admin.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
