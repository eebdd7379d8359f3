import type { Artifact, JobData } from '@aws-sdk/client-codepipeline'
import { CopyObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { ArtifactError } from '../artifacts/artifact-error.ts'
import { createClient } from './clients.ts'
import { uploadInParts, type Uploaded } from './part-upload.ts'
import { startRangedDownload, type ArrivingFile } from './ranged-download.ts'
import type { AwsSettings } from './settings.ts'

// The pipeline's artifact store, reached only with the job's artifactCredentials: CodePipeline scopes them to
// this job's artifacts, and the role that reports never touches S3. Loaded only when a job's artifacts move
// (download.ts and upload.ts are imported on demand), and the S3 SDK with it.

export interface S3Object {
  bucket: string
  key: string
}

// Downloads go through ranged-download.ts, uploads through part-upload.ts.
/** The user metadata that carries a ZIP's SHA-256 (x-amz-meta-sha256), lowercase hex as sha256sum prints it. */
export const DIGEST_METADATA = 'sha256'

/** A ZIP being made: its pieces, each read only until the next is asked for, and its digest once they end. */
export interface ZipBytes {
  chunks: AsyncIterable<Uint8Array>
  sha256: () => string
}

export interface Download extends ArrivingFile {
  /** What the object's x-amz-meta-sha256 says, when it has one. */
  recorded?: string
}

export class ArtifactStore {
  private readonly client: S3Client

  constructor(client: S3Client) {
    this.client = client
  }

  /**
   * Uploads a ZIP as it is made (part-upload.ts), encrypted with SSE-KMS: the job's customer-managed key when it
   * has one, otherwise the account's AWS managed key. A ZIP of one part goes up with its SHA-256 as metadata.
   */
  upload(target: S3Object, zip: ZipBytes, kmsKeyId?: string): Promise<Uploaded> {
    return uploadInParts(
      this.client,
      { Bucket: target.bucket, Key: target.key, ...storedAs(kmsKeyId) },
      zip.chunks,
      () => ({ [DIGEST_METADATA]: zip.sha256() })
    )
  }

  /**
   * Sets the ZIP's SHA-256 as user metadata once the upload has told it. S3 takes metadata only with the data,
   * so the object is copied onto itself (a copy inside S3, the same encryption), and only if it is still the
   * object just uploaded (its ETag).
   */
  async recordDigest(target: S3Object, etag: string | undefined, sha256: string, kmsKeyId?: string) {
    await this.client.send(
      new CopyObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        CopySource: `${target.bucket}/${target.key.split('/').map(encodeURIComponent).join('/')}`,
        ...(etag ? { CopySourceIfMatch: etag } : {}),
        MetadataDirective: 'REPLACE',
        Metadata: { [DIGEST_METADATA]: sha256 },
        ...storedAs(kmsKeyId)
      })
    )
  }

  /**
   * Starts downloading an object into a file in parallel ranges (ranged-download.ts), hashing it on the way;
   * resolves once S3 has answered the first range.
   */
  async download(source: S3Object, file: string): Promise<Download> {
    const get = (start: number, end: number, etag: string | undefined, abortSignal: AbortSignal) =>
      this.client
        .send(
          new GetObjectCommand({
            Bucket: source.bucket,
            Key: source.key,
            Range: `bytes=${start}-${end}`,
            ...(etag ? { IfMatch: etag } : {})
          }),
          { abortSignal }
        )
        .catch((error: unknown) => {
          // S3 answers a range of an empty object with 416: there is nothing to read.
          if (
            start === 0 &&
            (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416
          )
            return undefined
          throw error
        })
    const download: Download = await startRangedDownload(get, file)
    const recorded = download.metadata[DIGEST_METADATA]
    if (recorded) download.recorded = recorded
    return download
  }

  destroy(): void {
    this.client.destroy()
  }
}

/** How every artifact object is stored: a ZIP, under SSE-KMS with the job's key or the account's managed key. */
function storedAs(kmsKeyId?: string) {
  return {
    ContentType: 'application/zip',
    ServerSideEncryption: 'aws:kms' as const,
    ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {})
  }
}

/** Where CodePipeline keeps an artifact of the job. */
export function locationOf(artifact: Artifact, kind: 'Input' | 'Output'): S3Object {
  const s3 = artifact.location?.s3Location
  if (artifact.location?.type !== 'S3' || !s3?.bucketName || !s3.objectKey) {
    throw new ArtifactError(
      `${kind} artifact "${artifact.name}" has no S3 location in the job's details (type ` +
        `${artifact.location?.type ?? 'none'}); this action moves artifacts of an S3 artifact store only.`,
      'ConfigurationError'
    )
  }
  return { bucket: s3.bucketName, key: s3.objectKey }
}

/**
 * A client signed with the job's artifact credentials (masked by getJobDetails when it read them). Without
 * them there is no store: falling back to any other credentials would use the wrong principal.
 */
export async function connectArtifactStore(
  settings: AwsSettings,
  data: JobData,
  env: NodeJS.ProcessEnv = process.env
): Promise<ArtifactStore> {
  const c = data.artifactCredentials
  if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken) {
    throw new ArtifactError(
      "CodePipeline's job details carry no artifact credentials, which are the only credentials for the " +
        "job's artifacts; re-run the job.",
      'SystemUnavailable'
    )
  }
  const client = await createClient(S3Client, settings, {
    credentials: {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken
    },
    httpsOnly: "artifacts and the job's artifact credentials to S3",
    // S3 itself takes virtual-hosted requests (bucket.s3.region.amazonaws.com), the SDK's default. A local or
    // compatible S3 behind AWS_ENDPOINT_URL(_S3) usually serves only path-style requests (endpoint/bucket/key).
    serviceConfig: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {}
  })
  return new ArtifactStore(client)
}
