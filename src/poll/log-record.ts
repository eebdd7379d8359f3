import * as core from '@actions/core'
import { neutralize } from '../text.ts'
import { logLine } from './summary.ts'
import type { JobRecord } from './worker.ts'

/** One job's line in the log, as an error, a warning or plain text by what became of it. */
export function logRecord(record: JobRecord): void {
  const line = logLine(record)
  if (record.result === 'unreported') core.error(line)
  else if (['failed', 'already-reported', 'cancelled'].includes(record.result)) core.warning(line)
  else core.info(neutralize(line))
}
