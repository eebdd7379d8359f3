import { expect, test } from '@jest/globals'
import { CodePipelineError } from '../../src/aws/codepipeline.ts'
import type { GitHubClient } from '../../src/github/client.ts'
import type { JobPlan } from '../../src/poll/job.ts'
import type { JobResult } from '../../src/job-result.ts'
import { handleJob, type WorkerDeps } from '../../src/poll/worker.ts'
import { parseAllowedTargets } from '../../src/poll/allowed-targets.ts'
import { StopGate } from '../../src/poll/stop-gate.ts'

const JOB = '0123abcd-4567-89ab-cdef-0123456789ab'
const plan: JobPlan = {
  jobId: JOB,
  nonce: 'n1',
  pipeline: { pipelineName: 'web', stageName: 'Build', actionName: 'Compile' },
  repository: 'octo-org/app',
  workflow: 'build.yml',
  action: {
    kind: 'dispatch',
    target: { owner: 'octo-org', repo: 'app', workflow: 'build.yml', inputs: { 'codepipeline-job-id': JOB } }
  }
}

/** GitHub answering a dispatch with `dispatchStatus` (200 with run details, or 204 without). */
function gitHub(dispatchStatus: 200 | 204): { client: GitHubClient; calls: string[] } {
  const calls: string[] = []
  const octokit = {
    rest: {
      actions: {
        createWorkflowDispatch: async () =>
          dispatchStatus === 200
            ? {
                status: 200,
                data: { workflow_run_id: 77, html_url: 'https://github.com/octo-org/app/actions/runs/77' }
              }
            : { status: 204, data: undefined }
      },
      repos: { get: async () => ({ data: { default_branch: 'trunk' } }) }
    }
  }
  const client = {
    octokit,
    call: async (what: string, send: (o: unknown) => Promise<unknown>) => {
      calls.push(what)
      return send(octokit)
    }
  } as unknown as GitHubClient
  return { client, calls }
}

/** A gate whose stop failures are recorded instead of sent. */
function gate(stopFailures: string[] = []): StopGate {
  return new StopGate(async plan => (stopFailures.push(plan.jobId), true))
}

function deps(over: Partial<WorkerDeps> & { ack?: () => Promise<string>; put?: () => Promise<string> } = {}) {
  const sent: JobResult[] = []
  const { client } = gitHub(200)
  const d: WorkerDeps = {
    codepipeline: {
      acknowledgeJob: over.ack ?? (async () => 'InProgress'),
      putJobResult: async result => {
        sent.push(result)
        return over.put ? over.put() : 'req-1'
      }
    },
    github: async () => client,
    defaultBranch: async () => 'trunk',
    mode: 'dispatch',
    jobIdInput: 'codepipeline-job-id',
    allowedTargets: parseAllowedTargets('octo-org/*', 'octo-org/pipelines'),
    gate: gate(),
    ...over
  }
  return { deps: d, sent }
}

test('dispatch mode: acknowledged, started on the default branch, nothing reported (the workflow reports)', async () => {
  const { deps: d, sent } = deps()
  expect(await handleJob(plan, d)).toEqual({
    jobId: JOB,
    pipeline: plan.pipeline,
    repository: 'octo-org/app',
    workflow: 'build.yml',
    ref: 'trunk',
    runId: 77,
    runUrl: 'https://github.com/octo-org/app/actions/runs/77',
    result: 'dispatched',
    detail: 'started https://github.com/octo-org/app/actions/runs/77'
  })
  expect(sent).toEqual([])
})

test('a job another worker holds is left alone, before any GitHub call', async () => {
  let asked = false
  const github = async () => {
    asked = true
    return gitHub(200).client
  }
  const nonce = deps({
    github,
    ack: async () => {
      throw new CodePipelineError('bad nonce', 'InvalidNonceException')
    }
  })
  expect(await handleJob(plan, nonce.deps)).toMatchObject({
    result: 'skipped',
    detail: expect.stringContaining('another worker took it')
  })
  const status = deps({ github, ack: async () => 'Succeeded' })
  expect(await handleJob(plan, status.deps)).toMatchObject({
    result: 'skipped',
    detail: 'another worker has it (job status Succeeded)'
  })
  expect(asked).toBe(false)
  expect([...nonce.sent, ...status.sent]).toEqual([])
})

test('a spent nonce after a retried acknowledgement may be our own lost answer: the job is named, not skipped', async () => {
  let asked = false
  const { deps: d, sent } = deps({
    github: async () => {
      asked = true
      return gitHub(200).client
    },
    ack: async () => {
      throw new CodePipelineError('bad nonce', 'InvalidNonceException', { attempts: 3, unanswered: true })
    }
  })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'unreported',
    detail: expect.stringMatching(
      /^the acknowledgement took 3 attempts and the last found the nonce used: the first attempt's answer was lost, so the job may be ours and waiting, acknowledged but not started \(or another worker took it\)$/
    )
  })
  // Nothing is started on a guess: the job is left for the user (the step fails and names it).
  expect(asked).toBe(false)
  expect(sent).toEqual([])
})

test("a spent nonce after retries that never reached CodePipeline (throttled, refused) is another worker's", async () => {
  const { deps: d, sent } = deps({
    ack: async () => {
      throw new CodePipelineError('bad nonce', 'InvalidNonceException', { attempts: 3, unanswered: false })
    }
  })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'skipped',
    detail: 'another worker took it (its nonce is no longer valid)'
  })
  expect(sent).toEqual([])
})

test('an acknowledgement that fails for another reason leaves the job waiting, unstarted', async () => {
  const { deps: d } = deps({
    ack: async () => {
      throw new CodePipelineError(
        'Allow codepipeline:AcknowledgeJob in the IAM policy',
        'AccessDeniedException'
      )
    }
  })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'unreported',
    detail:
      'could not acknowledge it, so it was not started: Allow codepipeline:AcknowledgeJob in the IAM policy'
  })
})

test('GitHub without run details: fine in dispatch mode, a ConfigurationError in track mode', async () => {
  const { client } = gitHub(204)
  const dispatch = deps({ github: async () => client })
  const record = await handleJob(plan, dispatch.deps)
  expect(record).toMatchObject({ result: 'dispatched', detail: 'started (GitHub did not return the run)' })
  expect(record).not.toHaveProperty('runId')
  const track = deps({ github: async () => client, mode: 'track' })
  expect(await handleJob(plan, track.deps)).toMatchObject({ result: 'failed' })
  expect(track.sent[0]).toMatchObject({
    kind: 'failure',
    input: { failureDetails: { type: 'ConfigurationError' } }
  })
})

test('track mode: the start is reported as a success with the continuation token', async () => {
  const { deps: d, sent } = deps({ mode: 'track' })
  const record = await handleJob(plan, d)
  expect(record).toMatchObject({
    result: 'dispatched',
    runId: 77,
    detail: expect.stringContaining('Started GitHub workflow build.yml')
  })
  expect(sent).toEqual([
    {
      kind: 'success',
      input: expect.objectContaining({ jobId: JOB, continuationToken: 'gha-run:1:octo-org/app:77' })
    }
  ])
})

test('a job that already has a result is a warning, not a failure of the step', async () => {
  const { deps: d } = deps({
    mode: 'track',
    put: async () => {
      throw new CodePipelineError('already has a result', 'InvalidJobStateException')
    }
  })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'already-reported',
    detail: expect.stringMatching(/^the job already had a result; not sent: Started GitHub workflow/)
  })
})

test('a result that cannot be delivered leaves the job waiting and says what it would have said', async () => {
  const rejected: JobPlan = {
    ...plan,
    action: { kind: 'reject', message: 'The Inputs property is not valid JSON' }
  }
  const { deps: d } = deps({
    put: async () => {
      throw new CodePipelineError('Gave up after 5 attempts', 'InternalFailure')
    }
  })
  expect(await handleJob(rejected, d)).toMatchObject({
    result: 'unreported',
    detail:
      'PutJobFailureResult failed: Gave up after 5 attempts (it would say ConfigurationError: The Inputs property is not valid JSON)'
  })
})

test('an unexpected error still answers the job', async () => {
  const { deps: d, sent } = deps({
    github: async () => {
      throw new TypeError('boom')
    }
  })
  expect(await handleJob(plan, d)).toMatchObject({ result: 'failed' })
  expect(sent[0]).toMatchObject({
    input: { failureDetails: { type: 'JobFailed', message: 'The poll action failed: boom' } }
  })
})

test('when the role session is about to end, the job is left queued for the next poll, not acknowledged', async () => {
  let acknowledged = false
  const { deps: d, sent } = deps({
    ack: async () => {
      acknowledged = true
      return 'InProgress'
    },
    acknowledgeUntil: 1_000,
    now: () => 2_000
  })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'skipped',
    detail: 'left for the next poll: the role session ends too soon to take it'
  })
  expect([acknowledged, sent]).toEqual([false, []])
})

// A stop signal at each point of one job's life: the job ends with exactly one outcome, or none if not taken.

test('stopped before the acknowledgement: the job is left queued, nothing is sent', async () => {
  let acknowledged = false
  const g = gate()
  g.stop('SIGTERM')
  const { deps: d, sent } = deps({ gate: g, ack: async () => ((acknowledged = true), 'InProgress') })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'skipped',
    detail: 'left queued for the next poll: the poller was stopped (SIGTERM)'
  })
  expect([acknowledged, sent, g.failedJobs()]).toEqual([false, [], []])
})

test('stopped while the acknowledgement is in flight: the gate fails the job once, nothing is started', async () => {
  const failures: string[] = []
  const g = gate(failures)
  const { client, calls } = gitHub(200)
  const { deps: d, sent } = deps({
    gate: g,
    github: async () => client,
    ack: async () => (g.stop('SIGINT'), 'InProgress')
  })
  expect(await handleJob(plan, d)).toMatchObject({
    result: 'failed',
    detail: 'the poller was stopped (SIGINT) before starting it: failed as SystemUnavailable'
  })
  expect([failures, calls, sent]).toEqual([[JOB], [], []])
})

test('stopped while the job is held (reading the default branch): failed once by the gate, never dispatched', async () => {
  const failures: string[] = []
  const g = gate(failures)
  const { client, calls } = gitHub(200)
  const { deps: d, sent } = deps({
    gate: g,
    github: async () => client,
    defaultBranch: async () => (g.stop('SIGTERM'), 'trunk')
  })
  expect(await handleJob(plan, d)).toMatchObject({ result: 'failed' })
  expect(failures).toEqual([JOB])
  expect(calls.filter(c => c.startsWith('start workflow'))).toEqual([])
  expect(sent).toEqual([])
})

/** A GitHub client whose dispatch succeeds, with the stop arriving right after it was sent. */
function stopsAfterDispatch(g: StopGate): GitHubClient {
  const { client } = gitHub(200)
  return {
    ...client,
    call: async (what: string, send: (o: unknown) => Promise<unknown>) => {
      const answer = await client.call(what, send as never)
      if (what.startsWith('start workflow')) g.stop('SIGTERM')
      return answer
    }
  } as GitHubClient
}

test("stopped after the dispatch was sent: the job is its workflow's, the gate does not fail it", async () => {
  const failures: string[] = []
  const g = gate(failures)
  const dispatching = stopsAfterDispatch(g)
  const { deps: d, sent } = deps({ gate: g, github: async () => dispatching })
  expect(await handleJob(plan, d)).toMatchObject({ result: 'dispatched', runId: 77 })
  expect([failures, sent]).toEqual([[], []])
})

test('track mode stopped after the dispatch: the start (with its continuation token) is still sent, once', async () => {
  const failures: string[] = []
  const g = gate(failures)
  const dispatching = stopsAfterDispatch(g)
  const { deps: d, sent } = deps({ gate: g, mode: 'track', github: async () => dispatching })
  expect(await handleJob(plan, d)).toMatchObject({ result: 'dispatched' })
  expect(failures).toEqual([])
  expect(sent).toEqual([
    { kind: 'success', input: expect.objectContaining({ continuationToken: 'gha-run:1:octo-org/app:77' }) }
  ])
})

test('a rejected job stopped before its failure is sent is failed by the gate only: one answer', async () => {
  const failures: string[] = []
  const g = gate(failures)
  const rejected: JobPlan = { ...plan, action: { kind: 'reject', message: 'bad Inputs' } }
  const { deps: d, sent } = deps({ gate: g, ack: async () => 'InProgress' })
  const record = handleJob(rejected, d)
  g.stop('SIGTERM') // while the acknowledgement is awaited
  expect(await record).toMatchObject({ result: 'failed' })
  expect([failures, sent]).toEqual([[JOB], []])
})
