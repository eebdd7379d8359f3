// The bundled poll action (dist/poll/index.js) in dispatch mode, run like the runner runs it, against the emulator.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  REPO,
  expectNoSecrets,
  jobsOutput,
  logOf,
  queue,
  reported,
  requestsFor,
  runPoll,
  startPollEmulator
} from './poll-fixture.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startPollEmulator()
})
afterEach(() => emu.close())

describe('poll action: polling and dispatching', () => {
  it('with no jobs waiting, polls once, says so, and asks GitHub one thing: the recent runs to reconcile', async () => {
    const result = await runPoll(emu)

    expect(result.exitCode).toBe(0)
    expect(result.outputs).toEqual({ jobs: '[]', dispatched: '0', failed: '0', reconciled: '[]' })
    expect(logOf(result)).toContain('No CodePipeline jobs were waiting for Build/Custom/GitHubActions/1.')
    expect(result.summary).toContain('No CodePipeline jobs were waiting for Build/Custom/GitHubActions/1')
    const poll = emu.requests.filter(r => r.operation === 'PollForJobs')
    expect(poll).toHaveLength(1)
    expect(poll[0].body).toEqual({
      actionTypeId: { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' },
      maxBatchSize: 10
    })
    expect(emu.requests.filter(r => r.service === 'github').map(r => r.operation)).toEqual([
      'GET /repos/{owner}/{repo}/actions/runs'
    ])
    expect(result.summary).toContain('### Runs started earlier')
  })

  it('acknowledges and dispatches several jobs, reads each default branch once, and leaves the result to the workflow', async () => {
    emu.github.addRepo('octo-org/other', { defaultBranch: 'trunk' })
    emu.github.addWorkflow('octo-org/other', {
      file: 'deploy.yml',
      inputs: { 'codepipeline-job-id': { required: true }, environment: {}, commit: {} }
    })
    const onRelease = queue(emu, {
      pipelineName: 'web',
      stageName: 'Build',
      actionName: 'Compile',
      configuration: { Ref: 'release' }
    })
    const deploys = [1, 2].map(n =>
      queue(emu, {
        pipelineName: 'api',
        stageName: 'Deploy',
        actionName: `Deploy${n}`,
        configuration: {
          Repository: 'octo-org/other',
          Workflow: 'deploy.yml',
          Ref: '',
          Inputs: JSON.stringify({ environment: `stage-${n}`, commit: 'abc123' })
        }
      })
    )

    const result = await runPoll(emu, { 'allowed-targets': `${REPO}\nocto-org/other/deploy.yml` })

    expect(result.exitCode).toBe(0)
    expect(result.outputs.dispatched).toBe('3')
    expect(result.outputs.failed).toBe('0')
    const dispatches = emu.github.dispatches
    expect(dispatches).toHaveLength(3)
    expect(dispatches.find(d => d.inputs['codepipeline-job-id'] === onRelease.id)).toMatchObject({
      repo: REPO,
      workflow: 'build.yml',
      ref: 'release',
      inputs: { 'codepipeline-job-id': onRelease.id },
      returnRunDetails: true
    })
    for (const [n, job] of deploys.entries()) {
      expect(dispatches.find(d => d.inputs['codepipeline-job-id'] === job.id)).toMatchObject({
        repo: 'octo-org/other',
        ref: 'trunk',
        inputs: { environment: `stage-${n + 1}`, commit: 'abc123' }
      })
    }
    // One repository lookup for the two jobs without a Ref, none for the job with one.
    expect(emu.requests.filter(r => r.operation === 'GET /repos/{owner}/{repo}')).toHaveLength(1)
    // Dispatch mode: acknowledged and left running; the workflow's report action answers.
    for (const job of [onRelease, ...deploys]) {
      expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
      expect(reported(emu, job.id)).toBeUndefined()
    }

    const jobs = jobsOutput(result)
    const release = emu.github.dispatches.find(d => d.ref === 'release')
    expect(jobs.find(j => j.jobId === onRelease.id)).toEqual({
      jobId: onRelease.id,
      pipeline: 'web',
      pipelineExecutionId: onRelease.data.pipelineContext.pipelineExecutionId,
      stage: 'Build',
      action: 'Compile',
      repository: REPO,
      workflow: 'build.yml',
      ref: 'release',
      runId: release?.runId,
      runUrl: `https://github.com/${REPO}/actions/runs/${release?.runId}`,
      result: 'dispatched',
      detail: `started https://github.com/${REPO}/actions/runs/${release?.runId}`
    })
    const log = logOf(result)
    expect(log).toContain(
      `Job ${onRelease.id} (web / Build / Compile) → ${REPO} build.yml@release: dispatched, started https://github.com/`
    )
    expect(log).toContain(`(api / Deploy / Deploy2) → octo-org/other deploy.yml@trunk: dispatched`)
    expect(result.summary).toContain('3 polled, 3 dispatched, 0 failed')
    expect(result.summary).toContain(
      `| \`${onRelease.id}\` | web / Build / Compile | ${REPO} build.yml@release |`
    )
    // The artifact credentials in the job data were masked before anything could print them.
    for (const job of [onRelease, ...deploys]) {
      expect(result.masked).toContain(job.data.artifactCredentials.secretAccessKey)
    }
    expectNoSecrets(emu, result)
  })

  it('leaves a job another worker took: no dispatch, no result, a quiet log line', async () => {
    const stolen = queue(emu, { pipelineName: 'stolen' })
    const finished = queue(emu, { pipelineName: 'finished' })
    emu.faults.add({
      service: 'codepipeline',
      operation: 'AcknowledgeJob',
      kind: 'delay',
      delayMs: 300,
      times: 2
    })

    const running = runPoll(emu)
    await requestsFor(emu, 'AcknowledgeJob', 2)
    // While our acknowledgements are in flight, the jobs move on: one is handed to another worker with a new
    // nonce, the other already has that worker's result.
    emu.codepipeline.takeJob(stolen.id)
    emu.codepipeline.job(finished.id)!.state = 'Succeeded'
    const result = await running

    expect(result.exitCode).toBe(0)
    expect(emu.github.dispatches).toEqual([])
    expect(emu.codepipeline.job(stolen.id)?.results).toEqual([])
    expect(emu.codepipeline.job(finished.id)?.results).toEqual([])
    expect(result.outputs.dispatched).toBe('0')
    expect(result.outputs.failed).toBe('0')
    expect(jobsOutput(result).map(j => j.result)).toEqual(['skipped', 'skipped'])
    expect(logOf(result)).toContain(
      `Job ${stolen.id} (stolen / Build / GitHubActions) → ${REPO} build.yml@main: skipped, another worker took it`
    )
    expect(logOf(result)).toContain(
      `Job ${finished.id} (finished / Build / GitHubActions) → ${REPO} build.yml@main: skipped, another worker has it (job status Succeeded)`
    )
    expect(result.commands.filter(c => c.command === 'warning' || c.command === 'error')).toEqual([])
  })

  it('a retried acknowledgement that finds its nonce spent may have lost our own answer: the step names the job', async () => {
    const job = queue(emu)
    // The first attempt gets no usable answer; the retry is held while the job moves on as if that first attempt
    // had taken it (CodePipeline spent the nonce).
    emu.faults.add({ service: 'codepipeline', operation: 'AcknowledgeJob', kind: 'server-error' })
    emu.faults.add({ service: 'codepipeline', operation: 'AcknowledgeJob', kind: 'delay', delayMs: 300 })

    const running = runPoll(emu)
    await requestsFor(emu, 'AcknowledgeJob', 2)
    emu.codepipeline.job(job.id)!.state = 'InProgress'
    emu.codepipeline.job(job.id)!.nonce = 'spent'
    const result = await running

    expect(result.exitCode).toBe(1)
    expect(emu.github.dispatches).toEqual([])
    expect(jobsOutput(result)).toMatchObject([{ jobId: job.id, result: 'unreported' }])
    const error = result.commands.filter(c => c.command === 'error').at(-1)?.message ?? ''
    expect(error).toContain(
      '1 CodePipeline job(s) could not be answered and wait until CodePipeline times them out:'
    )
    expect(error).toContain(
      `Job ${job.id} (my-pipeline / Build / GitHubActions) → ${REPO} build.yml@main: unreported, the acknowledgement ` +
        "took 2 attempts and the last found the nonce used: the first attempt's answer was lost, so the job may be ours and waiting, acknowledged but not started (or another worker took it)"
    )
    expect(result.outputs.failed).toBe('1')
  })

  it('sends numbers and booleans of the Inputs property as strings, the only values GitHub takes', async () => {
    emu.github.addWorkflow(REPO, {
      file: 'typed.yml',
      inputs: {
        'codepipeline-job-id': { required: true },
        shards: { type: 'number' },
        debug: { type: 'boolean' }
      }
    })
    const job = queue(emu, {
      configuration: { Repository: REPO, Workflow: 'typed.yml', Inputs: '{"shards": 4, "debug": true}' }
    })

    const result = await runPoll(emu)

    expect(result.outputs).toMatchObject({ dispatched: '1', failed: '0' })
    expect(emu.github.dispatches.map(d => d.inputs)).toEqual([
      { 'codepipeline-job-id': job.id, shards: '4', debug: 'true' }
    ])
  })

  it('keeps polling for wait-seconds until a job arrives', async () => {
    // The job arrives only once the first poll has found nothing, however slow the machine.
    const result = await runPoll(
      emu,
      { 'wait-seconds': '20' },
      {
        whileRunning: async () => {
          await requestsFor(emu, 'PollForJobs', 1)
          await new Promise(resolve => setTimeout(resolve, 100))
          queue(emu, { pipelineName: 'late' })
        }
      }
    )

    expect(result.exitCode).toBe(0)
    expect(result.outputs.dispatched).toBe('1')
    expect(emu.requests.filter(r => r.operation === 'PollForJobs').length).toBeGreaterThan(1)
    expect(result.durationMs).toBeLessThan(10_000)
  })

  it('serves only its action type and query parameter', async () => {
    // The action type as the template's PollerGroups=true creates it: PollerGroup is its queryable property.
    emu.codepipeline.usePollerGroups()
    const other = queue(emu, { actionTypeId: { provider: 'Other' } })
    const mine = queue(emu, {
      configuration: { Repository: REPO, Workflow: 'build.yml', PollerGroup: 'blue' }
    })
    queue(emu, { configuration: { Repository: REPO, Workflow: 'build.yml', PollerGroup: 'red' } })

    const result = await runPoll(emu, { 'query-param': 'PollerGroup=blue', 'max-batch-size': '5' })

    expect(result.exitCode).toBe(0)
    expect(jobsOutput(result).map(j => j.jobId)).toEqual([mine.id])
    expect(emu.requests.find(r => r.operation === 'PollForJobs')?.body).toMatchObject({
      maxBatchSize: 5,
      queryParam: { PollerGroup: 'blue' }
    })
    expect(emu.codepipeline.job(other.id)?.state).toBe('Queued')
  })

  it('dry-run validates and prints the PollForJobs request without sending anything', async () => {
    queue(emu)
    const result = await runPoll(emu, { 'dry-run': 'true', 'max-batch-size': '3' })

    expect(result.exitCode).toBe(0)
    expect(emu.requests).toEqual([])
    expect(logOf(result)).toContain('Dry run: would call PollForJobs with')
    expect(logOf(result)).toContain('"maxBatchSize": 3')
    expect(result.outputs).toEqual({ jobs: '[]', dispatched: '0', failed: '0', reconciled: '[]' })
    expect(result.summary).toContain('Dry run: nothing was polled for Build/Custom/GitHubActions/1')
  })

  it.each([
    [{ provider: '' }, 'Input provider is required'],
    [{ 'max-batch-size': '500' }, 'Input max-batch-size is "500"; use a whole number from 1 to 100.'],
    [{ mode: 'later' }, 'Input mode is "later"; allowed values: dispatch, track.'],
    [{ 'query-param': 'Team' }, 'Input query-param is "Team"; use Key=Value'],
    [{ repository: 'just-a-name' }, 'Input repository is "just-a-name"; use owner/name'],
    [{ repository: 'octo-org/..' }, 'Input repository is "octo-org/.."; use owner/name'],
    [{ workflow: '..' }, 'Input workflow is ".."; use the workflow file name'],
    [{ 'github-token': '' }, 'Input github-token is empty'],
    [{ 'allowed-targets': 'octo-org' }, 'allowed-targets line 1 is "octo-org"; write owner/repo'],
    [{ ref: 'main..dev' }, 'Input ref is "main..dev", which is not a git branch or tag name']
  ])('bad input %j fails before any network call', async (inputs, message) => {
    queue(emu)
    const result = await runPoll(emu, inputs)

    expect(result.exitCode).toBe(1)
    expect(result.commands.find(c => c.command === 'error')?.message).toContain(message)
    expect(emu.requests).toEqual([])
  })

  it('an action type CodePipeline does not know fails the step and says what to check', async () => {
    const result = await runPoll(emu, { provider: 'Nope' })

    expect(result.exitCode).toBe(1)
    expect(result.commands.find(c => c.command === 'error')?.message).toContain(
      'CodePipeline has no custom action type Build/Custom/Nope/1 in eu-west-1. Check the provider, category and version inputs'
    )
  })

  it('a job that could not be answered fails the step and names the job left waiting', async () => {
    const broken = queue(emu, { configuration: { Repository: REPO, Workflow: 'build.yml', Inputs: '{' } })
    const fine = queue(emu)
    emu.codepipeline.deny('arn:aws:iam::123456789012:role/github-codepipeline-poller', 'PutJobFailureResult')

    const result = await runPoll(emu)

    expect(result.exitCode).toBe(1)
    const error = result.commands.filter(c => c.command === 'error').at(-1)?.message ?? ''
    expect(error).toContain(
      '1 CodePipeline job(s) could not be answered and wait until CodePipeline times them out:'
    )
    expect(error).toContain(`Job ${broken.id} (my-pipeline / Build / GitHubActions)`)
    expect(error).toContain('Allow codepipeline:PutJobFailureResult in the IAM policy')
    expect(reported(emu, broken.id)).toBeUndefined()
    // The other job of the batch went ahead.
    expect(emu.github.dispatches.map(d => d.inputs['codepipeline-job-id'])).toEqual([fine.id])
    expect(result.outputs).toMatchObject({ dispatched: '1', failed: '1' })
  })
})
