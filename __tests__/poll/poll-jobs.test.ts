import { expect, test } from '@jest/globals'
import type { Job } from '@aws-sdk/client-codepipeline'
import { CodePipelineError } from '../../src/aws/codepipeline.ts'
import { POLL_INTERVAL_MS, pollForJobs, pollRequest, type Clock } from '../../src/poll/poll-jobs.ts'

const settings = {
  actionType: {
    category: 'Build' as const,
    owner: 'Custom' as const,
    provider: 'GitHubActions',
    version: '1'
  },
  maxBatchSize: 10,
  waitSeconds: 0,
  aws: { region: 'eu-west-1', maxAttempts: 5 }
}

/** A clock that only moves when the poller sleeps, and a CodePipeline that answers from a script. */
function fake(answers: Job[][]) {
  let now = 0
  const sleeps: number[] = []
  const clock: Clock = {
    now: () => now,
    sleep: async ms => {
      sleeps.push(ms)
      now += ms
    }
  }
  const polls: unknown[] = []
  const codepipeline = {
    pollForJobs: async (input: unknown) => {
      polls.push(input)
      return answers.shift() ?? []
    }
  }
  return { clock, sleeps, polls, codepipeline }
}

test('the request carries the action type, batch size and query parameter', () => {
  expect(pollRequest({ ...settings, queryParam: { Team: 'blue' } })).toEqual({
    actionTypeId: settings.actionType,
    maxBatchSize: 10,
    queryParam: { Team: 'blue' }
  })
  expect(pollRequest(settings)).not.toHaveProperty('queryParam')
})

test('without wait-seconds: one poll, no sleep', async () => {
  const f = fake([])
  expect(await pollForJobs(f.codepipeline, settings, f.clock)).toEqual([])
  expect(f.polls).toHaveLength(1)
  expect(f.sleeps).toEqual([])
})

test('with wait-seconds: polls every interval until jobs arrive', async () => {
  const f = fake([[], [], [{ id: 'a' }]])
  expect(await pollForJobs(f.codepipeline, { ...settings, waitSeconds: 60 }, f.clock)).toEqual([{ id: 'a' }])
  expect(f.polls).toHaveLength(3)
  expect(f.sleeps).toEqual([POLL_INTERVAL_MS, POLL_INTERVAL_MS])
})

test('with wait-seconds: a last poll when the time is up, the final sleep cut to what is left', async () => {
  const f = fake([])
  await pollForJobs(f.codepipeline, { ...settings, waitSeconds: 5 }, f.clock)
  expect(f.sleeps).toEqual([2000, 2000, 1000])
  expect(f.polls).toHaveLength(4)
})

test('an unknown action type says which one and what to check', async () => {
  const codepipeline = {
    pollForJobs: async () => {
      throw new CodePipelineError('codepipeline:PollForJobs failed', 'ActionTypeNotFoundException')
    }
  }
  await expect(pollForJobs(codepipeline, settings, fake([]).clock)).rejects.toThrow(
    'CodePipeline has no custom action type Build/Custom/GitHubActions/1 in eu-west-1. Check the provider'
  )
})

test('other errors pass through unchanged', async () => {
  const denied = new CodePipelineError('Allow codepipeline:PollForJobs', 'AccessDeniedException')
  const codepipeline = {
    pollForJobs: async () => {
      throw denied
    }
  }
  await expect(pollForJobs(codepipeline, settings, fake([]).clock)).rejects.toBe(denied)
})
