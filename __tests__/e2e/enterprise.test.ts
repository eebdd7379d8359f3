// The bundled poll and report actions against a GitHub Enterprise Server as the runner presents one: the API at
// https://HOST/api/v3 (GITHUB_API_URL), the web host in GITHUB_SERVER_URL, OIDC tokens from
// https://HOST/_services/token. What a user sees: the dispatch reaches the Server's API, the run links go to the
// Server, and the report lands in CodePipeline.
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { githubHost, startEmulator, type Emulator } from '../../emulator/index.ts'
import { RUNNER_DEFAULTS, runAction, runMainAndPost } from './harness.ts'

const HOST = 'github.example.com'
const REPO = 'octo-org/octo-repo'
const POLLER = 'arn:aws:iam::123456789012:role/codepipeline-bridge-poller-eu-west-1'
const REPORTER = 'arn:aws:iam::123456789012:role/codepipeline-bridge-reporter-eu-west-1'

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator({ github: githubHost(HOST) })
  // The roles trust the Server's issuer only: STS refuses a token of any other issuer.
  emu.sts.addRole({ arn: POLLER, subject: `repo:${REPO}:ref:refs/heads/main` })
  emu.sts.addRole({ arn: REPORTER, subject: `repo:${REPO}:ref:refs/heads/main` })
  emu.github.addWorkflow(REPO, { file: 'build.yml', inputs: { 'codepipeline-job-id': { required: true } } })
})
afterEach(() => emu.close())

test('on a GitHub Enterprise Server, the poller dispatches through /api/v3, links runs on the Server, and the report lands', async () => {
  expect(emu.env).toMatchObject({
    GITHUB_SERVER_URL: `https://${HOST}`,
    GITHUB_API_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/)
  })
  const job = emu.codepipeline.queueJob({
    pipelineName: 'release',
    stageName: 'Build',
    actionName: 'GitHub',
    configuration: { Repository: REPO, Workflow: 'build.yml' }
  })

  const poll = await runAction({
    action: 'poll/action.yml',
    githubToken: emu.github.token,
    inputs: { provider: 'GitHubActions', 'role-to-assume': POLLER },
    env: emu.env
  })

  expect([poll.exitCode, poll.outputs.dispatched, poll.outputs.failed]).toEqual([0, '1', '0'])
  const [dispatch] = emu.github.dispatches
  expect(dispatch).toMatchObject({
    repo: REPO,
    workflow: 'build.yml',
    inputs: { 'codepipeline-job-id': job.id }
  })
  const runUrl = `https://${HOST}/${REPO}/actions/runs/${dispatch.runId}`
  // The user's view: the job's run is linked on the Server, in the outputs and in the summary.
  const [polled] = JSON.parse(poll.outputs.jobs) as Array<{ jobId: string; runUrl: string }>
  expect(polled).toMatchObject({ jobId: job.id, runUrl })
  expect(poll.summary).toContain(runUrl)
  // Every GitHub call went to the Server's API path; the dispatch to the one GitHub documents.
  const github = emu.requests.filter(r => r.service === 'github')
  expect(github.map(r => r.path)).toContain(`/api/v3/repos/${REPO}/actions/workflows/build.yml/dispatches`)
  for (const r of github)
    expect([r.path, r.status]).toEqual([expect.stringMatching(/^\/api\/v3\//), expect.any(Number)])
  expect(github.every(r => r.status < 400)).toBe(true)
  // The role was assumed with the Server's token.
  expect(emu.oidc.issued[0].claims.iss).toBe(`https://${HOST}/_services/token`)
  expect(emu.sts.issued.map(c => c.roleArn)).toEqual([POLLER])

  // The dispatched run starts on a runner; its report step runs in job mode (main step, then post step).
  const runner = RUNNER_DEFAULTS.RUNNER_NAME
  emu.github.setRun(dispatch.runId, {
    status: 'in_progress',
    jobs: [
      {
        name: 'build',
        status: 'in_progress',
        runnerName: runner,
        steps: [
          { name: 'Set up job', conclusion: 'success' },
          { name: 'Run make test', conclusion: 'success' }
        ]
      }
    ]
  })
  const before = emu.requests.length
  const { main, post } = await runMainAndPost({
    action: 'action.yml',
    githubToken: emu.github.token,
    inputs: { 'job-id': job.id, 'role-to-assume': REPORTER },
    env: {
      ...emu.env,
      GITHUB_RUN_ID: String(dispatch.runId),
      GITHUB_RUN_NUMBER: '1',
      GITHUB_WORKFLOW: 'build'
    }
  })

  expect([main.exitCode, post?.exitCode]).toEqual([0, 0])
  expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
  expect(emu.codepipeline.job(job.id)?.results[0].request).toEqual({
    jobId: job.id,
    executionDetails: {
      summary: `GitHub workflow "build" run #1 (attempt 1) succeeded: ${runUrl}`,
      externalExecutionId: String(dispatch.runId)
    }
  })
  expect(post?.summary).toContain('✅ Reported success to CodePipeline')
  const reporterCalls = emu.requests.slice(before).filter(r => r.service === 'github')
  expect(reporterCalls.length).toBeGreaterThan(0)
  for (const r of reporterCalls)
    expect(r.path).toMatch(/^\/api\/v3\/repos\/octo-org\/octo-repo\/actions\/runs\//)
})

test("a token of github.com's issuer finds no provider in a Server's account: the error names the token's issuer", async () => {
  emu.oidc.claims = { iss: 'https://token.actions.githubusercontent.com' }
  const job = emu.codepipeline.addJob()
  const result = await runAction({
    action: 'action.yml',
    githubToken: emu.github.token,
    inputs: { 'job-id': job.id, status: 'success', 'role-to-assume': REPORTER },
    env: emu.env
  })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(
    'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com'
  )
  expect(result.stdout).toContain("on GitHub Enterprise, that is the bridge template's OidcIssuer")
  expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
})
