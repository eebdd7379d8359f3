// The closing picture: what CodePipeline holds for each scenario's action, following continuation jobs to the last.
import type { Job } from '../emulator/index.ts'
import { followUp } from './runs.ts'
import type { Scenario, Story } from './setup.ts'
import { short, sseName } from './timeline.ts'
import type { World } from './world.ts'

export function finalState(world: World, chains: Array<{ scenario: Scenario; first: Job }>): void {
  const { out } = world
  out.line()
  out.line(out.paint('bold', 'What CodePipeline holds now'))
  for (const { scenario, first } of chains) {
    const jobs = [first]
    for (let next = followUp(world, first); next; next = followUp(world, next)) jobs.push(next)
    const last = jobs[jobs.length - 1]
    const ctx = last.data.pipelineContext
    const request = last.results[0]?.request
    const failure = request?.failureDetails as Record<string, unknown> | undefined
    const success = request?.executionDetails as Record<string, unknown> | undefined
    const state = out.paint(
      last.state === 'Succeeded' ? 'green' : last.state === 'Failed' ? 'red' : 'yellow',
      last.state
    )
    const chain = jobs.length > 1 ? ` (${jobs.length} jobs: ${jobs.map(j => j.state).join(' → ')})` : ''
    const label = scenario.story
      ? `${scenario.mode} · ${LABELS[scenario.story]}`
      : `${scenario.mode} · ${scenario.green ? 'green' : 'red'}${scenario.wakeUp ? ' · woken' : ''}`
    out.line(
      `  ${label.padEnd(26)} ${ctx.pipelineName} › ${ctx.stage.name} › ${ctx.action.name}, execution ${short(ctx.pipelineExecutionId)}: ${state}${chain}`
    )
    if (failure) out.line(out.paint('dim', `      ${String(failure.type)}: ${String(failure.message)}`))
    else if (success?.summary) out.line(out.paint('dim', `      ${String(success.summary)}`))
    else if (last.state === 'Abandoned') out.line(out.paint('dim', `      ${abandoned(world, last)}`))
    else if (last.state === 'InProgress')
      out.line(
        out.paint('dim', '      acknowledged; the dispatched build reports its result when it finishes')
      )
    for (const artifact of last.data.outputArtifacts) {
      const stored = world.emu.artifacts.output(last.id, artifact.name)
      const { bucketName, objectKey } = artifact.location.s3Location
      out.line(
        out.paint(
          'dim',
          `      output artifact ${artifact.name}: ` +
            (stored
              ? `s3://${bucketName}/${objectKey}, ${stored.size} bytes, ${sseName(stored.sse)}`
              : 'not stored')
        )
      )
    }
  }
}

const LABELS: Record<Story, string> = {
  'stopped-deploy': 'stopped deploy',
  'startup-failure': 'startup_failure'
}

/** An abandoned job: the stop that abandoned it, and what became of the runs started for it. */
function abandoned(world: World, job: Job): string {
  const { emu } = world
  const stop = emu.codepipeline.executions.stops.find(s => s.abandonedJobIds.includes(job.id))
  const how = stop
    ? `Stop and abandon${stop.reason ? ` ("${stop.reason}")` : ''}`
    : 'CodePipeline cancelled the action'
  const runs = [...emu.github.runs.values()].filter(r => r.inputs?.['codepipeline-job-id'] === job.id)
  const told = runs.map(
    r => `run ${r.id} ${r.status === 'completed' ? (r.conclusion ?? 'completed') : r.status}`
  )
  return `${how}: no result reported${told.length ? `; ${told.join(', ')}` : ''}`
}
