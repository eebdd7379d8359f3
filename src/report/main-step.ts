import * as core from '../runner.ts'
import { connectCodePipeline } from '../aws/codepipeline.ts'
import { describePlace, pipelineContext } from '../aws/pipeline-context.ts'
import { UserError } from '../errors.ts'
import { runContext, type RunContext } from '../github/context.ts'
import { fromEnv } from '../inputs.ts'
import { credentialDeps, deliver } from './deliver.ts'
import { isPermissionProblem, judgeRun, readJobs } from './judge.ts'
import {
  findCurrentJob,
  fromStatus,
  judgeOtherJobs,
  judgeOwnSteps,
  notJudged,
  unfinishedJobs
} from '../outcome.ts'
import { parseReportSettings, type ReportSettings } from './settings.ts'
import { armPostStep } from './state.ts'

/** The main step: report now (explicit status, workflow) or check the set-up and leave the report to the post step. */
export async function runMainStep(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = parseReportSettings(fromEnv(env), env)
  const run = runContext(env)
  if (settings.githubToken) core.setSecret(settings.githubToken)

  switch (settings.status) {
    case 'job':
      return checkSetUp(settings, run)
    case 'workflow':
      return reportWorkflow(settings, run)
    default:
      return reportStatus(settings, run, settings.status)
  }
}

async function reportStatus(
  settings: ReportSettings,
  run: RunContext,
  status: 'success' | 'failure' | 'cancelled'
) {
  let outcome = fromStatus(status)
  if (!outcome.ok && !settings.message && settings.githubToken) {
    // Best effort: name the failed steps of this job; without actions: read the message is still useful.
    try {
      const current = findCurrentJob(await readJobs(settings, run), run.runnerName)
      if (current) outcome = { ...judgeOwnSteps(current), ok: false, cancelled: status === 'cancelled' }
    } catch (error) {
      core.info(`Could not read this job's steps for the failure message: ${(error as Error).message}`)
    }
  }
  await deliver(settings, run, outcome)
}

async function reportWorkflow(settings: ReportSettings, run: RunContext) {
  const outcome = await judgeRun(settings, run, (jobs, current) => {
    const unfinished = unfinishedJobs(jobs, current)
    if (unfinished.length) {
      core.warning(
        `status: workflow judges finished jobs only; still running: ${unfinished.join(', ')}. ` +
          'Make this job depend on the others with `needs:` and run it with `if: always()`.'
      )
    }
    return judgeOtherJobs(jobs, current)
  })
  await deliver(settings, run, outcome)
}

/**
 * Proves before the build runs that the report at the end can be delivered: credentials, the job, and read
 * access to this run's jobs. A misconfiguration fails this first step; when AWS is reachable it is also
 * reported to CodePipeline at once, so the pipeline stops instead of waiting for a timeout.
 */
async function checkSetUp(settings: ReportSettings, run: RunContext) {
  if (settings.dryRun) {
    armPostStep({})
    core.info('Dry run: inputs are valid; the post step will print the request it would send.')
    return
  }
  const codepipeline = await connectCodePipeline(settings.aws, credentialDeps)
  let pipeline
  try {
    pipeline = pipelineContext(await codepipeline.getJobDetails(settings.jobId))
    await readJobs(settings, run)
  } catch (error) {
    if (!isPermissionProblem(error)) {
      codepipeline.destroy()
      throw error
    }
    await deliver(settings, run, notJudged(error.message, 'ConfigurationError'), { codepipeline, pipeline })
    throw new UserError(`${error.message}\nReported to CodePipeline as a ConfigurationError.`)
  }
  codepipeline.destroy()
  armPostStep(pipeline)
  const place = describePlace(pipeline)
  core.info(
    `Set-up checked for CodePipeline job ${settings.jobId}${place ? ` (${place})` : ''}; the result is reported when this job ends.`
  )
}
