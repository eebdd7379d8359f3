import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import { CodePipeline, CodePipelineError, type CodePipelineOptions } from '../../src/aws/codepipeline.ts'
import { USER_AGENT } from '../../src/transport/http.ts'
import { operations, recorders, settings, STATIC } from './fixtures.ts'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' } as const

let emu: Emulator
let rec: ReturnType<typeof recorders>
const clients: CodePipeline[] = []

beforeEach(async () => {
  emu = await startEmulator()
  emu.sts.addStaticCredentials(STATIC)
  rec = recorders()
})
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await emu.close()
})

function client(
  options: Partial<CodePipelineOptions> & { maxAttempts?: number; credentials?: typeof STATIC } = {}
) {
  const { maxAttempts, credentials = STATIC, ...rest } = options
  const made = new CodePipeline(settings(emu, maxAttempts ? { maxAttempts } : {}), credentials, {
    setSecret: rec.setSecret,
    sleep: rec.sleep,
    env: emu.env,
    ...rest
  })
  clients.push(made)
  return made
}

async function failure(call: Promise<unknown>): Promise<CodePipelineError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(CodePipelineError)
  return error as CodePipelineError
}

describe('operations against the emulator', () => {
  it('GetJobDetails returns the job data and masks its artifact credentials first', async () => {
    const job = emu.codepipeline.addJob({ pipelineName: 'web' })
    const data = await client().getJobDetails(job.id)
    expect(data.pipelineContext?.pipelineName).toBe('web')
    const { accessKeyId, secretAccessKey, sessionToken } = job.data.artifactCredentials
    expect(rec.secrets).toEqual([accessKeyId, secretAccessKey, sessionToken])
  })

  it('PutJobSuccessResult sends the input as given and returns the request ID', async () => {
    const job = emu.codepipeline.addJob()
    const input = {
      jobId: job.id,
      executionDetails: { summary: 'ok', externalExecutionId: '1658821493', percentComplete: 100 },
      outputVariables: { IMAGE: 'repo:tag' }
    }
    const requestId = await client().putJobSuccessResult(input)
    const [request] = emu.requests
    expect(requestId).toBe(request.requestId)
    expect(request.body).toEqual(input)
    expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
  })

  it('PutJobFailureResult records the failure and returns the request ID', async () => {
    const job = emu.codepipeline.addJob()
    const failureDetails = { type: 'JobFailed' as const, message: 'make test failed' }
    const requestId = await client().putJobFailureResult({ jobId: job.id, failureDetails })
    expect(requestId).toBe(emu.requests[0].requestId)
    expect(emu.codepipeline.job(job.id)?.results[0].request).toEqual({ jobId: job.id, failureDetails })
  })

  it('PollForJobs returns queued jobs with their nonce, masked; AcknowledgeJob takes one', async () => {
    const job = emu.codepipeline.queueJob()
    const cp = client()
    const jobs = await cp.pollForJobs({ actionTypeId: ACTION_TYPE, maxBatchSize: 5 })
    expect(jobs.map(j => j.id)).toEqual([job.id])
    expect(rec.secrets).toContain(job.data.artifactCredentials.secretAccessKey)
    expect(await cp.acknowledgeJob(job.id, jobs[0].nonce ?? '')).toBe('InProgress')
    expect(emu.codepipeline.job(job.id)?.acknowledgedBy).toBe(STATIC.accessKeyId)
  })

  it('speaks awsJson1_1: POST /, target, content type, signed headers, user agent, one kept-alive connection', async () => {
    const job = emu.codepipeline.addJob()
    const cp = client()
    await cp.getJobDetails(job.id)
    await cp.getJobDetails(job.id)
    const [first, second] = emu.requests
    expect(first).toMatchObject({ method: 'POST', path: '/', status: 200, body: { jobId: job.id } })
    expect(first.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodePipeline_20150709.GetJobDetails',
      'user-agent': USER_AGENT,
      connection: 'keep-alive'
    })
    expect(first.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${STATIC.accessKeyId}/\\d{8}/eu-west-1/codepipeline/aws4_request, ` +
          'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$'
      )
    )
    expect(second.status).toBe(200)
  })
})

describe('errors', () => {
  it.each([
    [
      'JobNotFoundException',
      (cp: CodePipeline) => cp.getJobDetails('00000000-0000-4000-8000-000000000000'),
      'CodePipeline has no job 00000000-0000-4000-8000-000000000000 in eu-west-1: check the job ID and aws-region.'
    ],
    [
      'ValidationException',
      (cp: CodePipeline) => cp.getJobDetails('not-a-job-id'),
      'The request was refused as invalid; it is not retried.'
    ],
    [
      'InvalidNonceException',
      (cp: CodePipeline) => cp.acknowledgeJob(emu.codepipeline.queueJob().id, 'stale'),
      'The request was refused as invalid; it is not retried.'
    ],
    [
      'ActionTypeNotFoundException',
      (cp: CodePipeline) => cp.pollForJobs({ actionTypeId: { ...ACTION_TYPE, provider: 'Nobody' } }),
      'The request was refused as invalid; it is not retried.'
    ],
    [
      'OutputVariablesSizeExceededException',
      (cp: CodePipeline) =>
        cp.putJobSuccessResult({
          jobId: emu.codepipeline.addJob().id,
          outputVariables: { A: 'x'.repeat(70_000), B: 'y'.repeat(70_000) }
        }),
      'The request was refused as invalid; it is not retried.'
    ]
  ])('%s is a CodePipelineError with that code, not retried', async (code, call, fix) => {
    const error = await failure(call(client()))
    expect(error.code).toBe(code)
    expect(error.message).toMatch(new RegExp(`^codepipeline:\\w+ failed \\(${code}: .+\\)\\. `))
    expect(error.message.endsWith(fix)).toBe(true)
    expect(emu.requests.filter(r => r.service === 'codepipeline')).toHaveLength(1)
    expect(rec.sleeps).toEqual([])
  })

  it('InvalidJobStateException says the job already has a result', async () => {
    const job = emu.codepipeline.addJob({ state: 'Succeeded' })
    const error = await failure(
      client().putJobFailureResult({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'm' } })
    )
    expect(error.code).toBe('InvalidJobStateException')
    expect(error.message).toBe(
      `codepipeline:PutJobFailureResult failed (InvalidJobStateException: The job ${job.id} is in state ` +
        `Succeeded and cannot accept a result.). Job ${job.id} already has a result (or has timed out).`
    )
  })

  it.each([
    ['server-error', true],
    ['drop', true],
    ['throttle', false]
  ] as const)(
    'after a %s, a refusal says whether an earlier attempt may have landed (%s)',
    async (kind, unanswered) => {
      const job = emu.codepipeline.addJob({ state: 'Succeeded' })
      emu.faults.add({ service: 'codepipeline', operation: 'PutJobFailureResult', kind })
      const error = await failure(
        client().putJobFailureResult({ jobId: job.id, failureDetails: { type: 'JobFailed', message: 'm' } })
      )
      expect([error.code, error.attempts, error.unanswered]).toEqual([
        'InvalidJobStateException',
        2,
        unanswered
      ])
    }
  )

  it('AccessDeniedException names the permission to add', async () => {
    emu.codepipeline.deny(STATIC.accessKeyId, 'GetJobDetails')
    const error = await failure(client().getJobDetails(emu.codepipeline.addJob().id))
    expect(error.code).toBe('AccessDeniedException')
    expect(error.message).toMatch(
      /is not authorized to perform: codepipeline:GetJobDetails.*\. Allow codepipeline:GetJobDetails in the IAM policy of the role this action uses\.$/
    )
  })

  it.each([
    ['a wrong secret', { ...STATIC, secretAccessKey: 'not-the-secret' }, 'InvalidSignatureException'],
    [
      'an unknown key',
      { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'unknown-secret' },
      'UnrecognizedClientException'
    ]
  ])(
    '%s is refused as bad credentials, once, and the secret is not quoted',
    async (_what, credentials, code) => {
      const error = await failure(client({ credentials }).getJobDetails(emu.codepipeline.addJob().id))
      expect(error.code).toBe(code)
      expect(error.message).toMatch(/The AWS credentials were refused: check role-to-assume/)
      expect(error.message).not.toContain(credentials.secretAccessKey)
      expect(emu.requests).toHaveLength(1)
    }
  )
})

describe('retries', () => {
  // Full jitter waits random() times the ceiling; pinned at one half, the ceilings show.
  beforeEach(() => void jest.spyOn(Math, 'random').mockReturnValue(0.5))
  afterEach(() => {
    jest.restoreAllMocks()
  })

  it.each([
    ['throttling', { kind: 'throttle' } as const, 500],
    ['a 500', { kind: 'server-error' } as const, 100],
    ['a 503', { kind: 'server-error', status: 503 } as const, 100],
    ['a dropped connection', { kind: 'drop' } as const, 100]
  ])('%s is retried after a full-jitter backoff, then the call succeeds', async (_what, fault, base) => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', operation: 'PutJobSuccessResult', ...fault })
    await client().putJobSuccessResult({ jobId: job.id })
    expect(emu.requests.map(r => r.fault)).toEqual([fault.kind, undefined])
    expect(emu.codepipeline.job(job.id)?.state).toBe('Succeeded')
    expect(rec.sleeps).toEqual([base / 2])
  })

  it('backoff ceilings double per attempt; max-attempts is honoured and named in the error', async () => {
    emu.faults.add({ service: 'codepipeline', kind: 'server-error', times: 10 })
    const error = await failure(client({ maxAttempts: 4 }).getJobDetails(emu.codepipeline.addJob().id))
    expect(operations(emu)).toHaveLength(4)
    expect(rec.sleeps).toEqual([50, 100, 200])
    expect(error.code).toBe('InternalFailure')
    expect(error.message).toBe(
      'codepipeline:GetJobDetails failed (InternalFailure: We encountered an internal error. Please try again.). ' +
        'Gave up after 4 attempts; CodePipeline or the network may be unavailable.'
    )
  })

  it('backoff stops growing at 20 s', async () => {
    emu.faults.add({ service: 'codepipeline', kind: 'throttle', times: 10 })
    await failure(client({ maxAttempts: 10 }).getJobDetails(emu.codepipeline.addJob().id))
    expect(rec.sleeps).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000])
  })

  it('max-attempts 1 never retries', async () => {
    emu.faults.add({ service: 'codepipeline', kind: 'throttle' })
    const error = await failure(client({ maxAttempts: 1 }).getJobDetails(emu.codepipeline.addJob().id))
    expect(error.code).toBe('ThrottlingException')
    expect(operations(emu)).toHaveLength(1)
  })

  it('an attempt without an answer in time is abandoned and retried', async () => {
    const job = emu.codepipeline.addJob()
    emu.faults.add({ service: 'codepipeline', operation: 'GetJobDetails', kind: 'delay', delayMs: 1000 })
    const started = Date.now()
    const data = await client({ timeoutMs: 150 }).getJobDetails(job.id)
    expect(Date.now() - started).toBeLessThan(900)
    expect(data.pipelineContext?.pipelineName).toBe('my-pipeline')
    expect(emu.requests.map(r => r.fault)).toEqual(['delay', undefined])
  })

  it('when every attempt times out, the error says so', async () => {
    emu.faults.add({ service: 'codepipeline', kind: 'delay', delayMs: 1000, times: 2 })
    const error = await failure(
      client({ timeoutMs: 100, maxAttempts: 2 }).getJobDetails(emu.codepipeline.addJob().id)
    )
    expect(error.code).toBe('TimeoutError')
    expect(error.message).toBe(
      'codepipeline:GetJobDetails failed (TimeoutError: no response within 0.1 s). ' +
        'Gave up after 2 attempts [ETIMEDOUT]; CodePipeline or the network may be unavailable.'
    )
  })

  it('a refused connection is retried, then reported with its code', async () => {
    const closed = await startEmulator()
    const env = { AWS_ENDPOINT_URL_CODEPIPELINE: closed.urls.codepipeline }
    await closed.close()
    const error = await failure(client({ env, maxAttempts: 2 }).getJobDetails(emu.codepipeline.addJob().id))
    expect(rec.sleeps).toHaveLength(1)
    expect(error.message).toMatch(/ECONNREFUSED.*Gave up after 2 attempts; CodePipeline or the network/)
  })
})

describe('clock skew', () => {
  const SLOW = 20 * 60 * 1000

  it('a signature refused for a skewed clock is corrected from the Date header and retried once, at once', async () => {
    const job = emu.codepipeline.addJob()
    const cp = client({ now: () => Date.now() - SLOW })
    await cp.getJobDetails(job.id)
    expect(operations(emu)).toEqual([
      ['GetJobDetails', 400, undefined],
      ['GetJobDetails', 200, undefined]
    ])
    expect(rec.sleeps).toEqual([])
    // The offset is kept: the next call is signed right the first time.
    await cp.getJobDetails(job.id)
    expect(emu.requests).toHaveLength(3)
  })

  it('a clock ahead of the server is corrected too', async () => {
    await client({ now: () => Date.now() + SLOW }).getJobDetails(emu.codepipeline.addJob().id)
    expect(operations(emu).map(([, status]) => status)).toEqual([400, 200])
  })
})
