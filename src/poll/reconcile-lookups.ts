import type { ActionExecutionDetail, JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'

type Reader = Pick<CodePipeline, 'getJobDetails' | 'listActionExecutions'>

/** CodePipeline reads, once each per poll; a missing permission is said once and ends that kind of check. */
export class Lookups {
  private readonly codepipeline: Reader
  private readonly jobs = new Map<string, Promise<JobData | undefined>>()
  private readonly executions = new Map<string, Promise<ActionExecutionDetail[] | undefined>>()
  private readonly refused = new Set<string>()

  constructor(codepipeline: Reader) {
    this.codepipeline = codepipeline
  }

  job(jobId: string): Promise<JobData | undefined> {
    let job = this.jobs.get(jobId)
    if (!job)
      this.jobs.set(jobId, (job = this.read('GetJobDetails', () => this.codepipeline.getJobDetails(jobId))))
    return job
  }

  /** The job's action execution, when CodePipeline shows it abandoned (its pipeline execution was stopped). */
  async abandoned(data: JobData): Promise<ActionExecutionDetail | undefined> {
    const context = data.pipelineContext
    const pipeline = context?.pipelineName
    const execution = context?.pipelineExecutionId
    if (!pipeline || !execution) return undefined
    const key = `${pipeline}/${execution}`
    let details = this.executions.get(key)
    if (!details) {
      details = this.read('ListActionExecutions', () =>
        this.codepipeline.listActionExecutions(pipeline, execution)
      )
      this.executions.set(key, details)
    }
    const detail = (await details)?.find(d => d.actionExecutionId === context?.action?.actionExecutionId)
    return detail?.status === 'Abandoned' ? detail : undefined
  }

  private async read<T>(operation: string, send: () => Promise<T>): Promise<T | undefined> {
    if (this.refused.has(operation)) return undefined
    try {
      return await send()
    } catch (error) {
      if (!(error instanceof CodePipelineError)) throw error
      if (error.code === 'JobNotFoundException' || error.code === 'PipelineNotFoundException')
        return undefined
      if (error.code === 'AccessDeniedException') {
        if (!this.refused.has(operation)) {
          this.refused.add(operation)
          core.warning(
            `The poll action's role may not call codepipeline:${operation}, so it cannot reconcile the runs it ` +
              `started earlier (${operation === 'GetJobDetails' ? 'fail the job of a run that never reported' : 'cancel the run of a stopped pipeline'}): ` +
              `allow codepipeline:${operation} in the role's policy (the bridge template does). ${error.message}`
          )
        }
        return undefined
      }
      core.warning(`Reconciliation: ${error.message}`)
      return undefined
    }
  }
}
