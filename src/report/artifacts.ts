import type { JobData } from '@aws-sdk/client-codepipeline'
import * as core from '@actions/core'
import { mkdir } from 'node:fs/promises'
import { asArtifactError, type ArtifactError } from '../artifacts/artifact-error.ts'
import {
  describeOutputArtifacts,
  matchOutputArtifacts,
  type OutputArtifact
} from '../artifacts/output-entries.ts'
import type { StoredArtifact } from '../artifacts/upload.ts'
import { formatBytes } from '../bytes.ts'
import { neutralize } from '../text.ts'
import { checkDigestVariables } from './request.ts'
import type { ReportSettings } from './settings.ts'

// The report's side of a job's artifacts: which step moves which, and when. Moving them (S3, yazl, yauzl) is
// loaded only here, on demand, so a report without artifacts never loads it.

/**
 * Starts loading the code that moves artifacts when the inputs say it will be needed, so that it loads while
 * the action waits for its credentials and the job instead of after. A failure to load shows where it is used.
 */
export function preloadArtifactCode(settings: ReportSettings, step: 'main' | 'post'): void {
  if (settings.dryRun) return
  // Inputs are extracted by the main step; outputs uploaded by the step that reports, unless it is a failure.
  const downloads = step === 'main' && settings.inputArtifacts
  const uploads =
    settings.outputArtifacts &&
    (step === 'post' || settings.status === 'success' || settings.status === 'workflow')
  const load = (loading: Promise<unknown>) => void loading.catch(() => undefined)
  if (downloads) load(import('../artifacts/download.ts'))
  if (uploads) load(import('../artifacts/upload.ts'))
}

/**
 * The uploads output-artifacts asks for, checked against the artifacts the job declares, and their digests'
 * output variables against output-variables.
 */
export function plannedOutputs(settings: ReportSettings, data: JobData): OutputArtifact[] {
  const planned = matchOutputArtifacts(
    settings.outputArtifacts,
    (data.outputArtifacts ?? []).map(artifact => artifact.name ?? '')
  )
  checkDigestVariables(
    settings,
    planned.map(output => output.name)
  )
  return planned
}

/**
 * Job mode's main step, before the build: output-artifacts is checked against the job's declarations (a wrong
 * name fails now, not after the build) and the input artifacts are extracted. Returns what went wrong, if anything.
 */
export async function prepareArtifacts(
  settings: ReportSettings,
  data: JobData
): Promise<ArtifactError | undefined> {
  try {
    plannedOutputs(settings, data)
    await extractInputs(settings, data)
    return undefined
  } catch (error) {
    return asArtifactError(error)
  }
}

/**
 * The artifacts the reporting step moves before it sends the result: the input artifacts unless job mode's
 * main step already extracted them, then, for a success only, the output artifacts. Throws an ArtifactError.
 */
export async function moveArtifacts(
  settings: ReportSettings,
  data: JobData,
  success: boolean
): Promise<StoredArtifact[]> {
  if (settings.status !== 'job') await extractInputs(settings, data)
  if (!success) return []
  const outputs = plannedOutputs(settings, data)
  if (!outputs.length) return []
  const { uploadOutputArtifacts } = await import('../artifacts/upload.ts')
  return uploadOutputArtifacts(settings.aws, data, outputs, settings.artifactCompression.level)
}

/** What a dry run would do with artifacts (it does not read the job, so the names are not checked). */
export function describeArtifacts(settings: ReportSettings): string[] {
  return [
    ...(settings.inputArtifacts ? [`extract the job's input artifacts into ${settings.inputArtifacts}`] : []),
    ...(settings.outputArtifacts
      ? [
          `upload ${describeOutputArtifacts(settings.outputArtifacts)} before a success (artifact-compression: ` +
            `${settings.artifactCompression.setting})`
        ]
      : [])
  ]
}

/**
 * Extracts the job's input artifacts into input-artifacts, when it is set, and writes input-artifacts-path and
 * input-artifact-digests.
 */
async function extractInputs(settings: ReportSettings, data: JobData): Promise<void> {
  const dir = settings.inputArtifacts
  if (!dir) return
  const digests: Record<string, string> = {}
  if (data.inputArtifacts?.length) {
    const { extractInputArtifacts } = await import('../artifacts/download.ts')
    for (const artifact of await extractInputArtifacts(settings.aws, data, dir)) {
      core.info(
        neutralize(
          `Extracted input artifact "${artifact.name}" into ${artifact.dir}: ${artifact.files} files, ` +
            formatBytes(artifact.bytes)
        )
      )
      digests[artifact.name] = artifact.sha256
    }
  } else {
    core.warning(
      `input-artifacts is set, but CodePipeline job ${settings.jobId} has no input artifacts: nothing is extracted into ${dir}.`
    )
    await mkdir(dir, { recursive: true })
  }
  core.setOutput('input-artifacts-path', dir)
  core.setOutput('input-artifact-digests', JSON.stringify(digests))
}
