import { failure, type JobResult } from '../job-result.ts'
import type { JobPlan } from './job.ts'
import type { Problem } from './problems.ts'
import type { Handled } from './worker.ts'

/** What the worker decided for one job: how it ends, and what (if anything) CodePipeline is told. */
export interface Decision {
  handled: Handled
  /** Absent in dispatch mode after a start: the workflow reports with the report action. */
  result?: JobResult
  detail?: string
}

export function failedWith(problem: Problem, plan: JobPlan, runId?: number): Decision {
  return {
    handled: 'failed',
    result: failure(plan.jobId, problem.type, problem.message, runId ? String(runId) : undefined)
  }
}
