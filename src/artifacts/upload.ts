import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { stat } from 'node:fs/promises'
import { connectArtifactStore, locationOf, type ArtifactStore, type S3Object } from '../aws/artifact-store.ts'
import type { Uploaded } from '../aws/part-upload.ts'
import type { AwsSettings } from '../aws/settings.ts'
import { formatBytes } from '../bytes.ts'
import { s3 } from '../limits.ts'
import { neutralize } from '../text.ts'
import { misconfigured } from './artifact-error.ts'
import { withMinorCollections } from './gc-pacing.ts'
import type { LocalPath, OutputArtifact } from './output-entries.ts'
import { explainS3Error } from './s3-errors.ts'
import { zipStream, type ZipStats } from './zip.ts'

/** An output artifact in the artifact store: what the summary lists. */
export interface StoredArtifact extends S3Object {
  name: string
  path: string
  /** Size of the ZIP. */
  bytes: number
  /** SHA-256 of the ZIP as stored, lowercase hex. */
  sha256: string
  /** Whether the digest is also the object's x-amz-meta-sha256. */
  digestInMetadata: boolean
  zip: ZipStats
}

/**
 * Zips each output artifact's path and uploads it to the location CodePipeline gave it, one at a time so memory
 * stays bounded, hashing the ZIP on its way out. Every path is checked before the first upload; the first failure
 * stops the rest.
 */
export async function uploadOutputArtifacts(
  settings: AwsSettings,
  data: JobData,
  outputs: OutputArtifact[],
  level: number
): Promise<StoredArtifact[]> {
  const kinds = await Promise.all(outputs.map(output => kindOf(output.name, output.path)))
  const store = await connectArtifactStore(settings, data)
  try {
    const stored: StoredArtifact[] = []
    for (const [index, { name, path }] of outputs.entries()) {
      const declared = (data.outputArtifacts ?? []).find(artifact => artifact.name === name) ?? { name }
      const target = locationOf(declared, 'Output')
      core.info(
        neutralize(
          `Uploading output artifact "${name}" from ${path.given} to s3://${target.bucket}/${target.key}`
        )
      )
      const zip = zipStream(name, path, kinds[index], level)
      let uploaded: Uploaded
      try {
        uploaded = await withMinorCollections(() =>
          store.upload(
            target,
            { chunks: zip.chunks, sha256: () => zip.made().sha256 },
            data.encryptionKey?.id
          )
        )
      } catch (error) {
        throw (
          zip.failed() ??
          explainS3Error(error, {
            action: 'upload',
            subject: `Output artifact "${name}" (from ${path.given})`,
            ...target,
            region: settings.region,
            kmsKeyId: data.encryptionKey?.id
          })
        )
      }
      const { bytes, sha256 } = zip.made()
      const { entries, stored: kept, deflated } = zip.stats
      core.info(
        neutralize(
          `Uploaded output artifact "${name}": ${formatBytes(bytes)} ZIP of ${entries} entries (${deflated} ` +
            `files deflated, ${kept} stored), SHA-256 ${sha256}`
        )
      )
      const inMetadata =
        uploaded.withMetadata ||
        (await recordDigest(store, target, uploaded.etag, { name, bytes, sha256 }, settings.region, data))
      stored.push({
        name,
        path: path.given,
        ...target,
        bytes,
        sha256,
        digestInMetadata: inMetadata,
        zip: zip.stats
      })
    }
    return stored
  } finally {
    store.destroy()
  }
}

/**
 * The digest as the object's metadata too, for whoever reads the artifact store directly. The digest already is
 * in the outputs and output variables, which later stages should trust first: a failure here only warns.
 */
async function recordDigest(
  store: ArtifactStore,
  target: S3Object,
  etag: string | undefined,
  zip: { name: string; bytes: number; sha256: string },
  region: string,
  data: JobData
): Promise<boolean> {
  const kmsKeyId = data.encryptionKey?.id
  const where = `s3://${target.bucket}/${target.key}`
  if (zip.bytes > s3.copyMaxBytes) {
    core.warning(
      neutralize(
        `Output artifact "${zip.name}" is larger than the 5 GiB S3 copies in one request, so its SHA-256 is not ` +
          `set as the metadata of ${where}; it is in this step's outputs and output variables.`
      )
    )
    return false
  }
  try {
    await store.recordDigest(target, etag, zip.sha256, kmsKeyId)
    return true
  } catch (error) {
    const reason = explainS3Error(error, {
      action: 'upload',
      subject: `The SHA-256 metadata of output artifact "${zip.name}"`,
      ...target,
      region,
      kmsKeyId
    })
    core.warning(
      neutralize(`${reason.message} The digest is in this step's outputs and output variables all the same.`)
    )
    return false
  }
}

async function kindOf(name: string, path: LocalPath): Promise<'file' | 'directory'> {
  let found
  try {
    found = await stat(path.absolute)
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw misconfigured(
      `Output artifact "${name}": ${path.given} (${path.absolute}) ` +
        (missing
          ? 'does not exist. Make the build write it before the job ends, or correct its path in output-artifacts.'
          : `cannot be read: ${(error as Error).message}`),
      { cause: error }
    )
  }
  if (found.isFile()) return 'file'
  if (found.isDirectory()) return 'directory'
  throw misconfigured(
    `Output artifact "${name}": ${path.given} (${path.absolute}) is neither a file nor a directory; give the ` +
      'directory (its contents become the ZIP) or the single file to store.'
  )
}
