// The CodePipeline layer on the AWS SDK, against the emulator: what it sends, what it masks, how it explains
// refusals, and what it tells the caller about attempts that may have landed.
import { describe, expect, it } from '@jest/globals'
import { CodePipelineError, connectCodePipeline, type CodePipeline } from '../../src/aws/codepipeline.ts'
import type { AwsSettings } from '../../src/aws/settings.ts'
import { failure, success } from '../../src/job-result.ts'
import { operations, settings, STATIC, useEmulator } from './fixtures.ts'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' } as const
const { emulator, masked } = useEmulator()

function client(extra: Partial<AwsSettings> = {}, credentials = STATIC): Promise<CodePipeline> {
  emulator().sts.addStaticCredentials(STATIC)
  return connectCodePipeline(settings(emulator(), extra), credentials)
}

async function rejection(call: Promise<unknown>): Promise<CodePipelineError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(CodePipelineError)
  return error as CodePipelineError
}

describe('operations', () => {
  it('GetJobDetails returns the job data and masks its artifact credentials', async () => {
    const job = emulator().codepipeline.addJob({ pipelineName: 'web' })
    const data = await (await client()).getJobDetails(job.id)
    expect(data.pipelineContext?.pipelineName).toBe('web')
    const { accessKeyId, secretAccessKey, sessionToken } = job.data.artifactCredentials
    expect(masked()).toEqual(expect.arrayContaining([accessKeyId, secretAccessKey, sessionToken]))
  })

  it('a success is sent as built and returns the request ID; the request is SigV4-signed awsJson1_1', async () => {
    const job = emulator().codepipeline.addJob()
    const result = success(job.id, { summary: 'ok', externalExecutionId: '1658821493', percentComplete: 100 })
    const requestId = await (await client()).putJobResult(result)
    const [request] = emulator().requests
    expect(requestId).toBe(request.requestId)
    expect(request.body).toEqual(result.input)
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodePipeline_20150709.PutJobSuccessResult'
    })
    expect(request.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${STATIC.accessKeyId}/\\d{8}/eu-west-1/codepipeline/aws4_request`
      )
    )
    expect(emulator().codepipeline.job(job.id)?.state).toBe('Succeeded')
  })

  it('a failure records the failure details', async () => {
    const job = emulator().codepipeline.addJob()
    await (await client()).putJobResult(failure(job.id, 'JobFailed', 'make test failed'))
    expect(emulator().codepipeline.job(job.id)?.results[0].request).toEqual({
      jobId: job.id,
      failureDetails: { type: 'JobFailed', message: 'make test failed' }
    })
  })

  it('PollForJobs returns queued jobs with their nonce, masked; AcknowledgeJob takes one', async () => {
    const job = emulator().codepipeline.queueJob()
    const cp = await client()
    const jobs = await cp.pollForJobs({ actionTypeId: ACTION_TYPE, maxBatchSize: 5 })
    expect(jobs.map(j => j.id)).toEqual([job.id])
    expect(masked()).toContain(job.data.artifactCredentials.secretAccessKey)
    expect(await cp.acknowledgeJob(job.id, jobs[0].nonce ?? '')).toBe('InProgress')
    expect(emulator().codepipeline.job(job.id)?.acknowledgedBy).toBe(STATIC.accessKeyId)
  })
})

describe('errors say what to fix', () => {
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
      'ActionTypeNotFoundException',
      (cp: CodePipeline) => cp.pollForJobs({ actionTypeId: { ...ACTION_TYPE, provider: 'Nobody' } }),
      'The request was refused as invalid; it is not retried.'
    ]
  ])('%s is sent once and explained', async (code, call, fix) => {
    const error = await rejection(call(await client()))
    expect(error.code).toBe(code)
    expect(error.message).toContain(fix)
    expect(emulator().requests).toHaveLength(1)
  })

  it('InvalidJobStateException says the job already has a result', async () => {
    const job = emulator().codepipeline.addJob()
    const cp = await client()
    await cp.putJobResult(success(job.id, { summary: 'ok' }))
    const error = await rejection(cp.putJobResult(failure(job.id, 'JobFailed', 'late')))
    expect([error.code, error.unanswered]).toEqual(['InvalidJobStateException', false])
    expect(error.message).toContain(`Job ${job.id} already has a result (or has timed out).`)
  })

  it('AccessDeniedException names the permission to add', async () => {
    emulator().codepipeline.deny(STATIC.accessKeyId, 'GetJobDetails')
    const error = await rejection((await client()).getJobDetails(emulator().codepipeline.addJob().id))
    expect(error.code).toBe('AccessDeniedException')
    expect(error.message).toContain(
      'Allow codepipeline:GetJobDetails in the IAM policy of the role this action uses.'
    )
  })

  it('a wrong secret is refused as bad credentials, once, and the secret is not quoted', async () => {
    const wrong = { ...STATIC, secretAccessKey: 'not-the-secret' }
    const error = await rejection(
      (await client({}, wrong)).getJobDetails(emulator().codepipeline.addJob().id)
    )
    expect(error.code).toBe('InvalidSignatureException')
    expect(error.message).toContain('The AWS credentials were refused: check role-to-assume')
    expect(error.message).not.toContain(wrong.secretAccessKey)
    expect(emulator().requests).toHaveLength(1)
  })
})

describe('retries (the SDK standard mode) and what they tell the caller', () => {
  it.each([
    ['throttling', { kind: 'throttle' } as const],
    ['a 503', { kind: 'server-error', status: 503 } as const],
    ['a dropped connection', { kind: 'drop' } as const]
  ])('%s is retried and the call succeeds', async (_what, fault) => {
    const job = emulator().codepipeline.addJob()
    emulator().faults.add({ service: 'codepipeline', operation: 'PutJobSuccessResult', ...fault })
    await (await client()).putJobResult(success(job.id, { summary: 'ok' }))
    expect(emulator().requests.map(r => r.fault)).toEqual([fault.kind, undefined])
    expect(emulator().codepipeline.job(job.id)?.state).toBe('Succeeded')
  })

  it('max-attempts bounds the attempts and is named in the error', async () => {
    emulator().faults.add({ service: 'codepipeline', kind: 'server-error', times: 10 })
    const error = await rejection(
      (await client({ maxAttempts: 2 })).getJobDetails(emulator().codepipeline.addJob().id)
    )
    expect(operations(emulator())).toHaveLength(2)
    expect(error.attempts).toBe(2)
    expect(error.message).toMatch(
      /Gave up after 2 attempts; CodePipeline or the network may be unavailable\.$/
    )
  })

  it('max-attempts 1 never retries', async () => {
    emulator().faults.add({ service: 'codepipeline', kind: 'throttle' })
    await rejection((await client({ maxAttempts: 1 })).getJobDetails(emulator().codepipeline.addJob().id))
    expect(operations(emulator())).toHaveLength(1)
  })

  it('a result whose first attempt got a 5xx and whose retry meets a result: "may have landed"', async () => {
    const job = emulator().codepipeline.addJob()
    // The 500 comes after CodePipeline recorded the result: the retry then finds the job answered.
    emulator().faults.add({ service: 'codepipeline', operation: 'PutJobFailureResult', kind: 'server-error' })
    emulator().codepipeline.timeOut(job.id)
    const error = await rejection((await client()).putJobResult(failure(job.id, 'JobFailed', 'x')))
    expect([error.code, error.attempts, error.unanswered]).toEqual(['InvalidJobStateException', 2, true])
  })

  it('throttling before a refusal never counts as "may have landed": CodePipeline did nothing', async () => {
    const job = emulator().codepipeline.addJob()
    emulator().faults.add({ service: 'codepipeline', operation: 'PutJobFailureResult', kind: 'throttle' })
    emulator().codepipeline.timeOut(job.id)
    const error = await rejection((await client()).putJobResult(failure(job.id, 'JobFailed', 'x')))
    expect([error.code, error.attempts, error.unanswered]).toEqual(['InvalidJobStateException', 2, false])
  })

  it('an endpoint whose host does not exist says to check aws-region and the endpoint, not the network', async () => {
    // A label over 63 characters: the resolver refuses it without asking any DNS server.
    process.env.AWS_ENDPOINT_URL_CODEPIPELINE = `https://${'x'.repeat(64)}.example`
    const error = await rejection((await client({ region: 'eu-wset-1' })).getJobDetails('job-1'))
    expect(error.message).toMatch(
      /^codepipeline:GetJobDetails failed \(.*getaddrinfo ENOTFOUND x{64}\.example\)\. x{64}\.example does not exist \(DNS has no such name\), so nothing was sent: check that aws-region "eu-wset-1" is an AWS region \(e\.g\. eu-west-1\), and AWS_ENDPOINT_URL_CODEPIPELINE or AWS_ENDPOINT_URL if either is set\.$/
    )
    expect(error.message).not.toContain('network')
    expect(error.unanswered).toBe(false)
  })

  it('a refused connection is retried, then reported with its code and never as "may have landed"', async () => {
    process.env.AWS_ENDPOINT_URL_CODEPIPELINE = 'http://127.0.0.1:9'
    const error = await rejection(
      (await client({ maxAttempts: 2 })).getJobDetails(emulator().codepipeline.addJob().id)
    )
    expect(error.message).toContain('ECONNREFUSED')
    expect([error.attempts, error.unanswered]).toEqual([2, false])
  })
})
