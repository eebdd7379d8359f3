// "Stop and abandon" and "Stop and wait" through @aws-sdk/client-codepipeline, CodePipeline cancelling an action
// execution, and what a job worker then meets on the abandoned job.
import {
  AcknowledgeJobCommand,
  DuplicatedStopRequestException,
  GetJobDetailsCommand,
  InvalidJobStateException,
  PipelineExecutionNotFoundException,
  PipelineExecutionNotStoppableException,
  PipelineNotFoundException,
  PollForJobsCommand,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  StopPipelineExecutionCommand,
  ValidationException
} from '@aws-sdk/client-codepipeline'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'
import { ACTION_TYPE, STATIC, codepipeline, rejection } from './clients.ts'

const EXECUTION = '3f1c9a52-7b0e-4d4a-9a6e-0c2f5e8b1d77'
const OTHER_EXECUTION = '9d2e4b61-1c3f-4a5b-8e7d-6f0a1b2c3d4e'

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addStaticCredentials(STATIC)
})
afterEach(() => emu.close())

const stop = (input: Record<string, unknown>) =>
  codepipeline(emu).send(
    new StopPipelineExecutionCommand(
      input as unknown as ConstructorParameters<typeof StopPipelineExecutionCommand>[0]
    )
  )

describe('StopPipelineExecution with abandon', () => {
  it('abandons every unfinished job of the execution at once and only those; one ABANDONED event per action', async () => {
    const build = emu.codepipeline.addJob({ pipelineExecutionId: EXECUTION, actionName: 'Build' })
    const queued = emu.codepipeline.queueJob({ pipelineExecutionId: EXECUTION, actionName: 'Test' })
    const done = emu.codepipeline.addJob({
      pipelineExecutionId: EXECUTION,
      actionName: 'Lint',
      state: 'Succeeded'
    })
    const elsewhere = emu.codepipeline.addJob({ pipelineExecutionId: OTHER_EXECUTION })
    const before = build.lastUpdateTime

    const out = await stop({
      pipelineName: 'my-pipeline',
      pipelineExecutionId: EXECUTION,
      abandon: true,
      reason: 'bad release'
    })

    expect(out.pipelineExecutionId).toBe(EXECUTION)
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect([build, queued, done, elsewhere].map(j => emu.codepipeline.job(j.id)?.state)).toEqual([
      'Abandoned',
      'Abandoned',
      'Succeeded',
      'InProgress'
    ])
    expect(build.lastUpdateTime.getTime()).toBeGreaterThanOrEqual(before.getTime())
    expect(emu.codepipeline.executions.stops).toEqual([
      {
        pipelineName: 'my-pipeline',
        pipelineExecutionId: EXECUTION,
        abandon: true,
        reason: 'bad release',
        at: expect.any(Date),
        abandonedJobIds: [build.id, queued.id]
      }
    ])
    const abandoned = emu.codepipeline.executions.stateChanges.filter(c => c.state === 'ABANDONED')
    expect(abandoned).toEqual([
      {
        pipeline: 'my-pipeline',
        executionId: EXECUTION,
        stage: 'Build',
        action: 'Build',
        state: 'ABANDONED',
        type: ACTION_TYPE,
        jobId: build.id,
        at: expect.any(Date)
      },
      expect.objectContaining({ action: 'Test', jobId: queued.id })
    ])
    expect(emu.requests.at(-1)).toMatchObject({
      service: 'codepipeline',
      operation: 'StopPipelineExecution',
      status: 200,
      body: {
        pipelineName: 'my-pipeline',
        pipelineExecutionId: EXECUTION,
        abandon: true,
        reason: 'bad release'
      }
    })
  })

  it('an abandoned job still has its details but takes no acknowledgement and no result, and is not polled', async () => {
    const job = emu.codepipeline.queueJob({ pipelineExecutionId: EXECUTION })
    const client = codepipeline(emu)
    const polled = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE }))
    const nonce = polled.jobs?.[0]?.nonce
    await stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION, abandon: true })

    const details = await client.send(new GetJobDetailsCommand({ jobId: job.id }))
    expect(details.jobDetails?.data?.pipelineContext?.pipelineExecutionId).toBe(EXECUTION)
    const ack = await rejection(client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce })))
    expect(ack).toBeInstanceOf(InvalidJobStateException)
    expect(ack.message).toBe(`The job ${job.id} is in state Abandoned and cannot be acknowledged.`)
    const success = await rejection(client.send(new PutJobSuccessResultCommand({ jobId: job.id })))
    expect(success).toBeInstanceOf(InvalidJobStateException)
    expect(success.message).toBe(`The job ${job.id} is in state Abandoned and cannot accept a result.`)
    const failure = await rejection(
      client.send(
        new PutJobFailureResultCommand({
          jobId: job.id,
          failureDetails: { type: 'JobFailed', message: 'late' }
        })
      )
    )
    expect(failure).toBeInstanceOf(InvalidJobStateException)
    expect(emu.codepipeline.job(job.id)?.results).toEqual([])

    emu.codepipeline.queueJob({ pipelineExecutionId: OTHER_EXECUTION })
    const again = await client.send(new PollForJobsCommand({ actionTypeId: ACTION_TYPE, maxBatchSize: 5 }))
    expect(again.jobs?.map(j => j.data?.pipelineContext?.pipelineExecutionId)).toEqual([OTHER_EXECUTION])
  })

  it('a continuation job is the same action execution: it keeps both IDs, and abandoning it abandons that action once', async () => {
    const first = emu.codepipeline.addJob({ pipelineExecutionId: EXECUTION })
    await codepipeline(emu).send(
      new PutJobSuccessResultCommand({ jobId: first.id, continuationToken: 'run=1' })
    )
    const next = emu.codepipeline.jobs.find(j => j.previousJobId === first.id)
    expect(next?.data.pipelineContext).toEqual(first.data.pipelineContext)

    await stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION, abandon: true })
    expect([emu.codepipeline.job(first.id)?.state, next?.state]).toEqual(['Succeeded', 'Abandoned'])
    expect(emu.codepipeline.executions.stateChanges.filter(c => c.state === 'ABANDONED')).toHaveLength(1)
  })
})

describe('StopPipelineExecution: what the service refuses', () => {
  it('an unknown pipeline, an execution of another pipeline, and a malformed request', async () => {
    emu.codepipeline.addJob({ pipelineName: 'web', pipelineExecutionId: EXECUTION })
    emu.codepipeline.addJob({ pipelineName: 'api', pipelineExecutionId: OTHER_EXECUTION })

    const noPipeline = await rejection(stop({ pipelineName: 'nope', pipelineExecutionId: EXECUTION }))
    expect(noPipeline).toBeInstanceOf(PipelineNotFoundException)
    expect(noPipeline.message).toBe("Account '123456789012' does not have a pipeline with name 'nope'")

    const otherPipeline = await rejection(stop({ pipelineName: 'web', pipelineExecutionId: OTHER_EXECUTION }))
    expect(otherPipeline).toBeInstanceOf(PipelineExecutionNotFoundException)
    expect(otherPipeline.message).toBe(
      `Pipeline execution ${OTHER_EXECUTION} does not exist in pipeline web.`
    )

    const bad = await rejection(
      stop({
        pipelineName: 'web pipeline',
        pipelineExecutionId: 'E1',
        abandon: 'yes',
        reason: 'x'.repeat(201)
      })
    )
    expect(bad).toBeInstanceOf(ValidationException)
    expect(bad.message).toMatch(/^4 validation errors detected: /)
    expect(bad.message).toContain(
      "Value 'web pipeline' at 'pipelineName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+"
    )
    expect(bad.message).toContain("at 'pipelineExecutionId' failed to satisfy constraint")
    expect(bad.message).toContain(
      "Value 'yes' at 'abandon' failed to satisfy constraint: Member must be a boolean"
    )
    expect(bad.message).toContain('Member must have length less than or equal to 200')
    expect(emu.codepipeline.executions.stops).toEqual([])
  })

  it('stop and wait changes no job; a second one is a duplicate, an abandon after it is allowed, and then nothing is left to stop', async () => {
    const job = emu.codepipeline.addJob({ pipelineExecutionId: EXECUTION })
    await stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION })
    expect(emu.codepipeline.job(job.id)?.state).toBe('InProgress')
    expect(emu.codepipeline.executions.stateChanges.filter(c => c.state !== 'STARTED')).toEqual([])

    const duplicate = await rejection(stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION }))
    expect(duplicate).toBeInstanceOf(DuplicatedStopRequestException)

    await stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION, abandon: true })
    expect(emu.codepipeline.job(job.id)?.state).toBe('Abandoned')

    const stopped = await rejection(
      stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION, abandon: true })
    )
    expect(stopped).toBeInstanceOf(PipelineExecutionNotStoppableException)
    expect(stopped.message).toBe(`Pipeline execution ${EXECUTION} cannot be stopped: it is already Stopped.`)
    expect(emu.codepipeline.executions.stops.map(s => s.abandon)).toEqual([false, true])
  })

  it('an execution whose jobs are all finished is not stoppable', async () => {
    emu.codepipeline.addJob({ pipelineExecutionId: EXECUTION, state: 'Failed' })
    const err = await rejection(
      stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION, abandon: true })
    )
    expect(err).toBeInstanceOf(PipelineExecutionNotStoppableException)
    expect(err.message).toBe(
      `Pipeline execution ${EXECUTION} cannot be stopped: it is no longer in progress.`
    )
  })

  it('an IAM denial applies, and the in-process call throws the same errors', async () => {
    emu.codepipeline.addJob({ pipelineExecutionId: EXECUTION })
    emu.codepipeline.deny(STATIC.accessKeyId, 'StopPipelineExecution')
    const denied = await rejection(stop({ pipelineName: 'my-pipeline', pipelineExecutionId: EXECUTION }))
    expect(denied.name).toBe('AccessDeniedException')
    expect(denied.message).toContain('codepipeline:StopPipelineExecution')
    expect(() => emu.codepipeline.stopPipelineExecution('nope', EXECUTION)).toThrow(
      expect.objectContaining({ name: 'PipelineNotFoundException' })
    )
  })
})

describe('CodePipeline cancelling an action execution', () => {
  it('abandons the job and emits CANCELED; a finished job cannot be cancelled', () => {
    const job = emu.codepipeline.addJob({
      pipelineExecutionId: EXECUTION,
      stageName: 'Deploy',
      actionName: 'Ship'
    })
    emu.codepipeline.cancelActionExecution(job.id)
    expect(emu.codepipeline.job(job.id)?.state).toBe('Abandoned')
    expect(emu.codepipeline.executions.stateChanges.at(-1)).toMatchObject({
      state: 'CANCELED',
      pipeline: 'my-pipeline',
      executionId: EXECUTION,
      stage: 'Deploy',
      action: 'Ship',
      jobId: job.id
    })
    expect(() => emu.codepipeline.cancelActionExecution(job.id)).toThrow(
      `job ${job.id} is Abandoned: only an action execution in progress can be cancelled`
    )
  })

  it('a queued job is a STARTED state change; IDs given to addJob are checked', () => {
    const job = emu.codepipeline.queueJob({ actionExecutionId: OTHER_EXECUTION })
    expect(emu.codepipeline.executions.stateChanges).toEqual([
      expect.objectContaining({ state: 'STARTED', jobId: job.id })
    ])
    expect(job.data.pipelineContext.action.actionExecutionId).toBe(OTHER_EXECUTION)
    expect(() => emu.codepipeline.addJob({ pipelineExecutionId: 'E1' })).toThrow(
      'pipelineExecutionId E1 must be a lower-case UUID'
    )
  })
})
