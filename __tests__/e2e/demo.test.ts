// `npm run demo` is the first thing README asks a newcomer to run: it must pass on a fresh clone, and it must
// notice when the bridge is broken (it doubles as a smoke test of the bundled actions).
import { spawn } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { ACCOUNT, FAILING_STEP, POLLER_ROLE, REPORTER_ROLE, runDemo } from '../../demo/demo.ts'

function runCli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // As `npm run demo` runs it: Node 24 executing the TypeScript directly, no colours on a pipe.
    const child = spawn(process.execPath, ['demo/run.ts'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', reject)
    child.once('close', code => resolve({ code, stdout, stderr }))
  })
}

describe('npm run demo', () => {
  it('plays the seven runs end to end and exits 0', async () => {
    const { code, stdout, stderr } = await runCli()

    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/All \d+ expectations held \(\d+\.\d s\)\./)
    // The seven scenarios, in order, and what CodePipeline holds at the end.
    const headings = [
      ...stdout.matchAll(
        /━━ \d\/7 {2}(\w+) mode · (?:(green|red) build( · woken by EventBridge)?( · artifacts SourceArtifact → BuildOutput)?|(deploy stopped from CodePipeline mid-run|a run that cannot start \(startup_failure\)))/g
      )
    ].map(m =>
      m[5] ? `${m[1]} ${m[5]}` : `${m[1]} ${m[2]}${m[3] ? ' woken' : ''}${m[4] ? ' artifacts' : ''}`
    )
    expect(headings).toEqual([
      'dispatch green artifacts',
      'dispatch red',
      'track green',
      'track red',
      'dispatch green woken',
      'dispatch deploy stopped from CodePipeline mid-run',
      'dispatch a run that cannot start (startup_failure)'
    ])
    const final = stdout.slice(stdout.indexOf('What CodePipeline holds now'))
    expect(final).toMatch(
      /dispatch · green .*: Succeeded\n.*succeeded: .*\n\s+output artifact BuildOutput: s3:\/\/\S+, \d+ bytes, SSE-KMS key\//
    )
    expect(final).toMatch(/dispatch · red .*: Failed\n\s+JobFailed: .*failed at step "Run unit tests"/)
    expect(final).toMatch(/track · green .*: Succeeded \(3 jobs: Succeeded → Succeeded → Succeeded\)/)
    expect(final).toMatch(/track · red .*: Failed \(3 jobs: Succeeded → Succeeded → Failed\)/)
    expect(final).toMatch(/dispatch · green · woken .*: InProgress\n/)
    expect(final).toMatch(
      /dispatch · stopped deploy +web-app › Deploy › Production, execution \w+: Abandoned\n\s+Stop and abandon \(".*"\): no result reported; run \d+ cancelled\n/
    )
    expect(final).toMatch(
      /dispatch · startup_failure +web-app › Test › IntegrationTests, execution \w+: Failed\n\s+ConfigurationError: GitHub workflow "Integration tests" run #1 \(attempt 1\) could not start \(startup_failure\).* Run: https:\/\/github\.com\/octo-org\/app\/actions\/runs\/\d+\n/
    )
    // The wake-up: EventBridge starts the poll workflow, whose run (workflow_dispatch, no schedule) starts the
    // build; the time from the job queued to the build dispatched, and its two parts, in milliseconds.
    const woken = stdout.slice(stdout.indexOf('━━ 5/7'), stdout.indexOf('━━ 6/7'))
    expect(woken).toContain(
      'POST /repos/octo-org/pipelines/actions/workflows/codepipeline-poller.yml/dispatches ref main, inputs {} ← 204'
    )
    expect(woken).toMatch(/octo-org\/pipelines run #1 \(\d+, workflow_dispatch\): uses OWNER\/REPO\/poll@v1/)
    expect(woken).toContain('POST /repos/octo-org/app/actions/workflows/build.yml/dispatches')
    expect(woken).not.toContain('✗')
    expect(woken).toMatch(/job \w+ queued → build\.yml dispatched: \d+ ms, in the emulator\n/)
    expect(woken).toMatch(/queued → wake-up delivered +\d+ ms/)
    expect(woken).toMatch(/wake-up → poll dispatched build +\d+ ms/)
    // Stopped mid-run: Stop and abandon → the action Abandoned → the stop rule's workflow_dispatch with the stopped
    // action → the woken poll step cancels the deploy run, and its log and summary name pipeline, execution, run.
    const stopped = stdout.slice(stdout.indexOf('━━ 6/7'), stdout.indexOf('━━ 7/7'))
    expect(stopped).not.toContain('✗')
    const order = [
      /POST \/repos\/octo-org\/app\/actions\/workflows\/deploy\.yml\/dispatches/,
      /▸ engineer .*Stop and abandon/,
      /Deploy › Production: Abandoned at once/,
      /POST \/repos\/octo-org\/pipelines\/actions\/workflows\/codepipeline-poller\.yml\/dispatches ref main, inputs \{"stopped-pipeline":"web-app","stopped-execution-id":"[\w-]+","stopped-stage":"Deploy","stopped-action":"Production"\} ← 204/,
      /octo-org\/pipelines run #\d+ \(\d+, workflow_dispatch\): uses OWNER\/REPO\/poll@v1 \(mode dispatch, stopped-pipeline/,
      /→ GitHub +POST \/repos\/octo-org\/app\/actions\/runs\/\d+\/cancel ← 202/,
      /│ Woken by the stop of pipeline web-app execution [\w-]+ \(action Production\): cancelled run \d+\./,
      /▤ \| `[\w-]+` \| web-app \/ Deploy \/ Production \| octo-org\/app deploy\.yml \| \[\d+\]\(https:\/\/github\.com\/octo-org\/app\/actions\/runs\/\d+\) \| ⏹️ run cancelled \| pipeline web-app execution [\w-]+ was stopped/,
      /▸ post step +Post Report to CodePipeline → exit 1/,
      /Error: CodePipeline job [\w-]+ \(web-app \/ Deploy \/ Production\) was abandoned at .*Nothing was reported/
    ].map(re => stopped.search(re))
    expect(order.every(i => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(stopped).toMatch(/execution \w+ stopped → run \d+ cancelled: \d+ ms, in the emulator\n/)
    expect(stopped).not.toMatch(/PutJob\w+Result job \w+, \w+: "/) // nothing is recorded on an abandoned job
    // startup_failure: nothing reports, the next scheduled poll fails the job as ConfigurationError, naming the run,
    // with the time saved against CodePipeline's hour-long action timeout.
    const startup = stdout.slice(stdout.indexOf('━━ 7/7'), stdout.indexOf('What CodePipeline holds now'))
    expect(startup).not.toContain('✗')
    expect(startup).toMatch(
      /"Integration tests" run #1 \(\d+\) cannot start: .*→ startup_failure; no job ran, no report step/
    )
    expect(startup).toMatch(
      /→ CodePipeline PutJobFailureResult job \w+, ConfigurationError: "GitHub workflow \\"Integration tests\\" run #1 \(attempt 1\) could not start \(startup_failure\).*Run: https:\/\/github\.com\/octo-org\/app\/actions\/runs\/\d+" ← 200/
    )
    expect(startup).toMatch(/▤ \| .* \| ❌ failed \| ConfigurationError: /)
    expect(startup).toMatch(/run \d+ startup_failure → job \w+ failed: \d+ ms, in the emulator\n/)
    expect(startup).toMatch(/without reconciliation +60 min +InProgress until CodePipeline's action timeout/)
    expect(startup).toMatch(/time saved +59 min \d\d s/)
    // Artifacts: the Source stage's ZIP reaches the workflow (GetObject, extracted by the main step), a build step
    // uses it, the post step stores the build's output (PutObject, SSE-KMS with the pipeline's key) before the
    // success, and the demo reads it back from the artifact store as the Deploy stage would.
    const artifacts = stdout.slice(stdout.indexOf('━━ 1/7'), stdout.indexOf('━━ 2/7'))
    expect(artifacts).not.toContain('✗')
    const bucket = `codepipeline-eu-west-1-${ACCOUNT}`
    expect(artifacts).toMatch(
      new RegExp(
        `→ S3 +GetObject s3://${bucket}/web-app/SourceArti/\\w+, \\d+ bytes, stored SSE-KMS key/[\\w-]+, ` +
          "signed with job \\w+'s artifactCredentials ← 20[06]"
      )
    )
    expect(artifacts).toContain('Extracted input artifact "SourceArtifact"')
    expect(artifacts).toMatch(/step 4 +Build image: source\/src\/app\.js/)
    const post = artifacts.slice(artifacts.indexOf('▸ post step'))
    const upload = post.search(
      new RegExp(
        `→ S3 +PutObject s3://${bucket}/web-app/BuildOutpu/\\w+, \\d+ bytes, SSE aws:kms key/[\\w-]+,`
      )
    )
    expect(upload).toBeGreaterThan(0)
    expect(upload).toBeLessThan(post.indexOf('PutJobSuccessResult'))
    expect(artifacts).toContain('✓ BuildOutput was stored before PutJobSuccessResult')
    expect(artifacts).toMatch(/stage Deploy reads BuildOutput from s3:\/\/.*: \d+ bytes ZIP, SSE-KMS/)
    expect(artifacts).toMatch(
      /imagedefinitions\.json +\d+ bytes +\[\{"name":"web","imageUri":".*:9fceb02"\}\]/
    )
    expect(artifacts).toContain('✓ read back from S3: the ZIP holds out/')
    expect(stdout).toMatch(
      /✓ no token, key or session credential .* every job's artifactCredentials among them/
    )
    // Both sides of the wire appear in the timeline.
    for (const call of [
      'PollForJobs',
      'AcknowledgeJob',
      'POST /repos/octo-org/app/actions/workflows/build.yml/dispatches',
      'GetJobDetails',
      'PutJobSuccessResult',
      'PutJobFailureResult',
      'AssumeRoleWithWebIdentity',
      'GetObject',
      'PutObject',
      'ListActionExecutions',
      '/cancel'
    ])
      expect(stdout).toContain(call)
    expect(stdout).not.toContain('\u001b[') // no colour codes when stdout is not a terminal
  })

  it('fails, naming what went wrong, when the bridge is broken', async () => {
    // The reporter role loses PutJobFailureResult: the red dispatch-mode run can no longer be reported.
    const result = await runDemo({
      tamper: emu => emu.codepipeline.deny(REPORTER_ROLE, 'PutJobFailureResult')
    })

    expect(result.failed).toEqual(
      expect.arrayContaining([
        'the post step delivered the result',
        expect.stringMatching(/^job \w+ Failed \(JobFailed, externalExecutionId = run ID\)$/),
        `the failure message names the failed step "${FAILING_STEP}" and links the run`
      ])
    )
    // The other runs are unaffected, and the timeline shows why this one failed.
    expect(result.passed).toBeGreaterThan(20)
    expect(result.output).toContain('is not authorized to perform: codepipeline:PutJobFailureResult')
    expect(result.output).toMatch(/\d+ of \d+ expectations failed:/)
  })

  it('fails, naming the runs left to the timeout, when the poller cannot read jobs', async () => {
    // The poller role loses GetJobDetails: it can no longer tie a run to its job, so the stopped deploy runs on and
    // the startup_failure's job is left waiting; the demo must say so.
    const result = await runDemo({ tamper: emu => emu.codepipeline.deny(POLLER_ROLE, 'GetJobDetails') })

    expect(result.failed).toEqual(
      expect.arrayContaining([
        'the woken poll step cancelled octo-org/app "Deploy" run #1 once: the deploy stops',
        expect.stringMatching(
          /^the next poll run failed job \w+: ConfigurationError, externalExecutionId = run ID$/
        ),
        'the failure message names the workflow "Integration tests", run #1 and its conclusion, and links the run'
      ])
    )
    expect(result.passed).toBeGreaterThan(40)
    expect(result.output).toContain("The poll action's role may not call codepipeline:GetJobDetails")
    expect(result.output).toMatch(/startup_failure .*: InProgress\n/)
  })

  it('fails, naming the artifact, when the artifact store refuses the build output', async () => {
    // The artifact bucket's policy demands another KMS key: the post step cannot store BuildOutput, so it must not
    // report a success, and the demo must say so.
    const result = await runDemo({
      tamper: emu =>
        emu.s3.addBucket(emu.s3.artifactBucket(ACCOUNT), {
          requireKms: `arn:aws:kms:${emu.region}:${ACCOUNT}:key/another-key`
        })
    })

    expect(result.failed).toEqual(
      expect.arrayContaining([
        'the post step delivered the result',
        "BuildOutput was stored before PutJobSuccessResult, with SSE-KMS and the pipeline's key"
      ])
    )
    expect(result.output).toMatch(/PutObject s3:\/\/.*AccessDenied ← 403/)
    expect(result.output).toMatch(
      /PutJobFailureResult job \w+, PermissionError: .*Output artifact \\"BuildOutput\\"/
    )
  })
})
