// The admin API's routes for the ends of a job's life: stopping a pipeline execution (abandon or not), CodePipeline
// cancelling an action execution, ending a run with any conclusion without a report, the cancellations GitHub
// accepted, and the stop rule. Strict bodies as in admin-routes.ts; documented in emulator/README.md.
import {
  AdminError,
  answering,
  bool,
  noBody,
  notFound,
  object,
  oneOf,
  parseBody,
  str
} from './admin-schema.ts'
import { conclusion, jobView, mustRun, refusing, runView, wakeUpBody, wakeUpView } from './admin-routes.ts'
import type { AdminReply } from './admin-routes.ts'
import { ServiceError } from './codepipeline-executions.ts'
import { JOB_CONCLUSIONS } from './github-runs.ts'
import type { Conclusion } from './github-types.ts'
import type { Emulator } from './index.ts'

const stopBody = object({
  pipelineName: str({ pattern: /^[A-Za-z0-9.@\-_]{1,100}$/, hint: '1 to 100 letters, digits, ., @, - or _' }),
  abandon: bool,
  reason: str({ max: 200 })
})
const endBody = object({ conclusion, jobConclusion: oneOf(JOB_CONCLUSIONS) }, ['conclusion'])

/** What CodePipeline refused, as the admin API answers it: 404 for what does not exist, 409 for the wrong state. */
function refused(e: ServiceError): AdminError {
  const status = /NotFound/.test(e.type) ? 404 : e.type === 'ValidationException' ? 400 : 409
  return new AdminError(status, `${e.type}: ${e.message}`)
}

function stopExecution(emu: Emulator, executionId: string, body: unknown): AdminReply {
  const b = parseBody(body, stopBody)
  const jobs = emu.codepipeline.jobs.filter(j => j.data.pipelineContext.pipelineExecutionId === executionId)
  const pipelineName = b.pipelineName ?? jobs[0]?.data.pipelineContext.pipelineName
  if (pipelineName === undefined)
    throw notFound(`no job belongs to pipeline execution ${executionId}; GET /_emulator/jobs lists them`)
  try {
    const stop = emu.codepipeline.stopPipelineExecution(pipelineName, executionId, {
      ...(b.abandon !== undefined ? { abandon: b.abandon } : {}),
      ...(b.reason !== undefined ? { reason: b.reason } : {})
    })
    return { status: 200, body: { ...stop, jobs: jobs.map(j => jobView(emu, j.id)) } }
  } catch (e) {
    throw e instanceof ServiceError ? refused(e) : e
  }
}

function cancelAction(emu: Emulator, jobId: string, body: unknown): AdminReply {
  jobView(emu, jobId)
  noBody(body)
  refusing(() => emu.codepipeline.cancelActionExecution(jobId))
  return { status: 200, body: jobView(emu, jobId) }
}

function endRun(emu: Emulator, runId: string, body: unknown): AdminReply {
  const run = mustRun(emu, runId)
  const b = parseBody(body, endBody)
  if (b.conclusion === null || b.conclusion === undefined)
    throw new AdminError(400, 'conclusion is required', 'conclusion')
  const ended = emu.github.endRun(run.id, b.conclusion as Conclusion, b.jobConclusion)
  return { status: 200, body: runView(ended) }
}

/** Answers the routes above, or undefined for a path they do not cover. */
export function lifecycleRoute(
  emu: Emulator,
  method: string,
  path: string,
  body: unknown
): AdminReply | undefined {
  const ok = (value: unknown): AdminReply => ({ status: 200, body: value })
  return answering(() => {
    if (method === 'GET') {
      const list: Record<string, () => unknown> = {
        '/_emulator/stops': () => emu.codepipeline.executions.stops,
        '/_emulator/state-changes': () => emu.codepipeline.executions.stateChanges,
        '/_emulator/cancellations': () => emu.github.cancellations,
        '/_emulator/stop-rules': () => emu.wakeUp.stopConfigs.map(wakeUpView)
      }
      if (!(path in list)) return undefined
      noBody(body)
      return ok(list[path]())
    }
    if (method === 'POST') {
      if (path === '/_emulator/stop-rules') {
        const rule = emu.wakeUp.configureStop(
          parseBody(body, wakeUpBody) as Parameters<Emulator['wakeUp']['configureStop']>[0]
        )
        return { status: 201, body: wakeUpView(rule) }
      }
      let m = /^\/_emulator\/executions\/([^/]+)\/stop$/.exec(path)
      if (m) return stopExecution(emu, m[1], body)
      m = /^\/_emulator\/jobs\/([^/]+)\/cancel$/.exec(path)
      if (m) return cancelAction(emu, m[1], body)
      m = /^\/_emulator\/runs\/([^/]+)\/end$/.exec(path)
      if (m) return endRun(emu, m[1], body)
      return undefined
    }
    if (method === 'DELETE' && path === '/_emulator/stop-rules') {
      noBody(body)
      const removed = emu.wakeUp.stopConfigs.length
      emu.wakeUp.clearStop()
      return ok({ removed })
    }
    return undefined
  })
}
