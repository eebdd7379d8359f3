import * as core from '@actions/core'
import { errorMessage } from '../errors.ts'
import { proxySecrets } from '../proxy-env.ts'
import { runMainStep } from './main-step.ts'
import { runPostStep } from './post-step.ts'
import { isPost, markMainStarted } from './state.ts'

/** The runner calls the same bundle for the main and the post step; the saved state tells them apart. */
export async function run(): Promise<void> {
  for (const secret of proxySecrets()) core.setSecret(secret)
  try {
    if (isPost()) await runPostStep()
    else {
      markMainStarted()
      await runMainStep()
    }
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
