import type { Job } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { connectCodePipeline, type CodePipeline } from '../aws/codepipeline.ts'
import { renewing, resolveCredentials, type AwsCredentials } from '../aws/credentials.ts'
import { connectGitHub, type GitHubClient } from '../github/client.ts'
import { defaultBranch } from '../github/dispatch.ts'
import { mapLimited } from './batch.ts'
import { planJob } from './job.ts'
import { logRecord } from './log-record.ts'
import { actionTypeName, pollForJobs, type Clock } from './poll-jobs.ts'
import { reconcile, type Reconciled } from './reconcile.ts'
import type { PollSettings } from './settings.ts'
import type { StopGate } from './stop-gate.ts'
import { stopMessage, watchForStop } from './stop-signal.ts'
import { handleJob, type JobRecord, type WorkerDeps } from './worker.ts'

// One poll run, in the order users feel it: the queued jobs first (their pipelines wait), then the runs earlier
// polls started. A stop signal ends both at once (stop-gate.ts).

/** What the run did; `stopped` is the step's error when a stop signal cut it short. */
export interface PollRun {
  records: JobRecord[]
  reconciled: Reconciled
  stopped?: string
}

// Acknowledging takes a job for good: only do it while the session can still answer it without renewing.
const ACKNOWLEDGE_MARGIN_MS = 60_000

export async function pollRun(settings: PollSettings, clock: Clock): Promise<PollRun> {
  const session = await resolveCredentials(settings.aws)
  // The SDK asks again when the session is within minutes of its end: a slow batch re-assumes the role.
  const codepipeline = await connectCodePipeline(settings.aws, renewing(settings.aws, session))
  const { gate, release } = watchForStop(codepipeline)
  // Connected on first use, so a poll without jobs or runs to look at never loads Octokit.
  const github = once(() =>
    connectGitHub(settings.githubToken, settings.apiUrl, settings.aws.maxAttempts, clock.sleep)
  )
  try {
    // A run the stop rule woke is about the stop: it polls once, without waiting for jobs.
    const waitSeconds = settings.reconcile.stopped ? 0 : settings.waitSeconds
    const jobs = await pollForJobs(codepipeline, { ...settings, waitSeconds }, clock, gate)
    const type = actionTypeName(settings.actionType)
    if (jobs.length) core.info(`Polled ${jobs.length} job(s) for ${type}.`)
    else core.info(`No CodePipeline jobs were waiting for ${type}.`)
    const records = jobs.length
      ? await answerJobs(jobs, settings, { codepipeline, github, session, clock, gate })
      : []
    const reconciled = await reconcile({ codepipeline, github, settings, gate, now: clock.now }, records)
    await gate.settled()
    return { records, reconciled, ...(gate.stoppedBy ? { stopped: stopMessage(gate) } : {}) }
  } finally {
    release()
    codepipeline.destroy()
  }
}

interface Connections {
  codepipeline: CodePipeline
  github: () => Promise<GitHubClient>
  session: AwsCredentials
  clock: Clock
  gate: StopGate
}

/** Each polled job acknowledged, started (or followed) and answered, max-concurrency at a time. */
async function answerJobs(jobs: Job[], settings: PollSettings, c: Connections): Promise<JobRecord[]> {
  const deps: WorkerDeps = {
    codepipeline: c.codepipeline,
    github: c.github,
    defaultBranch: cachedDefaultBranch(),
    mode: settings.mode,
    jobIdInput: settings.jobIdInput,
    allowedTargets: settings.allowedTargets,
    acknowledgeUntil: c.session.expiration && c.session.expiration.getTime() - ACKNOWLEDGE_MARGIN_MS,
    now: c.clock.now,
    gate: c.gate
  }
  return mapLimited(jobs, settings.maxConcurrency, async job => {
    const record = await handleJob(planJob(job, settings), deps)
    logRecord(record)
    return record
  })
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
