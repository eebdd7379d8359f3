import { expect, test } from '@jest/globals'
import { CodePipelineError } from '../../src/aws/codepipeline.ts'
import { PipelineGaveUpError, UserError } from '../../src/errors.ts'
import { failure, success } from '../../src/job-result.ts'
import { fateOf } from '../../src/report/job-fate.ts'
import { refusal } from '../../src/report/refused.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const EXEC = 'ffffffff-4567-89ab-cdef-0123456789ab'
const at = new Date('2026-12-06T13:45:02.123Z')
const pipeline = { pipelineName: 'web', stageName: 'Deploy', actionName: 'Ship', pipelineExecutionId: EXEC }
const refused = new CodePipelineError('already has a result', 'InvalidJobStateException')
const ok = success(JOB, { summary: 'done', externalExecutionId: '42' })
const failed = failure(JOB, 'JobFailed', 'broke', '42')

test("the job's action execution tells stopped, timed out, ours and someone else's apart", () => {
  expect(fateOf({ status: 'Abandoned', lastUpdateTime: at }, '42')).toEqual({ kind: 'abandoned', at })
  expect(fateOf({ status: 'Failed', lastUpdateTime: at }, '42')).toEqual({ kind: 'timed-out', at })
  expect(
    fateOf({ status: 'Failed', output: { executionResult: { externalExecutionId: '42' } } }, '42')
  ).toEqual({
    kind: 'ours'
  })
  expect(
    fateOf(
      { status: 'Succeeded', lastUpdateTime: at, output: { executionResult: { externalExecutionId: '7' } } },
      '42'
    )
  ).toEqual({ kind: 'other', at })
  expect(fateOf({ status: 'InProgress' }, '42')).toEqual({ kind: 'in-progress' })
  expect(fateOf({ status: 'Succeeded', lastUpdateTime: at }, '42')).toEqual({ kind: 'other', at })
  expect(fateOf(undefined, '42')).toMatchObject({ kind: 'unknown' })
})

test('abandoned on the first attempt: the step fails, saying the pipeline gave up and when; nothing was recorded', () => {
  const r = refusal(refused, { kind: 'abandoned', at }, JOB, ok, 1, pipeline)
  expect(r.result).toBe('abandoned')
  expect(r.error).toBeInstanceOf(PipelineGaveUpError)
  expect(r.error?.message).toBe(
    `CodePipeline job ${JOB} (web / Deploy / Ship) was abandoned at 2026-12-06T13:45:02Z: its pipeline execution ` +
      `${EXEC} was stopped (Stop and abandon), or CodePipeline cancelled the action, so the pipeline gave up on ` +
      "this job. Nothing was reported: this run's success was not recorded."
  )
})

test('timed out on the first attempt: the step fails with when and what to change', () => {
  const r = refusal(refused, { kind: 'timed-out', at }, JOB, failed, 1, pipeline)
  expect(r.result).toBe('timed-out')
  expect(r.error?.message).toMatch(
    /^CodePipeline timed out job .* at 2026-12-06T13:45:02Z, before this run reported: the pipeline gave up on this job, and this run's failure was not recorded\./
  )
})

test("a re-run attempt keeps today's warning and already-reported", () => {
  for (const kind of ['abandoned', 'timed-out'] as const) {
    expect(refusal(refused, { kind, at }, JOB, ok, 2, pipeline)).toEqual({
      result: 'already-reported',
      warning: `CodePipeline job ${JOB} already has a result (a re-run, or the job timed out); this run's success was not recorded.`
    })
  }
})

test('our own earlier answer only warns; a failure pre-empted by someone else fails a first attempt', () => {
  expect(refusal(refused, { kind: 'ours' }, JOB, failed, 1, pipeline)).toMatchObject({
    result: 'already-reported',
    warning: expect.stringContaining('most likely this failure itself, delivered by an earlier attempt')
  })
  const lost = new CodePipelineError('x', 'InvalidJobStateException', { unanswered: true, attempts: 2 })
  expect(refusal(lost, { kind: 'unknown', why: 'denied' }, JOB, failed, 1, pipeline).error).toBeUndefined()
  const other = refusal(refused, { kind: 'other', at }, JOB, failed, 1, pipeline)
  expect(other.error).toBeInstanceOf(UserError)
  expect(other.error?.message).toContain('Another party answered CodePipeline job')
  expect(refusal(refused, { kind: 'other', at }, JOB, ok, 1, pipeline).error).toBeUndefined()
})
