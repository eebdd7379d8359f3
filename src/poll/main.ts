import * as core from '@actions/core'
import { DeliveryError, errorMessage } from '../errors.ts'
import { runContext } from '../github/context.ts'
import { appendSummary } from '../job-summary.ts'
import { actionInput } from '../inputs.ts'
import { proxySecrets } from '../proxy-env.ts'
import { sleep } from '../sleep.ts'
import { actionTypeName, pollRequest, type Clock } from './poll-jobs.ts'
import { pollRun, type PollRun } from './poll-run.ts'
import { parsePollSettings } from './settings.ts'
import { pollOutputs, pollSummary, unreportedMessage } from './summary.ts'

/**
 * Poll once (or for wait-seconds), answer every job, look after the runs earlier polls started, publish what
 * happened; fail for a job left waiting, or when a stop signal cut the run short.
 */
export async function run(env: NodeJS.ProcessEnv = process.env, clock: Clock = { now: Date.now, sleep }) {
  for (const secret of proxySecrets()) core.setSecret(secret)
  try {
    const settings = parsePollSettings(actionInput, env, runContext(env))
    core.setSecret(settings.githubToken)
    if (settings.dryRun) {
      core.info(`Dry run: would call PollForJobs with\n${JSON.stringify(pollRequest(settings), null, 2)}`)
    }
    const done: PollRun = settings.dryRun
      ? { records: [], reconciled: { records: [], repositories: [], runs: 0, githubCalls: 0 } }
      : await pollRun(settings, clock)
    for (const [name, value] of Object.entries(pollOutputs(done))) core.setOutput(name, value)
    await appendSummary(pollSummary(done, actionTypeName(settings.actionType), settings.dryRun))
    const problems = [done.stopped, unreportedMessage([...done.records, ...done.reconciled.records])]
    if (problems.some(Boolean)) throw new DeliveryError(problems.filter(Boolean).join('\n'))
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
