// Every API constraint the bridge enforces before sending, in one place. The AWS SDK validates nothing
// client-side, so a value that breaks one of these would otherwise fail only after a network round trip.

export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Job IDs as they appear inside other text, such as a run's name. */
export const JOB_ID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g

export const FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable'
] as const
export type FailureType = (typeof FAILURE_TYPES)[number]

export const codepipeline = {
  failureMessage: { min: 1, max: 5000 },
  summary: { min: 1, max: 2048 },
  externalExecutionId: { min: 1, max: 1500 },
  continuationToken: { min: 1, max: 2048 },
  percentComplete: { min: 0, max: 100 },
  outputVariableName: /^[A-Za-z0-9@\-_]+$/,
  outputVariablesBytes: 122880,
  maxBatchSize: { min: 1, max: 100 },
  queryParamValue: /^[a-zA-Z0-9_-]{1,50}$/,
  artifactName: /^[a-zA-Z0-9_-]{1,100}$/,
  queryParamKey: /^[a-zA-Z0-9_-]{1,50}$/,
  provider: /^[0-9A-Za-z_-]{1,35}$/,
  /** Pipeline, stage and action names share one pattern; pipeline execution IDs are job-ID-shaped UUIDs. */
  pipelineName: /^[A-Za-z0-9.@_-]{1,100}$/,
  stageOrActionName: /^[A-Za-z0-9.@_-]{1,100}$/,
  /** ListActionExecutions: most results a page. */
  actionExecutionsPage: 100,
  actionVersion: /^[0-9A-Za-z_-]{1,9}$/,
  categories: ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'] as const
}

export const sts = {
  roleSessionName: /^[\w+=,.@-]{2,64}$/,
  roleSessionNameMax: 64,
  durationSeconds: { min: 900, max: 43200 },
  roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
}

export const retry = { maxAttempts: { min: 1, max: 20 } }

// GitHub's rules for what the poll action sends it. The poll action's other ranges are our policy, not API
// limits, and stay in src/poll/settings.ts: wait-seconds (0–3600, bounded by the role session and runner minutes).
export const github = {
  /** Inputs on one workflow_dispatch event. */
  maxDispatchInputs: 25,
  /** workflow_dispatch input names (job-id-input): a letter or _, then letters, digits, - and _. */
  dispatchInputName: /^[A-Za-z_][A-Za-z0-9_-]*$/,
  /** max-concurrency: GitHub's secondary rate limit allows at most 100 concurrent requests per token. */
  concurrentRequests: { min: 1, max: 100 },
  /** List endpoints: most results a page. */
  perPage: 100
}

// S3's multipart rules: every part but the last at least 5 MiB, at most 10,000 parts, and 5 GiB the most that
// one CopyObject takes (so the largest object whose metadata can be set after its upload).
export const s3 = {
  minPartBytes: 5 * 1024 * 1024,
  maxParts: 10_000,
  copyMaxBytes: 5 * 1024 ** 3
}
