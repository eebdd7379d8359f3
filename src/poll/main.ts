import * as core from '@actions/core'
import { connectCodePipeline } from '../aws/codepipeline.ts'
import { renewing, resolveCredentials } from '../aws/credentials.ts'
import { DeliveryError, errorMessage } from '../errors.ts'
import { appendSummary } from '../job-summary.ts'
import { proxySecrets } from '../proxy-env.ts'
import { neutralize } from '../text.ts'
import { failHeldJobsOnStop } from './stop-signal.ts'
import { connectGitHub, type GitHubClient } from '../github/client.ts'
import { runContext } from '../github/context.ts'
import { defaultBranch } from '../github/dispatch.ts'
import { actionInput } from '../inputs.ts'
import { sleep } from '../sleep.ts'
import { mapLimited } from './batch.ts'
import { planJob, type JobPlan } from './job.ts'
import { actionTypeName, pollForJobs, pollRequest, type Clock } from './poll-jobs.ts'
import { parsePollSettings, type PollSettings } from './settings.ts'
import { logLine, pollOutputs, pollSummary, unreportedMessage } from './summary.ts'
import { handleJob, type JobRecord, type WorkerDeps } from './worker.ts'

/** Poll once (or for wait-seconds), answer every job, publish what happened; fail only for a job left waiting. */
export async function run(env: NodeJS.ProcessEnv = process.env, clock: Clock = { now: Date.now, sleep }) {
  for (const secret of proxySecrets()) core.setSecret(secret)
  try {
    const settings = parsePollSettings(actionInput, env, runContext(env))
    core.setSecret(settings.githubToken)
    if (settings.dryRun) {
      core.info(`Dry run: would call PollForJobs with\n${JSON.stringify(pollRequest(settings), null, 2)}`)
    }
    const records = settings.dryRun ? [] : await pollAndAnswer(settings, clock)
    for (const [name, value] of Object.entries(pollOutputs(records))) core.setOutput(name, value)
    await appendSummary(pollSummary(records, actionTypeName(settings.actionType), settings.dryRun))
    const unreported = unreportedMessage(records)
    if (unreported) throw new DeliveryError(unreported)
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

// Acknowledging takes a job for good: only do it while the session can still answer it without renewing.
const ACKNOWLEDGE_MARGIN_MS = 60_000

async function pollAndAnswer(settings: PollSettings, clock: Clock): Promise<JobRecord[]> {
  const session = await resolveCredentials(settings.aws)
  // The SDK asks again when the session is within minutes of its end: a slow batch re-assumes the role.
  const codepipeline = await connectCodePipeline(settings.aws, renewing(settings.aws, session))
  const held = new Map<string, JobPlan>()
  const stopWatching = failHeldJobsOnStop(held, codepipeline)
  try {
    const jobs = await pollForJobs(codepipeline, settings, clock)
    if (!jobs.length) {
      core.info(`No CodePipeline jobs were waiting for ${actionTypeName(settings.actionType)}.`)
      return []
    }
    core.info(`Polled ${jobs.length} job(s) for ${actionTypeName(settings.actionType)}.`)
    const deps: WorkerDeps = {
      codepipeline,
      github: once(() =>
        connectGitHub(settings.githubToken, settings.apiUrl, settings.aws.maxAttempts, clock.sleep)
      ),
      defaultBranch: cachedDefaultBranch(),
      mode: settings.mode,
      jobIdInput: settings.jobIdInput,
      allowedTargets: settings.allowedTargets,
      acknowledgeUntil: session.expiration && session.expiration.getTime() - ACKNOWLEDGE_MARGIN_MS,
      now: clock.now,
      held
    }
    return await mapLimited(jobs, settings.maxConcurrency, async job => {
      const record = await handleJob(planJob(job, settings), deps)
      log(record)
      return record
    })
  } finally {
    stopWatching()
    codepipeline.destroy()
  }
}

function log(record: JobRecord): void {
  const line = logLine(record)
  if (record.result === 'unreported') core.error(line)
  else if (record.result === 'failed' || record.result === 'already-reported') core.warning(line)
  else core.info(neutralize(line))
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => (made ??= make())
}

function cachedDefaultBranch(): WorkerDeps['defaultBranch'] {
  const branches = new Map<string, Promise<string>>()
  return (github: GitHubClient, repository) => {
    const key = `${repository.owner}/${repository.repo}`.toLowerCase()
    let branch = branches.get(key)
    if (!branch) branches.set(key, (branch = defaultBranch(github, repository)))
    return branch
  }
}
