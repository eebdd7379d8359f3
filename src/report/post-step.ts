import * as core from '@actions/core'
import { runContext } from '../github/context.ts'
import { actionInput } from '../inputs.ts'
import { deliver } from './deliver.ts'
import { judgeRun, notFound } from './judge.ts'
import { judgeOwnSteps, notJudged, unsettledSteps } from '../outcome.ts'
import { quoteList } from '../messages.ts'
import { preloadArtifactCode } from './artifacts.ts'
import { parseReportSettings } from './settings.ts'
import { isArmed } from './state.ts'

/** The post step (post-if: always()): judges this job's steps and reports, when the main step armed it. */
export async function runPostStep(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!isArmed()) {
    // Explicit and workflow modes reported in the main step; a failed set-up check already said why.
    core.debug('Nothing to report in the post step.')
    return
  }
  const settings = parseReportSettings(actionInput, env)
  const run = runContext(env)
  core.setSecret(settings.githubToken)
  preloadArtifactCode(settings, 'post')
  const outcome = await judgeRun(
    settings,
    run,
    (_jobs, current) => (current ? unsettledSteps(current) : ['this job']),
    ({ current, pending }) => {
      if (!current) return notFound(settings, run)
      if (pending.length) {
        return notJudged(
          `GitHub still showed step(s) ${quoteList(pending)} of job "${current.name}" as unfinished`,
          'SystemUnavailable'
        )
      }
      return judgeOwnSteps(current)
    }
  )
  await deliver(settings, run, outcome)
}
