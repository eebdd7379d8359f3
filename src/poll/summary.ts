import { describePlace } from '../aws/pipeline-context.ts'
import type { Handled, JobRecord } from './worker.ts'
import { cell, code } from '../markdown.ts'

// What the user sees of a poll: one log line per job, the step's outputs and the job summary. Pure.

/** The step's outputs; names are part of the action's contract (poll/action.yml). */
export function pollOutputs(records: JobRecord[]): Record<string, string> {
  const jobs = records.map(r => ({
    jobId: r.jobId,
    pipeline: r.pipeline.pipelineName ?? null,
    pipelineExecutionId: r.pipeline.pipelineExecutionId ?? null,
    stage: r.pipeline.stageName ?? null,
    action: r.pipeline.actionName ?? null,
    repository: r.repository ?? null,
    workflow: r.workflow ?? null,
    ref: r.ref ?? null,
    runId: r.runId ?? null,
    runUrl: r.runUrl ?? null,
    result: r.result,
    detail: r.detail
  }))
  return {
    jobs: JSON.stringify(jobs),
    dispatched: String(count(records, 'dispatched')),
    failed: String(count(records, 'failed', 'unreported'))
  }
}

export function logLine(record: JobRecord): string {
  const place = describePlace(record.pipeline)
  const job = `Job ${record.jobId}${place ? ` (${place})` : ''}`
  const target = [record.repository, workflowAt(record)].filter(Boolean).join(' ')
  return `${job}${target ? ` → ${target}` : ''}: ${record.result}${record.detail ? `, ${record.detail}` : ''}`
}

/** The failure that fails the step: names every job left waiting. */
export function unreportedMessage(records: JobRecord[]): string | undefined {
  const left = records.filter(r => r.result === 'unreported')
  if (!left.length) return undefined
  return (
    `${left.length} CodePipeline job(s) could not be answered and wait until CodePipeline times them out:\n` +
    left.map(logLine).join('\n')
  )
}

const HEADLINE: Record<Handled, string> = {
  dispatched: '🚀 dispatched',
  running: '⏳ running',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
  'already-reported': '⚠️ already reported',
  unreported: '🛑 left waiting'
}

/** Markdown for the job summary page: the same facts as the log lines, as a table. */
export function pollSummary(records: JobRecord[], actionType: string, dryRun: boolean): string {
  if (dryRun) return `### 🔎 Dry run: nothing was polled for ${actionType}\n`
  if (!records.length) return `### No CodePipeline jobs were waiting for ${actionType}\n`
  const title =
    `### CodePipeline jobs for ${actionType}: ${records.length} polled, ` +
    `${count(records, 'dispatched')} dispatched, ${count(records, 'failed', 'unreported')} failed`
  const rows = records.map(r =>
    [
      code(r.jobId),
      cell(describePlace(r.pipeline) || '—'),
      cell([r.repository, workflowAt(r)].filter(Boolean).join(' ') || '—'),
      r.runUrl ? `[${r.runId ?? 'run'}](${r.runUrl})` : '—',
      HEADLINE[r.result],
      cell(r.detail)
    ].join(' | ')
  )
  return `${title}\n\n| Job | Pipeline / stage / action | Workflow | Run | Result | Details |\n|---|---|---|---|---|---|\n${rows.map(r => `| ${r} |`).join('\n')}\n`
}

function workflowAt(record: JobRecord): string {
  if (!record.workflow) return ''
  return record.ref ? `${record.workflow}@${record.ref}` : record.workflow
}

function count(records: JobRecord[], ...results: Handled[]): number {
  return records.filter(r => results.includes(r.result)).length
}
