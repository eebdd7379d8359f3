import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectArtifactStore, locationOf } from '../aws/artifact-store.ts'
import type { AwsSettings } from '../aws/settings.ts'
import { neutralize } from '../text.ts'
import { inputDestinations } from './layout.ts'
import { explainS3Error } from './s3-errors.ts'
import { extractZip, type Extracted } from './unzip.ts'

export interface ExtractedArtifact extends Extracted {
  name: string
  dir: string
}

/**
 * Downloads each input artifact of the job into a temporary file (yauzl needs to seek: the central directory
 * is at the end of a ZIP) and extracts it: straight into `dir` when there is one, into `dir/<name>` for several.
 */
export async function extractInputArtifacts(
  settings: AwsSettings,
  data: JobData,
  dir: string,
  temp: string = process.env.RUNNER_TEMP || tmpdir()
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
      try {
        await store.download(location, file)
      } catch (error) {
        throw explainS3Error(error, {
          action: 'download',
          subject: `Input artifact "${name}"`,
          ...location,
          region: settings.region,
          kmsKeyId: data.encryptionKey?.id
        })
      }
      extracted.push({ name, dir: destination, ...(await extractZip(file, destination, name)) })
      await rm(file)
    }
    return extracted
  } finally {
    store.destroy()
    await rm(scratch, { recursive: true, force: true })
  }
}
