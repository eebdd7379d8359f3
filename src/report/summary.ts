import type { StoredArtifact } from '../artifacts/upload.ts'
import { consoleUrl, type PipelineContext } from '../aws/pipeline-context.ts'
import type { ReportRequest } from './request.ts'
import { formatBytes } from '../bytes.ts'
import { cell, code } from '../markdown.ts'

/** `abandoned`, `timed-out`: the pipeline gave up on the job before this run reported (nothing was recorded). */
export type ReportResult = 'succeeded' | 'failed' | 'already-reported' | 'abandoned' | 'timed-out' | 'dry-run'

export interface ReportRecord {
  jobId: string
  region: string
  request: ReportRequest
  result: ReportResult
  requestId?: string
  pipeline: PipelineContext
  /** Output artifacts stored before the success was sent. */
  artifacts?: StoredArtifact[]
}

/** The step's outputs; names are part of the action's contract (action.yml). */
export function reportOutputs(record: ReportRecord): Record<string, string> {
  return {
    result: record.result,
    'job-id': record.jobId,
    'request-id': record.requestId ?? '',
    'pipeline-name': record.pipeline.pipelineName ?? '',
    'pipeline-execution-id': record.pipeline.pipelineExecutionId ?? '',
    'stage-name': record.pipeline.stageName ?? '',
    'action-name': record.pipeline.actionName ?? '',
    ...(record.artifacts?.length
      ? {
          'output-artifact-digests': JSON.stringify(
            Object.fromEntries(record.artifacts.map(artifact => [artifact.name, artifact.sha256]))
          )
        }
      : {})
  }
}

const HEADLINE: Record<ReportResult, string> = {
  succeeded: '✅ Reported success to CodePipeline',
  failed: '❌ Reported failure to CodePipeline',
  'already-reported': '⚠️ CodePipeline job already had a result; nothing was changed',
  abandoned: '🛑 The pipeline execution was stopped: nothing was reported',
  'timed-out': '⏱️ CodePipeline timed the job out: nothing was reported',
  'dry-run': '🔎 Dry run: nothing was sent to CodePipeline'
}

/** Markdown for the job summary page. */
export function reportSummary(record: ReportRecord): string {
  const { request, pipeline } = record
  const link = consoleUrl(record.region, pipeline)
  const recorded = record.result === 'succeeded' || record.result === 'failed' || record.result === 'dry-run'
  const sent = recorded ? 'Reported' : 'Sent, not recorded'
  const rows: [string, string][] = [
    ['Job ID', code(record.jobId)],
    [
      'Pipeline',
      link ? `[${cell(pipeline.pipelineName ?? '')}](${link})` : cell(pipeline.pipelineName ?? '—')
    ],
    ['Stage', cell(pipeline.stageName ?? '—')],
    ['Action', cell(pipeline.actionName ?? '—')]
  ]
  if (request.kind === 'success') {
    rows.push([sent, 'PutJobSuccessResult'], ['Summary', cell(request.input.executionDetails?.summary ?? '')])
    if (request.input.continuationToken) rows.push(['Continuation token', 'sent (the action keeps running)'])
    const names = Object.keys(request.input.outputVariables ?? {})
    if (names.length) rows.push(['Output variables', names.map(code).join(', ')])
    for (const artifact of record.artifacts ?? []) {
      rows.push([
        `Output artifact ${code(artifact.name)}`,
        `${formatBytes(artifact.bytes)} ZIP of ${cell(artifact.path)} in ${code(`s3://${artifact.bucket}/${artifact.key}`)}, ` +
          `SHA-256 ${code(artifact.sha256)}${artifact.digestInMetadata ? ' (also its x-amz-meta-sha256)' : ''}`
      ])
    }
  } else {
    const details = request.input.failureDetails
    rows.push([sent, `PutJobFailureResult (${details?.type})`], ['Message', cell(details?.message ?? '')])
  }
  if (record.requestId) rows.push(['AWS request ID', code(record.requestId)])
  const table = rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')
  return `### ${HEADLINE[record.result]}\n\n| | |\n|---|---|\n${table}\n`
}
