import { reportOutputs, reportSummary, type ReportRecord } from '../../src/report/summary.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const record: ReportRecord = {
  jobId: JOB,
  region: 'eu-west-1',
  result: 'failed',
  requestId: 'req-1',
  pipeline: {
    pipelineName: 'my pipe',
    pipelineExecutionId: 'exec-1',
    stageName: 'Build',
    actionName: 'GitHub'
  },
  request: {
    kind: 'failure',
    input: { jobId: JOB, failureDetails: { type: 'JobFailed', message: 'step | failed\nbadly' } }
  }
}

test('outputs carry the result, IDs and the pipeline coordinates', () => {
  expect(reportOutputs(record)).toEqual({
    result: 'failed',
    'job-id': JOB,
    'request-id': 'req-1',
    'pipeline-name': 'my pipe',
    'pipeline-execution-id': 'exec-1',
    'stage-name': 'Build',
    'action-name': 'GitHub'
  })
})

test('the summary links the pipeline execution in the console and escapes table cells', () => {
  const md = reportSummary(record)
  expect(md).toContain('❌ Reported failure to CodePipeline')
  expect(md).toContain(
    '[my pipe](https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/my%20pipe/executions/exec-1/timeline?region=eu-west-1)'
  )
  expect(md).toContain('| Reported | PutJobFailureResult (JobFailed) |')
  expect(md).toContain('| Message | step \\| failed<br>badly |')
  expect(md).toContain('| AWS request ID | `req-1` |')
})

test('without GetJobDetails the summary still names the job', () => {
  const md = reportSummary({ ...record, pipeline: {}, result: 'already-reported' })
  expect(md).toContain('already had a result')
  expect(md).toContain(`| Job ID | \`${JOB}\` |`)
  expect(md).toContain('| Pipeline | — |')
})
