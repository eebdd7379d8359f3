import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { stat } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { connectArtifactStore, locationOf, type S3Object } from '../aws/artifact-store.ts'
import type { AwsSettings } from '../aws/settings.ts'
import { formatBytes } from '../bytes.ts'
import { neutralize } from '../text.ts'
import { misconfigured } from './artifact-error.ts'
import type { LocalPath, OutputArtifact } from './output-entries.ts'
import { explainS3Error } from './s3-errors.ts'
import { zipStream } from './zip.ts'

/** An output artifact in the artifact store: what the summary lists. */
export interface StoredArtifact extends S3Object {
  name: string
  path: string
  /** Size of the ZIP. */
  bytes: number
}

/**
 * Zips each output artifact's path and uploads it to the location CodePipeline gave it, one at a time so memory
 * stays bounded. Every path is checked before the first upload; the first failure stops the rest.
 */
export async function uploadOutputArtifacts(
  settings: AwsSettings,
  data: JobData,
  outputs: OutputArtifact[]
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
      const zip = zipStream(name, path, kinds[index])
      let bytes = 0
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length
          done(null, chunk)
        }
      })
      // Either side failing ends both: a ZIP that cannot be read aborts the upload, and the reverse.
      const piped = pipeline(zip.stream, counted).catch(() => undefined)
      try {
        await store.upload(target, counted, data.encryptionKey?.id)
      } catch (error) {
        counted.destroy()
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
      } finally {
        await piped
      }
      core.info(`Uploaded output artifact "${name}": ${formatBytes(bytes)}`)
      stored.push({ name, path: path.given, ...target, bytes })
    }
    return stored
  } finally {
    store.destroy()
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
