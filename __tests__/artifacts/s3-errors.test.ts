import { describe, expect, it } from '@jest/globals'
import { explainS3Error, type S3Context } from '../../src/artifacts/s3-errors.ts'
import { UserError } from '../../src/errors.ts'

const upload: S3Context = {
  action: 'upload',
  subject: 'Output artifact "BuildOutput" (from dist)',
  bucket: 'codepipeline-eu-west-1-123456789012',
  key: 'my-pipeline/BuildOutpu/AbC123x',
  region: 'eu-west-1'
}
const download: S3Context = { ...upload, action: 'download', subject: 'Input artifact "SourceArtifact"' }
const URL = 's3://codepipeline-eu-west-1-123456789012/my-pipeline/BuildOutpu/AbC123x'

/** An error as the SDK throws it after its retries. */
const s3Error = (name: string, message: string, status?: number, attempts = 1) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts } })

describe('explainS3Error', () => {
  it('calls an outage after retries SystemUnavailable, with the attempts', () => {
    const e = explainS3Error(
      s3Error('InternalError', 'We encountered an internal error. Please try again.', 500, 5),
      upload
    )
    expect(e.failureType).toBe('SystemUnavailable')
    expect(e.message).toBe(
      `Output artifact "BuildOutput" (from dist) could not be uploaded to ${URL} (InternalError: We encountered ` +
        'an internal error. Please try again). S3 did not take the request after 5 attempts; S3 or the network ' +
        'may be unavailable. Re-run the job when it is back (max-attempts sets how often each request is tried).'
    )
    expect(
      explainS3Error(s3Error('SlowDown', 'Please reduce your request rate.', 503), upload).failureType
    ).toBe('SystemUnavailable')
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    expect(explainS3Error(network, download).failureType).toBe('SystemUnavailable')
  })

  it('an object replaced mid-download (412 on If-Match) is SystemUnavailable and says to re-run', () => {
    const e = explainS3Error(
      s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412),
      download
    )
    expect(e.failureType).toBe('SystemUnavailable')
    expect(e.message).toContain(
      'The object was replaced in the artifact store while this action read or copied it; re-run the job.'
    )
  })

  it('a host that does not exist is a configuration error naming the region and the endpoint variables', () => {
    const host = 'codepipeline-eu-west-1-123456789012.s3.eu-wset-1.amazonaws.com'
    const notFound = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
      code: 'ENOTFOUND',
      hostname: host
    })
    const e = explainS3Error(notFound, { ...download, region: 'eu-wset-1' })
    expect(e.failureType).toBe('ConfigurationError')
    expect(e.message).toBe(
      `Input artifact "SourceArtifact" could not be downloaded from ${URL} (Error: getaddrinfo ENOTFOUND ${host}). ` +
        `${host} does not exist (DNS has no such name), so nothing was sent: check that aws-region "eu-wset-1" ` +
        'is an AWS region (e.g. eu-west-1), and AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL if either is set.'
    )
  })

  it("explains AccessDenied: the credentials are the pipeline service role's, so the bucket or key policy must allow it", () => {
    const e = explainS3Error(s3Error('AccessDenied', 'Access Denied', 403), {
      ...upload,
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k1'
    })
    expect(e.failureType).toBe('PermissionError')
    expect(e.message).toBe(
      `Output artifact "BuildOutput" (from dist) could not be uploaded to ${URL} (AccessDenied: Access Denied). ` +
        "The job's artifact credentials are CodePipeline's (a session of the pipeline's service role), not this " +
        "action's role: the pipeline's service role needs s3:PutObject on the bucket, and kms:GenerateDataKey on " +
        'the KMS key arn:aws:kms:eu-west-1:123456789012:key/k1, and neither the bucket policy nor the key policy ' +
        'may deny it.'
    )
    expect(explainS3Error(s3Error('AccessDenied', 'Access Denied', 403), download).message).toContain(
      "needs s3:GetObject on the bucket, and kms:Decrypt on the artifact store's KMS key"
    )
  })

  it('names the artifact and the key of a missing input', () => {
    const e = explainS3Error(s3Error('NoSuchKey', 'The specified key does not exist.', 404), download)
    expect(e.failureType).toBe('ConfigurationError')
    expect(e.message).toMatch(
      new RegExp(
        `^Input artifact "SourceArtifact" could not be downloaded from ${URL} \\(NoSuchKey: The specified key does not exist\\)\\. The artifact is not in the artifact store`
      )
    )
  })

  it.each([
    [
      'ExpiredToken',
      400,
      'SystemUnavailable',
      /artifact credentials from CodePipeline expired; re-run the job/
    ],
    [
      'NoSuchBucket',
      404,
      'ConfigurationError',
      /The artifact bucket codepipeline-eu-west-1-123456789012 does not exist in eu-west-1/
    ],
    [
      'PermanentRedirect',
      301,
      'ConfigurationError',
      /not in eu-west-1: set aws-region to the pipeline's region/
    ],
    [
      'KMS.DisabledException',
      400,
      'ConfigurationError',
      /could not use the artifact store's KMS key: check that the key exists, is enabled/
    ],
    ['InvalidAccessKeyId', 403, 'ConfigurationError', /did not recognise the job's artifact credentials/],
    ['SignatureDoesNotMatch', 400, 'ConfigurationError', /if AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set/],
    ['EntityTooLarge', 400, 'ConfigurationError', /S3 refused the request; it is not retried\.$/]
  ])('%s (HTTP %d) is a %s', (name, status, type, text) => {
    const e = explainS3Error(s3Error(name, 'S3 says no.', status), download)
    expect([e.failureType, e.message]).toEqual([type, expect.stringMatching(text)])
  })

  it('keeps the fix of a request refused before it was sent', () => {
    const plain = new UserError(
      'Refusing to send artifacts to S3 over plain http to s3.example.com: use https.'
    )
    expect(explainS3Error(plain, upload)).toMatchObject({
      failureType: 'ConfigurationError',
      message: `Output artifact "BuildOutput" (from dist) could not be uploaded to ${URL}: ${plain.message}`
    })
  })

  it("tells this runner's disk from S3", () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    expect(explainS3Error(full, download)).toMatchObject({
      failureType: 'ConfigurationError',
      message: expect.stringMatching(/This runner could not read or write the file: check its disk space/)
    })
  })
})
