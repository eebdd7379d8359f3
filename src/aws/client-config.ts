import type { AwsCredentialIdentity } from '@smithy/types'
import type { AwsSettings } from './settings.ts'

// The one place that decides region, credentials and retries for every AWS client. Endpoints are left to
// the SDK, which honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (local emulators, VPC endpoints).
export function clientConfig(settings: AwsSettings, credentials?: AwsCredentialIdentity) {
  return {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    customUserAgent: 'codepipeline-github-actions-bridge',
    ...(credentials ? { credentials } : {})
  }
}
