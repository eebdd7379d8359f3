import {
  AcknowledgeJobCommand,
  ActionTypeNotFoundException,
  CodePipelineServiceException,
  GetJobDetailsCommand,
  InvalidJobStateException,
  InvalidNonceException,
  JobNotFoundException,
  OutputVariablesSizeExceededException,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  ValidationException
} from '@aws-sdk/client-codepipeline'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { ACTION_TYPE, STATIC, codepipeline, rejection } from './clients.ts'

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addStaticCredentials(STATIC)
})
afterEach(() => emu.close())

describe('CodePipeline job worker operations through @aws-sdk/client-codepipeline', () => {
  it('GetJobDetails returns realistic job data and a request ID', async () => {
    const job = emu.codepipeline.addJob({ configuration: { Workflow: 'deploy.yml' } })
    const out = await codepipeline(emu).send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(out.$metadata.requestId).toBe(emu.requests.at(-1)?.requestId)
    expect(out.jobDetails?.id).toBe(job.id)
    expect(out.jobDetails?.accountId).toBe('123456789012')
    const data = out.jobDetails?.data
    expect(data?.actionTypeId).toEqual(ACTION_TYPE)
    expect(data?.actionConfiguration?.configuration).toMatchObject({
      Repository: 'octo-org/octo-repo',
      Workflow: 'deploy.yml'
    })
    expect(data?.pipelineContext?.pipelineExecutionId).toMatch(/^[0-9a-f]{8}-/)
    // No artifacts unless a test declares them (emu.artifacts), as for an action type with none configured.
    expect([data?.inputArtifacts, data?.outputArtifacts]).toEqual([[], []])
    expect(data?.artifactCredentials?.secretAccessKey).toBeTruthy()
    expect(emu.requests.at(-1)).toMatchObject({
      service: 'codepipeline',
      operation: 'GetJobDetails',
      status: 200
    })
    expect(emu.requests.at(-1)?.accessKeyId).toBe(STATIC.accessKeyId)
  })

  it('PutJobSuccessResult succeeds the job with an empty 200 and records the caller', async () => {
    const job = emu.codepipeline.addJob()
    const out = await codepipeline(emu).send(
      new PutJobSuccessResultCommand({
        jobId: job.id,
        executionDetails: {
          summary: 'Run #42 succeeded',
          externalExecutionId: '1658821493',
          percentComplete: 100
        },
        outputVariables: { RUN_ID: '1658821493', 'run-url@x': 'https://github.com/o/r/actions/runs/1' }
      })
    )
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(out.$metadata.requestId).toBeTruthy()
    const stored = emu.codepipeline.job(job.id)
    expect(stored?.state).toBe('Succeeded')
    expect(stored?.results).toHaveLength(1)
    expect(stored?.results[0]).toMatchObject({ kind: 'success', accessKeyId: STATIC.accessKeyId })
    expect(stored?.results[0].request).toMatchObject({ executionDetails: { percentComplete: 100 } })
  })

  it('PutJobFailureResult fails the job; a second result is InvalidJobStateException', async () => {
    const job = emu.codepipeline.addJob()
    const client = codepipeline(emu)
    await client.send(
      new PutJobFailureResultCommand({
        jobId: job.id,
        failureDetails: { type: 'JobFailed', message: 'step test failed' }
      })
    )
    expect(emu.codepipeline.job(job.id)?.state).toBe('Failed')
    const e = await rejection(
      client.send(new PutJobSuccessResultCommand({ jobId: job.id, executionDetails: { summary: 'late' } }))
    )
    expect(e).toBeInstanceOf(InvalidJobStateException)
    expect(e.message).toContain('Failed')
    expect(emu.codepipeline.job(job.id)?.results).toHaveLength(1)
  })

  it('a timed-out job refuses results', async () => {
    const job = emu.codepipeline.addJob()
    emu.codepipeline.timeOut(job.id)
    const e = await rejection(
      codepipeline(emu).send(
        new PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'x' } })
      )
    )
    expect(e).toBeInstanceOf(InvalidJobStateException)
  })

  it('unknown job ID is JobNotFoundException; malformed ID is ValidationException with the pattern', async () => {
    const client = codepipeline(emu)
    const missing = await rejection(
      client.send(new GetJobDetailsCommand({ jobId: '11111111-2222-3333-4444-555555555555' }))
    )
    expect(missing).toBeInstanceOf(JobNotFoundException)
    const bad = await rejection(client.send(new GetJobDetailsCommand({ jobId: 'NOT-A-JOB' })))
    expect(bad).toBeInstanceOf(ValidationException)
    expect(bad.message).toBe(
      "1 validation error detected: Value 'NOT-A-JOB' at 'jobId' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
    )
    expect(bad.$metadata?.httpStatusCode).toBe(400)
  })

  it('validates failure details, execution details and output variables like the service model', async () => {
    const job = emu.codepipeline.addJob()
    const client = codepipeline(emu)
    const failure = await rejection(
      client.send(
        new PutJobFailureResultCommand({
          jobId: job.id,
          failureDetails: { type: 'Boom' as never, message: 'x'.repeat(5001), externalExecutionId: '' }
        })
      )
    )
    expect(failure).toBeInstanceOf(ValidationException)
    expect(failure.message).toMatch(/^3 validation errors detected: /)
    expect(failure.message).toContain(
      "at 'failureDetails.type' failed to satisfy constraint: Member must satisfy enum"
    )
    expect(failure.message).toContain('Member must have length less than or equal to 5000')
    expect(failure.message).toContain("at 'failureDetails.externalExecutionId'")

    const success = await rejection(
      client.send(
        new PutJobSuccessResultCommand({
          jobId: job.id,
          executionDetails: { summary: 's'.repeat(2049), percentComplete: 101 },
          outputVariables: { 'bad name': 'x' }
        })
      )
    )
    expect(success).toBeInstanceOf(ValidationException)
    expect(success.message).toContain("at 'executionDetails.summary'")
    expect(success.message).toContain('Member must have value less than or equal to 100')
    expect(success.message).toContain('Member must satisfy regular expression pattern: [A-Za-z0-9@\\-_]+')

    const both = await rejection(
      client.send(
        new PutJobSuccessResultCommand({ jobId: job.id, continuationToken: 't', outputVariables: { A: 'b' } })
      )
    )
    expect(both).toBeInstanceOf(ValidationException)
    expect(both.message).toContain('continuationToken')

    const big = await rejection(
      client.send(
        new PutJobSuccessResultCommand({ jobId: job.id, outputVariables: { A: 'x'.repeat(122880) } })
      )
    )
    expect(big).toBeInstanceOf(OutputVariablesSizeExceededException)
    expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
  })

  it('success with a continuationToken queues a follow-up job carrying the token', async () => {
    const job = emu.codepipeline.addJob({ configuration: { Workflow: 'long.yml' } })
    const client = codepipeline(emu)
    await client.send(new PutJobSuccessResultCommand({ jobId: job.id, continuationToken: 'run=1658821500' }))
    expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
    const next = emu.codepipeline.jobs.find(j => j.previousJobId === job.id)
    expect(next?.state).toBe('Queued')
    expect(next?.id).not.toBe(job.id)
    expect(next?.data.continuationToken).toBe('run=1658821500')
    expect(next?.data.actionConfiguration.configuration.Workflow).toBe('long.yml')

    const polled = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE }))
    expect(polled.jobs?.[0].id).toBe(next?.id)
    expect(polled.jobs?.[0].data?.continuationToken).toBe('run=1658821500')
  })
})

describe('PollForJobs and AcknowledgeJob', () => {
  it('hands out queued jobs of the action type once, with a nonce, up to maxBatchSize', async () => {
    const a = emu.codepipeline.queueJob()
    const b = emu.codepipeline.queueJob()
    const c = emu.codepipeline.queueJob()
    emu.codepipeline.queueJob({ actionTypeId: { provider: 'Other' } })
    const client = codepipeline(emu)
    const first = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, maxBatchSize: 2 }))
    expect(first.jobs?.map(j => j.id)).toEqual([a.id, b.id])
    expect(first.jobs?.[0]).toMatchObject({ accountId: '123456789012', nonce: expect.any(String) })
    expect(first.jobs?.[0].data?.pipelineContext?.pipelineName).toBe('my-pipeline')
    expect(emu.codepipeline.job(a.id)?.state).toBe('Dispatched')
    const second = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, maxBatchSize: 5 }))
    expect(second.jobs?.map(j => j.id)).toEqual([c.id])
    const third = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE }))
    expect(third.jobs).toEqual([])
  })

  it("with PollerGroups (the template option), a poll names its PollerGroup and gets only that group's jobs", async () => {
    emu.codepipeline.usePollerGroups()
    const blue = emu.codepipeline.queueJob({ configuration: { PollerGroup: 'blue' } })
    const green = emu.codepipeline.queueJob({ configuration: { PollerGroup: 'green' } })
    const client = codepipeline(emu)
    const poll = (queryParam?: Record<string, string>) =>
      client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, maxBatchSize: 10, queryParam }))

    expect((await poll({ PollerGroup: 'green' })).jobs?.map(j => j.id)).toEqual([green.id])
    expect((await poll({ PollerGroup: 'red' })).jobs).toEqual([])
    // "For an action type with a queryable property, you must supply that property as a key in the map."
    const none = await rejection(poll())
    expect(none).toBeInstanceOf(ValidationException)
    expect(none.message).toBe(
      "queryParam must have the key 'PollerGroup', the queryable property of action type " +
        'Build/Custom/GitHubActions/1: PollForJobs for this type must say which jobs it takes.'
    )
    const other = await rejection(poll({ Team: 'blue' }))
    expect(other).toBeInstanceOf(ValidationException)
    expect(other.message).toBe(
      "queryParam must have the key 'PollerGroup', the queryable property of action type " +
        "Build/Custom/GitHubActions/1, not 'Team'."
    )
    expect((await poll({ PollerGroup: 'blue' })).jobs?.map(j => j.id)).toEqual([blue.id])
  })

  it('an action type without a queryable property (the template default) takes no queryParam', async () => {
    const client = codepipeline(emu)
    const job = emu.codepipeline.queueJob({ configuration: { Team: 'blue' } })
    const refused = await rejection(
      client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, queryParam: { Team: 'blue' } }))
    )
    expect(refused).toBeInstanceOf(ValidationException)
    expect(refused.message).toBe(
      "queryParam must be empty: action type Build/Custom/GitHubActions/1 has no queryable property, so 'Team' cannot be queried."
    )
    expect(emu.codepipeline.job(job.id)?.state).toBe('Queued')
    // An empty map is the same as none.
    const empty = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, queryParam: {} }))
    expect(empty.jobs?.map(j => j.id)).toEqual([job.id])

    // Another type, declared with its own queryable property, is queried by that one.
    const teams = { ...ACTION_TYPE, provider: 'Teams' }
    emu.codepipeline.registerActionType(teams, [{ name: 'Team', required: true, queryable: true }])
    const red = emu.codepipeline.queueJob({ actionTypeId: teams, configuration: { Team: 'red' } })
    const out = await client.send(
      new PollForJobsCommand({ actionTypeId: teams, queryParam: { Team: 'red' } })
    )
    expect(out.jobs?.map(j => j.id)).toEqual([red.id])
  })

  it('refuses action types CodePipeline would refuse, and jobs without a valid queryable value', () => {
    const t = { ...ACTION_TYPE, provider: 'Bad' }
    expect(() =>
      emu.codepipeline.registerActionType(t, [
        { name: 'A', required: true, queryable: true },
        { name: 'B', required: true, queryable: true }
      ])
    ).toThrow('an action type has at most one queryable property, got A, B')
    expect(() =>
      emu.codepipeline.registerActionType(t, [{ name: 'A', required: true, queryable: true, secret: true }])
    ).toThrow("queryable property 'A' cannot be secret")
    expect(() => emu.codepipeline.registerActionType(t, [{ name: 'A', queryable: true }])).toThrow(
      "queryable property 'A' must be required"
    )
    emu.codepipeline.usePollerGroups()
    expect(() => emu.codepipeline.queueJob()).toThrow(
      'PollerGroup is required: it is the queryable property of action type Build/Custom/GitHubActions/1'
    )
    expect(() => emu.codepipeline.queueJob({ configuration: { PollerGroup: 'has space' } })).toThrow(
      "PollerGroup is 'has space', but a queryable property's value has 1 to 20 letters, digits, '_' or '-'"
    )
    expect(() => emu.codepipeline.queueJob({ configuration: { PollerGroup: 'a'.repeat(21) } })).toThrow(
      "PollerGroup is 'aaaaaaaaaaaaaaaaaaaaa'"
    )
    expect(emu.codepipeline.queueJob({ configuration: { PollerGroup: 'a'.repeat(20) } }).state).toBe('Queued')
  })

  it('refuses bad poll requests with the modelled exceptions', async () => {
    const client = codepipeline(emu)
    const unknown = await rejection(
      client.send(new PollForJobsCommand({ actionTypeId: { ...ACTION_TYPE, provider: 'Nope' } }))
    )
    expect(unknown).toBeInstanceOf(ActionTypeNotFoundException)
    const batch = await rejection(
      client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, maxBatchSize: 0 }))
    )
    expect(batch).toBeInstanceOf(ValidationException)
    expect(batch.message).toContain("at 'maxBatchSize' failed to satisfy constraint")
    const two = await rejection(
      client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, queryParam: { A: 'x', B: 'y' } }))
    )
    expect(two).toBeInstanceOf(ValidationException)
    const aws = await rejection(
      client.send(new PollForJobsCommand({ actionTypeId: { ...ACTION_TYPE, owner: 'AWS' } }))
    )
    expect(aws).toBeInstanceOf(ValidationException)
    expect(aws.message).toContain('Custom')
  })

  it('only the holder of the current nonce acknowledges; a retry gets the status back', async () => {
    const job = emu.codepipeline.queueJob()
    const client = codepipeline(emu)
    const polled = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE }))
    const nonce = polled.jobs?.[0].nonce ?? ''
    const wrong = await rejection(
      client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: 'not-the-nonce' }))
    )
    expect(wrong).toBeInstanceOf(InvalidNonceException)
    expect(emu.codepipeline.job(job.id)?.state).toBe('Dispatched')
    const ack = await client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce }))
    expect(ack.status).toBe('InProgress')
    expect(emu.codepipeline.job(job.id)?.acknowledgedBy).toBe(STATIC.accessKeyId)
    const again = await client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce }))
    expect(again.status).toBe('InProgress')
    const empty = await rejection(client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: '' })))
    expect(empty).toBeInstanceOf(ValidationException)
  })

  it('an IAM denial arrives as AccessDeniedException naming the caller and the action', async () => {
    const job = emu.codepipeline.addJob()
    emu.codepipeline.deny(STATIC.accessKeyId, 'PutJobSuccessResult')
    const client = codepipeline(emu)
    const e = await rejection(client.send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(e).toBeInstanceOf(CodePipelineServiceException)
    expect(e.name).toBe('AccessDeniedException')
    expect(e.message).toMatch(
      /^User: arn:aws:iam::123456789012:user\/emulator-user is not authorized to perform: codepipeline:PutJobSuccessResult/
    )
    await expect(client.send(new GetJobDetailsCommand({ jobId: job.id }))).resolves.toBeTruthy()
  })
})
