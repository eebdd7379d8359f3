import * as core from '@actions/core'

/** Appends Markdown to the job summary page; outside a runner (no GITHUB_STEP_SUMMARY) there is no page. */
export async function appendSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}
