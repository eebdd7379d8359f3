import type { Job, PollForJobsInput } from '@aws-sdk/client-codepipeline'
import { CodePipelineError, type CodePipeline } from '../aws/codepipeline.ts'
import { UserError } from '../errors.ts'
import type { Sleep } from '../sleep.ts'
import type { ActionType, PollSettings } from './settings.ts'
import type { StopGate } from './stop-gate.ts'

export interface Clock {
  now: () => number
  sleep: Sleep
}

// Often enough for low latency within wait-seconds, rarely enough to stay far below PollForJobs' rate limit
// when many pollers share an account.
export const POLL_INTERVAL_MS = 2000

export function pollRequest(settings: Pick<PollSettings, 'actionType' | 'maxBatchSize' | 'queryParam'>) {
  return {
    actionTypeId: settings.actionType,
    maxBatchSize: settings.maxBatchSize,
    ...(settings.queryParam ? { queryParam: settings.queryParam } : {})
  } satisfies PollForJobsInput
}

/**
 * Polls once, or until jobs arrive, wait-seconds are up or the poller is stopped; at least one poll always
 * happens. A stop ends the wait at once (the jobs of a poll already sent are then left queued by the worker).
 */
export async function pollForJobs(
  codepipeline: Pick<CodePipeline, 'pollForJobs'>,
  settings: Pick<PollSettings, 'actionType' | 'maxBatchSize' | 'queryParam' | 'waitSeconds' | 'aws'>,
  clock: Clock,
  stop?: Pick<StopGate, 'stopped' | 'stoppedBy'>
): Promise<Job[]> {
  const input = pollRequest(settings)
  const deadline = clock.now() + settings.waitSeconds * 1000
  for (;;) {
    const jobs = await pollOnce(codepipeline, input, settings.aws.region)
    const left = deadline - clock.now()
    if (jobs.length || left <= 0 || stop?.stoppedBy) return jobs
    await Promise.race([clock.sleep(Math.min(POLL_INTERVAL_MS, left)), stop?.stopped])
    if (stop?.stoppedBy) return []
  }
}

async function pollOnce(
  codepipeline: Pick<CodePipeline, 'pollForJobs'>,
  input: PollForJobsInput,
  region: string
): Promise<Job[]> {
  try {
    return await codepipeline.pollForJobs(input)
  } catch (error) {
    if (error instanceof CodePipelineError && error.code === 'ActionTypeNotFoundException') {
      throw new UserError(
        `CodePipeline has no custom action type ${actionTypeName(input.actionTypeId as ActionType)} in ${region}. ` +
          'Check the provider, category and version inputs against the action type, and aws-region.',
        { cause: error }
      )
    }
    throw error
  }
}

export function actionTypeName(type: ActionType): string {
  return `${type.category}/${type.owner}/${type.provider}/${type.version}`
}
