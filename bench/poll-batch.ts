// The poll action's batch figure: 50 queued jobs acknowledged and dispatched against the emulator with 20 ms of
// added latency per call, handled concurrently (the action's default, max-concurrency 10) and one job at a time.
//
// "One job at a time" is the same bundle run with max-concurrency: 1. Everything else is identical: the process
// start, the OIDC → STS exchange, the single PollForJobs (max-batch-size 50 is within CodePipeline's 1-100, so
// one poll takes all 50), and per job one AcknowledgeJob and one dispatch. The difference between the two figures
// is therefore only what bounded concurrency saves: per-job round trips overlapping instead of adding up. A
// separate sequential implementation would measure a different program; a loop of 50 single-job polls would add
// 49 extra polls and process starts the concurrent run does not pay.
import { startEmulator } from '../emulator/index.ts'
import { runAction } from '../__tests__/e2e/harness.ts'

const JOBS = 50
const ROLE = 'arn:aws:iam::123456789012:role/github-codepipeline-poller'
const REPO = 'octo-org/octo-repo'

async function timedPoll(maxConcurrency?: number): Promise<number> {
  // A fresh emulator per measurement, so both start from the same 50 queued jobs and an empty request log.
  const emu = await startEmulator({ latencyMs: 20 })
  try {
    emu.sts.addRole({ arn: ROLE })
    emu.github.addRepo(REPO)
    emu.github.addWorkflow(REPO, { file: 'build.yml', inputs: { 'codepipeline-job-id': { required: true } } })
    for (let i = 0; i < JOBS; i++) {
      emu.codepipeline.queueJob({ configuration: { Repository: REPO, Workflow: 'build.yml', Ref: 'main' } })
    }
    const result = await runAction({
      action: 'poll/action.yml',
      githubToken: emu.github.token,
      inputs: {
        provider: 'GitHubActions',
        'role-to-assume': ROLE,
        'max-batch-size': String(JOBS),
        ...(maxConcurrency ? { 'max-concurrency': String(maxConcurrency) } : {})
      },
      env: emu.env
    })
    if (result.exitCode !== 0 || result.outputs.dispatched !== String(JOBS)) {
      throw new Error(
        `poll bench: expected ${JOBS} dispatched, got ${result.outputs.dispatched} (exit ${result.exitCode})\n${result.stdout}${result.stderr}`
      )
    }
    return result.durationMs
  } finally {
    await emu.close()
  }
}

export async function pollBatchBench(): Promise<{
  concurrentMs: number
  sequentialMs: number
  jobs: number
}> {
  const concurrentMs = await timedPoll()
  const sequentialMs = await timedPoll(1)
  return { concurrentMs: Math.round(concurrentMs), sequentialMs: Math.round(sequentialMs), jobs: JOBS }
}
