// The report action's artifact inputs as settings (checked before any network call) and what the summary shows.
import { expect, test } from '@jest/globals'
import { formatBytes } from '../../src/bytes.ts'
import { UserError } from '../../src/errors.ts'
import { parseReportSettings } from '../../src/report/settings.ts'
import { reportSummary } from '../../src/report/summary.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const env = { GITHUB_RUN_ID: '987', AWS_REGION: 'eu-west-1', GITHUB_WORKSPACE: '/home/runner/work/app/app' }
const parse = (inputs: Record<string, string>) =>
  parseReportSettings(name => ({ 'job-id': JOB, 'github-token': 'ghs_x', ...inputs })[name] ?? '', env)

test("paths are the workspace's unless absolute", () => {
  const s = parse({ 'input-artifacts': 'source', 'output-artifacts': 'BuildOutput=dist\nDocs=/tmp/docs' })
  expect(s.inputArtifacts).toBe('/home/runner/work/app/app/source')
  expect(s.outputArtifacts).toEqual({
    kind: 'named',
    entries: [
      { name: 'BuildOutput', path: { given: 'dist', absolute: '/home/runner/work/app/app/dist' } },
      { name: 'Docs', path: { given: '/tmp/docs', absolute: '/tmp/docs' } }
    ]
  })
  expect(parse({ 'input-artifacts': '/mnt/in' }).inputArtifacts).toBe('/mnt/in')
  expect(parse({})).toMatchObject({ inputArtifacts: undefined, outputArtifacts: undefined })
})

test('output artifacts go with the final result, not with a continuation token', () => {
  const bad = () => parse({ 'output-artifacts': 'dist', 'continuation-token': 't' })
  expect(bad).toThrow(UserError)
  expect(bad).toThrow(
    'Inputs output-artifacts and continuation-token cannot be combined: the output artifacts go with the final ' +
      'result of an action, the success without continuation-token. Remove one of them.'
  )
})

test('the summary lists each stored output artifact: name, size, path and key', () => {
  const md = reportSummary({
    jobId: JOB,
    region: 'eu-west-1',
    result: 'succeeded',
    pipeline: {},
    request: { kind: 'success', input: { jobId: JOB, executionDetails: { summary: 'ok' } } },
    artifacts: [
      {
        name: 'BuildOutput',
        path: 'dist|x',
        bucket: 'b',
        key: 'p/BuildOutpu/k',
        bytes: 3 * 1024 * 1024,
        sha256: 'ab'.repeat(32),
        digestInMetadata: true,
        zip: { entries: 2, stored: 1, deflated: 1 }
      },
      {
        name: 'Big',
        path: 'big',
        bucket: 'b',
        key: 'p/Big/k',
        bytes: 6 * 1024 ** 3,
        sha256: 'cd'.repeat(32),
        digestInMetadata: false,
        zip: { entries: 1, stored: 1, deflated: 0 }
      }
    ]
  })
  expect(md).toContain(
    `| Output artifact \`BuildOutput\` | 3.0 MiB ZIP of dist\\|x in \`s3://b/p/BuildOutpu/k\`, SHA-256 \`${'ab'.repeat(32)}\` (also its x-amz-meta-sha256) |`
  )
  expect(md).toContain(
    `| Output artifact \`Big\` | 6.0 GiB ZIP of big in \`s3://b/p/Big/k\`, SHA-256 \`${'cd'.repeat(32)}\` |`
  )
})

test('sizes read as people read them', () => {
  expect([0, 1023, 1024, 1536, 5 * 1024 ** 3, 3 * 1024 ** 5].map(formatBytes)).toEqual([
    '0 bytes',
    '1023 bytes',
    '1.0 KiB',
    '1.5 KiB',
    '5.0 GiB',
    '3072.0 TiB'
  ])
})
