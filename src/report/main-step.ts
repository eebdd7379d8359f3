import * as core from '@actions/core'
import { ArtifactError } from '../artifacts/artifact-error.ts'
import { CodePipelineError, connectCodePipeline, type CodePipeline } from '../aws/codepipeline.ts'
import { describePlace } from '../aws/pipeline-context.ts'
import { DeliveryError, errorMessage, ForeignJobError, PipelineGaveUpError } from '../errors.ts'
import { runContext, type RunContext } from '../github/context.ts'
import { actionInput } from '../inputs.ts'
import { preloadArtifactCode, prepareArtifacts } from './artifacts.ts'
import { lookUpFate, when } from './job-fate.ts'
import { deliver, reportedProblem, verifiedJob, type VerifiedJob } from './deliver.ts'
import { isPermissionProblem, judgeRun, notFound, readJobs, readSettled } from './judge.ts'
import {
  findCurrentJob,
  fromStatus,
  judgeOtherJobs,
  judgeOwnSteps,
  notJudged,
  unfinishedJobs,
  type Outcome
} from '../outcome.ts'
import { quoteList } from '../messages.ts'
import { neutralize } from '../text.ts'
import type { ReportRecord } from './summary.ts'
import { parseReportSettings, type ReportSettings } from './settings.ts'
import { armPostStep } from './state.ts'

/** The main step: report now (explicit status, workflow) or check the set-up and leave the report to the post step. */
export async function runMainStep(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = parseReportSettings(actionInput, env)
  const run = runContext(env)
  if (settings.githubToken) core.setSecret(settings.githubToken)
  preloadArtifactCode(settings, 'main')

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
      core.info(neutralize(`Could not read this job's steps for the failure message: ${errorMessage(error)}`))
    }
  }
  await deliver(settings, run, outcome)
}

async function reportWorkflow(settings: ReportSettings, run: RunContext) {
  const outcome = await judgeRun(
    settings,
    run,
    (jobs, current) => (current ? unfinishedJobs(jobs, current) : ['this job']),
    ({ jobs, current, pending }) => {
      if (!current) return notFound(settings, run)
      if (!pending.length) return judgeOtherJobs(jobs, current)
      return notJudged(
        `job(s) ${quoteList(pending)} had not finished. Make this job depend on every other job with ` +
          '`needs:` and run it with `if: always()`',
        'ConfigurationError'
      )
    }
  )
  await deliver(settings, run, outcome)
}

/**
 * Proves before the build runs that the report at the end can be delivered: credentials, the job, read access
 * to this run's jobs, and output-artifacts against the job's output artifacts; then extracts the job's input
 * artifacts for the steps to come. A misconfiguration fails this first step; when AWS is reachable it is also
 * reported to CodePipeline at once, so the pipeline stops instead of waiting for a timeout.
 */
async function checkSetUp(settings: ReportSettings, run: RunContext) {
  if (settings.dryRun) {
    armPostStep()
    core.info('Dry run: inputs are valid; the post step will print the request it would send.')
    return
  }
  let codepipeline: CodePipeline | undefined
  let job: VerifiedJob
  let problem: Outcome | ArtifactError | undefined
  let record: ReportRecord | undefined
  try {
    codepipeline = await connectCodePipeline(settings.aws)
    job = await verifiedJob(codepipeline, settings, run)
    await refuseAbandoned(codepipeline, job, settings.jobId)
    problem = (await gitHubReadProblem(settings, run)) ?? (await prepareArtifacts(settings, job.data))
    if (problem) record = await deliver(settings, run, problem, { codepipeline, job })
  } catch (error) {
    throw waitingIfUnreported(error, settings.jobId)
  } finally {
    codepipeline?.destroy()
  }
  const reason = problem instanceof ArtifactError ? problem.message : problem?.unknown?.reason
  if (reason && record) throw reportedProblem(reason, record)
  armPostStep()
  const place = describePlace(job.pipeline)
  core.info(
    neutralize(
      `Set-up checked for CodePipeline job ${settings.jobId}${place ? ` (${place})` : ''}; the result is reported when this job ends.`
    )
  )
}

/** A job whose pipeline execution was already stopped is not worth building: the step ends before the build. */
async function refuseAbandoned(codepipeline: CodePipeline, job: VerifiedJob, jobId: string): Promise<void> {
  const fate = await lookUpFate(codepipeline, job.data, '')
  if (fate.kind !== 'abandoned') return
  const place = describePlace(job.pipeline)
  throw new PipelineGaveUpError(
    `CodePipeline job ${jobId}${place ? ` (${place})` : ''} was abandoned${when(fate.at)}: its pipeline execution ` +
      `${job.pipeline.pipelineExecutionId ?? ''} was stopped, so there is nothing to build or report. This job ` +
      'stops here.'
  )
}

/**
 * Why the post step could not judge this job, if that is already clear: a permission problem, or this job not
 * being found. A passing GitHub outage only warns: the post step reads again.
 */
async function gitHubReadProblem(settings: ReportSettings, run: RunContext): Promise<Outcome | undefined> {
  try {
    const { current } = await readSettled(settings, run, (_jobs, current) => (current ? [] : ['this job']))
    return current ? undefined : notFound(settings, run)
  } catch (error) {
    if (isPermissionProblem(error)) return notJudged(error.message, 'ConfigurationError')
    core.warning(
      `Could not check read access to this run's jobs now; the post step will try again: ${errorMessage(error)}`
    )
  }
  return undefined
}

/** Unless the job does not exist or the error already says so, say that the job is left waiting. */
function waitingIfUnreported(error: unknown, jobId: string): unknown {
  if (
    error instanceof DeliveryError ||
    error instanceof ForeignJobError ||
    error instanceof PipelineGaveUpError
  )
    return error
  if (error instanceof CodePipelineError && error.code === 'JobNotFoundException') return error
  return DeliveryError.leftWaiting(errorMessage(error), jobId, 'fix the set-up and re-run this job', {
    cause: error
  })
}
