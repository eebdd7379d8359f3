import * as core from '@actions/core'

// What the main step hands to the post step (runs.post). Only non-secret facts: credentials are obtained
// again in the post step, never stored.

const keys = { isPost: 'isPost', armed: 'armed' }

export const isPost = (): boolean => core.getState(keys.isPost) === 'true'

/** Saved first thing in the main step, so the runner's second invocation knows it is the post step. */
export const markMainStarted = (): void => core.saveState(keys.isPost, 'true')

/** The main step checked the set-up and left the report to the post step (which reads the job again). */
export const armPostStep = (): void => core.saveState(keys.armed, 'true')

export const isArmed = (): boolean => core.getState(keys.armed) === 'true'
