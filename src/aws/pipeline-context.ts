import type { JobData } from '@aws-sdk/client-codepipeline'

/** Where a job sits in its pipeline: what the outputs, logs and summaries name. Never holds secrets. */
export interface PipelineContext {
  pipelineName?: string
  pipelineExecutionId?: string
  stageName?: string
  actionName?: string
}

/** Keeps only the pipeline's coordinates from job data, dropping artifactCredentials and everything else. */
export function pipelineContext(data: JobData | undefined): PipelineContext {
  const context = data?.pipelineContext
  return {
    pipelineName: context?.pipelineName,
    pipelineExecutionId: context?.pipelineExecutionId,
    stageName: context?.stage?.name,
    actionName: context?.action?.name
  }
}

export function consoleUrl(region: string, context: PipelineContext): string | undefined {
  if (!context.pipelineName) return undefined
  const pipeline = `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(context.pipelineName)}`
  return context.pipelineExecutionId
    ? `${pipeline}/executions/${context.pipelineExecutionId}/timeline?region=${region}`
    : `${pipeline}/view?region=${region}`
}

export function describePlace(context: PipelineContext): string {
  return [context.pipelineName, context.stageName, context.actionName].filter(Boolean).join(' / ')
}
