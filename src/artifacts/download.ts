import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectArtifactStore, locationOf, type S3Object } from '../aws/artifact-store.ts'
import type { AwsSettings } from '../aws/settings.ts'
import { formatBytes } from '../bytes.ts'
import { neutralize } from '../text.ts'
import { ArtifactError } from './artifact-error.ts'
import { ArrivingZip } from './arriving-zip.ts'
import { withMinorCollections } from './gc-pacing.ts'
import { inputDestinations } from './layout.ts'
import { explainS3Error } from './s3-errors.ts'
import { extractZip, type Extracted } from './unzip.ts'

export interface ExtractedArtifact extends Extracted {
  name: string
  dir: string
  /** SHA-256 of the ZIP as downloaded, lowercase hex. */
  sha256: string
}

/**
 * Downloads each input artifact of the job into a temporary file (yauzl needs to seek: the central directory
 * is at the end of a ZIP) and extracts it while it arrives: into `dir` when there is one, into `dir/<name>` for
 * several. A ZIP whose SHA-256 is not the one its metadata records (set by this action's upload) is refused, and
 * what was extracted from it removed.
 */
export function extractInputArtifacts(
  settings: AwsSettings,
  data: JobData,
  dir: string,
  temp: string = process.env.RUNNER_TEMP || tmpdir()
): Promise<ExtractedArtifact[]> {
  return withMinorCollections(() => extractAll(settings, data, dir, temp))
}

async function extractAll(
  settings: AwsSettings,
  data: JobData,
  dir: string,
  temp: string
): Promise<ExtractedArtifact[]> {
  const inputs = data.inputArtifacts ?? []
  const destinations = inputDestinations(
    dir,
    inputs.map(input => input.name ?? '')
  )
  const store = await connectArtifactStore(settings, data)
  const scratch = await mkdtemp(join(temp, 'codepipeline-artifact-'))
  try {
    const extracted: ExtractedArtifact[] = []
    for (const [index, { name, dir: destination }] of destinations.entries()) {
      const location = locationOf(inputs[index], 'Input')
      const file = join(scratch, `${index}.zip`)
      core.info(
        neutralize(`Downloading input artifact "${name}" from s3://${location.bucket}/${location.key}`)
      )
      const explain = (error: unknown) =>
        explainS3Error(error, {
          action: 'download',
          subject: `Input artifact "${name}"`,
          ...location,
          region: settings.region,
          kmsKeyId: data.encryptionKey?.id
        })
      const download = await store.download(location, file).catch((error: unknown) => {
        throw explain(error)
      })
      try {
        const complete = download.done.then(
          sha256 => verified(name, location, sha256, download.recorded),
          (error: unknown) => {
            throw explain(error)
          }
        )
        complete.catch(() => undefined) // awaited by the extraction unless it stops first
        const source = { reader: new ArrivingZip(download), size: download.size, complete }
        const result = await extractZip(source, destination, name)
        const sha256 = await complete
        core.info(
          neutralize(`Downloaded input artifact "${name}": ${formatBytes(download.size)}, SHA-256 ${sha256}`)
        )
        extracted.push({ name, dir: destination, sha256, ...result })
      } finally {
        await download.close()
      }
      await rm(file)
    }
    return extracted
  } finally {
    store.destroy()
    await rm(scratch, { recursive: true, force: true })
  }
}

/** The ZIP's digest, unless its x-amz-meta-sha256 (set by the upload that hashed it) says otherwise. */
function verified(name: string, location: S3Object, sha256: string, recorded: string | undefined): string {
  if (recorded === undefined || recorded.toLowerCase() === sha256) return sha256
  throw new ArtifactError(
    neutralize(
      `Input artifact "${name}" from s3://${location.bucket}/${location.key} has the SHA-256 ${sha256}, but ` +
        `its x-amz-meta-sha256 says ${recorded}: the object changed after the action that stored it hashed ` +
        'it, or was damaged. What was extracted from it was removed; release the change again, and check who ' +
        'else can write to the artifact store.'
    ),
    'RevisionOutOfSync'
  )
}
