import { consoleUrl } from '../../src/aws/pipeline-context.ts'

// The console link in the report's summary goes to the console of the region's partition, or nowhere.
const context = { pipelineName: 'release', pipelineExecutionId: 'exec-1' }
const path = 'codesuite/codepipeline/pipelines/release/executions/exec-1/timeline'

test.each([
  ['eu-west-1', `https://eu-west-1.console.aws.amazon.com/${path}?region=eu-west-1`],
  ['us-east-1', `https://us-east-1.console.aws.amazon.com/${path}?region=us-east-1`],
  ['il-central-1', `https://il-central-1.console.aws.amazon.com/${path}?region=il-central-1`],
  ['us-gov-west-1', `https://console.amazonaws-us-gov.com/${path}?region=us-gov-west-1`],
  ['cn-north-1', `https://console.amazonaws.cn/${path}?region=cn-north-1`],
  ['cn-northwest-1', `https://console.amazonaws.cn/${path}?region=cn-northwest-1`]
])('%s: %s', (region, url) => {
  expect(consoleUrl(region, context)).toBe(url)
})

test('a partition whose console is not known here (ISO, European Sovereign Cloud) gets no link', () => {
  for (const region of ['us-iso-east-1', 'us-isob-east-1', 'eusc-de-east-1', 'xx-nowhere-1'])
    expect([region, consoleUrl(region, context)]).toEqual([region, undefined])
})

test('without a pipeline execution the link is to the pipeline; without a pipeline there is none', () => {
  expect(consoleUrl('us-gov-east-1', { pipelineName: 'a b' })).toBe(
    'https://console.amazonaws-us-gov.com/codesuite/codepipeline/pipelines/a%20b/view?region=us-gov-east-1'
  )
  expect(consoleUrl('eu-west-1', {})).toBeUndefined()
})
