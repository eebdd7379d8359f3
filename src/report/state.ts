import * as core from '@actions/core'
import type { PipelineContext } from '../aws/pipeline-context.ts'

// What the main step hands to the post step (runs.post). Only non-secret facts: credentials are obtained
// again in the post step, never stored.

const keys = { isPost: 'isPost', armed: 'armed', pipeline: 'pipeline' }

export const isPost = (): boolean => core.getState(keys.isPost) === 'true'

/** Saved first thing in the main step, so the runner's second invocation knows it is the post step. */
export const markMainStarted = (): void => core.saveState(keys.isPost, 'true')

export function armPostStep(pipeline: PipelineContext): void {
  core.saveState(keys.pipeline, JSON.stringify(pipeline))
  core.saveState(keys.armed, 'true')
}

/** The pipeline context when the main step checked the set-up and left the report to the post step. */
export function armedFor(): PipelineContext | undefined {
  if (core.getState(keys.armed) !== 'true') return undefined
  try {
    return JSON.parse(core.getState(keys.pipeline) || '{}') as PipelineContext
  } catch {
    return {}
  }
}
