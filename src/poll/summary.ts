import { describePlace } from '../aws/pipeline-context.ts'
import { cell, code } from '../markdown.ts'
import type { PollRun } from './poll-run.ts'
import type { Handled, JobRecord } from './worker.ts'

// What the user sees of a poll: one log line per job, the step's outputs and the job summary. Pure.

/** The step's outputs; names are part of the action's contract (poll/action.yml). */
export function pollOutputs({ records, reconciled }: PollRun): Record<string, string> {
  return {
    jobs: JSON.stringify(records.map(entry)),
    dispatched: String(count(records, 'dispatched')),
    failed: String(count(records, 'failed', 'unreported')),
    reconciled: JSON.stringify(reconciled.records.map(entry))
  }
}

function entry(r: JobRecord) {
  return {
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
  unreported: '🛑 left waiting',
  cancelled: '⏹️ run cancelled'
}

/** Markdown for the job summary page: the same facts as the log lines, as tables. */
export function pollSummary({ records, reconciled }: PollRun, actionType: string, dryRun: boolean): string {
  if (dryRun) return `### 🔎 Dry run: nothing was polled for ${actionType}\n`
  const polled = records.length
    ? `### CodePipeline jobs for ${actionType}: ${records.length} polled, ` +
      `${count(records, 'dispatched')} dispatched, ${count(records, 'failed', 'unreported')} failed\n\n${table(records)}`
    : `### No CodePipeline jobs were waiting for ${actionType}\n`
  if (!reconciled.repositories.length) return polled
  const checked =
    `Checked ${reconciled.runs} run(s) that name a job in ${reconciled.repositories.map(code).join(', ')} ` +
    `with ${reconciled.githubCalls} GitHub call(s).`
  const done = reconciled.records.length
    ? `${checked}\n\n${table(reconciled.records)}`
    : `${checked} None needed anything.\n`
  return `${polled}\n### Runs started earlier\n\n${done}`
}

function table(records: JobRecord[]): string {
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
  return `| Job | Pipeline / stage / action | Workflow | Run | Result | Details |\n|---|---|---|---|---|---|\n${rows.map(r => `| ${r} |`).join('\n')}\n`
}

function workflowAt(record: JobRecord): string {
  if (!record.workflow) return ''
  return record.ref ? `${record.workflow}@${record.ref}` : record.workflow
}

function count(records: JobRecord[], ...results: Handled[]): number {
  return records.filter(r => results.includes(r.result)).length
}
