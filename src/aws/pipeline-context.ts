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

/**
 * The console's host for a region's partition, read from the region's name: aws (eu-west-1) has a host per
 * region, aws-us-gov (us-gov-west-1) and aws-cn (cn-north-1) one host each; other partitions (ISO, the European
 * Sovereign Cloud) get no link, since their consoles are not on the public internet or not known here.
 */
function consoleHost(region: string): string | undefined {
  if (/^us-gov-/.test(region)) return 'console.amazonaws-us-gov.com'
  if (/^cn-/.test(region)) return 'console.amazonaws.cn'
  if (/^(us|eu|ap|sa|ca|me|af|il|mx)-(?!iso)/.test(region)) return `${region}.console.aws.amazon.com`
  return undefined
}

export function consoleUrl(region: string, context: PipelineContext): string | undefined {
  const host = consoleHost(region)
  if (!context.pipelineName || !host) return undefined
  const pipeline = `https://${host}/codesuite/codepipeline/pipelines/${encodeURIComponent(context.pipelineName)}`
  return context.pipelineExecutionId
    ? `${pipeline}/executions/${context.pipelineExecutionId}/timeline?region=${region}`
    : `${pipeline}/view?region=${region}`
}

export function describePlace(context: PipelineContext): string {
  return [context.pipelineName, context.stageName, context.actionName].filter(Boolean).join(' / ')
}
