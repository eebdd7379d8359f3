import { isRecord } from './http.ts'
import type { Violations } from './validation.ts'

// Request constraints from the CodePipeline API model (lengths, patterns, enums), checked the way the service
// does before it looks at any job, so a request the service would refuse is refused here too.

export const JOB_ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
export const FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable'
]
export const OUTPUT_VARIABLES_MAX_BYTES = 122880

type Body = Record<string, unknown>

export function validatePollForJobs(body: Body, v: Violations): void {
  const t = isRecord(body.actionTypeId) ? body.actionTypeId : undefined
  if (v.required(body.actionTypeId, 'actionTypeId') && !t) {
    v.custom(body.actionTypeId, 'actionTypeId', 'Member must be a structure')
  } else if (t) {
    const categories = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute']
    v.enumValue(t.category, 'actionTypeId.category', categories, true)
    v.enumValue(t.owner, 'actionTypeId.owner', ['AWS', 'ThirdParty', 'Custom'], true)
    v.string(t.provider, 'actionTypeId.provider', {
      min: 1,
      max: 35,
      pattern: '[0-9A-Za-z_-]+',
      required: true
    })
    v.string(t.version, 'actionTypeId.version', {
      min: 1,
      max: 9,
      pattern: '[0-9A-Za-z_-]+',
      required: true
    })
  }
  v.integer(body.maxBatchSize, 'maxBatchSize', { min: 1 })
  const query = body.queryParam
  if (query !== undefined && query !== null) {
    if (!isRecord(query)) v.custom(query, 'queryParam', 'Member must be a map')
    else {
      const entries = Object.entries(query)
      if (entries.length > 1) v.custom(query, 'queryParam', 'Member must have length less than or equal to 1')
      for (const [k, val] of entries) {
        v.string(k, 'queryParam.key', { min: 1, max: 50 })
        v.string(val, `queryParam.${k}`, { min: 1, max: 50, pattern: '[a-zA-Z0-9_-]+', required: true })
      }
    }
  }
}

/** Returns the size of the output variables, which is checked only once the job is known. */
export function validatePutJobSuccessResult(body: Body, v: Violations): number {
  const rev = body.currentRevision
  if (isRecord(rev)) {
    v.string(rev.revision, 'currentRevision.revision', { min: 1, max: 1500, required: true })
    v.string(rev.changeIdentifier, 'currentRevision.changeIdentifier', { min: 1, max: 100, required: true })
    v.string(rev.revisionSummary, 'currentRevision.revisionSummary', { min: 1, max: 2048 })
  }
  v.string(body.continuationToken, 'continuationToken', { min: 1, max: 2048 })
  const details = body.executionDetails
  if (isRecord(details)) {
    v.string(details.summary, 'executionDetails.summary', { min: 1, max: 2048 })
    v.string(details.externalExecutionId, 'executionDetails.externalExecutionId', { min: 1, max: 1500 })
    v.integer(details.percentComplete, 'executionDetails.percentComplete', { min: 0, max: 100 })
  }
  const vars = body.outputVariables
  let varBytes = 0
  if (vars !== undefined && vars !== null) {
    if (!isRecord(vars)) v.custom(vars, 'outputVariables', 'Member must be a map')
    else {
      for (const [k, val] of Object.entries(vars)) {
        v.string(k, 'outputVariables.key', { min: 1, pattern: '[A-Za-z0-9@\\-_]+' })
        v.string(val, `outputVariables.${k}`, { required: true })
        varBytes += Buffer.byteLength(k) + Buffer.byteLength(String(val))
      }
    }
  }
  return varBytes
}

export function validatePutJobFailureResult(body: Body, v: Violations): void {
  const f = body.failureDetails
  if (v.required(f, 'failureDetails') && isRecord(f)) {
    v.enumValue(f.type, 'failureDetails.type', FAILURE_TYPES, true)
    v.string(f.message, 'failureDetails.message', { min: 1, max: 5000, required: true })
    v.string(f.externalExecutionId, 'failureDetails.externalExecutionId', { min: 1, max: 1500 })
  }
}
