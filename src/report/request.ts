import { ArtifactError, misconfigured } from '../artifacts/artifact-error.ts'
import type { StoredArtifact } from '../artifacts/upload.ts'
import type { RunContext } from '../github/context.ts'
import { failure, success, type JobResult } from '../job-result.ts'
import { codepipeline as limits } from '../limits.ts'
import { failureMessage, runLabel, successSummary } from '../messages.ts'
import type { Outcome } from '../outcome.ts'
import { fit } from '../text.ts'
import { variablesBytes } from './output-variables.ts'
import type { ReportSettings } from './settings.ts'

export type ReportRequest = JobResult

/**
 * The exact request CodePipeline will receive, within every limit of its API. An artifact that could not be
 * moved is a failure whatever the run did, and says so over a custom message: it is what needs fixing.
 */
export function buildRequest(
  settings: ReportSettings,
  outcome: Outcome | ArtifactError,
  run: RunContext
): ReportRequest {
  const externalExecutionId = settings.externalExecutionId ?? run.runId
  if (outcome instanceof ArtifactError) {
    const message = fit(
      `${runLabel(run)}: `,
      outcome.message,
      ` Run: ${run.runUrl}`,
      limits.failureMessage.max
    )
    return failure(settings.jobId, outcome.failureType, message, externalExecutionId)
  }
  if (outcome.ok) {
    const { summary = successSummary(run), percentComplete, continuationToken, outputVariables } = settings
    return success(
      settings.jobId,
      { summary, externalExecutionId, percentComplete },
      continuationToken,
      outputVariables
    )
  }
  // A run that could not be judged explains why, even over a custom message: that is what needs fixing.
  const message = settings.message && !outcome.unknown ? settings.message : failureMessage(outcome, run)
  return failure(
    settings.jobId,
    outcome.unknown?.failureType ?? settings.failureType,
    message,
    externalExecutionId
  )
}

/** The output variable that carries an output artifact's SHA-256 to later stages (64 hex digits). */
export const digestVariable = (artifact: string): string => `ARTIFACT_${artifact}_SHA256`
const DIGEST_HEX_BYTES = 64

/**
 * Before anything is uploaded: the digest variables of these output artifacts fit with output-variables in
 * CodePipeline's limit and take no name the user set. Throws an ArtifactError (ConfigurationError).
 */
export function checkDigestVariables(settings: ReportSettings, artifacts: string[]): void {
  const mine = settings.outputVariables ?? {}
  const taken = artifacts.map(digestVariable).filter(name => Object.hasOwn(mine, name))
  if (taken.length) {
    throw misconfigured(
      `output-variables sets ${taken.join(', ')}, which this action sets to the SHA-256 of the output artifact; ` +
        'remove it from output-variables.'
    )
  }
  const digests = Object.fromEntries(
    artifacts.map(name => [digestVariable(name), 'x'.repeat(DIGEST_HEX_BYTES)])
  )
  const bytes = variablesBytes({ ...mine, ...digests })
  if (bytes > limits.outputVariablesBytes) {
    throw misconfigured(
      `output-variables and the SHA-256 variables of the output artifacts (${Object.keys(digests).join(', ')}) ` +
        `total ${bytes} bytes; CodePipeline allows ${limits.outputVariablesBytes} bytes for all of an action's ` +
        'variables together. Pass fewer or shorter output-variables.'
    )
  }
}

/** A success with the stored artifacts' digests among its output variables (the request is otherwise unchanged). */
export function withDigestVariables(request: ReportRequest, artifacts: StoredArtifact[] = []): ReportRequest {
  if (request.kind !== 'success' || !artifacts.length) return request
  const digests = Object.fromEntries(artifacts.map(a => [digestVariable(a.name), a.sha256]))
  return {
    ...request,
    input: { ...request.input, outputVariables: { ...request.input.outputVariables, ...digests } }
  }
}
