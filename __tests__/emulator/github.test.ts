import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator } from '../../emulator/index.ts'
import type { Emulator } from '../../emulator/index.ts'

const repo = { owner: 'octo-org', repo: 'octo-repo' }
let emu: Emulator
let octokit: ReturnType<typeof getOctokit>

beforeEach(async () => {
  emu = await startEmulator()
  emu.github.addRepo('octo-org/octo-repo', { branches: ['release'] })
  emu.github.addWorkflow('octo-org/octo-repo', {
    file: 'build.yml',
    inputs: { 'codepipeline-job-id': { required: true }, mode: { type: 'choice', options: ['fast', 'full'] } }
  })
  octokit = getOctokit(emu.github.token, { baseUrl: emu.urls.github })
})
afterEach(() => emu.close())

async function failure(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p
  } catch (e) {
    return e as { status: number; message: string }
  }
  throw new Error('expected a failure')
}

describe('GitHub REST through @actions/github', () => {
  it('gets the repository with its default branch', async () => {
    const { data } = await octokit.rest.repos.get(repo)
    expect(data).toMatchObject({ full_name: 'octo-org/octo-repo', default_branch: 'main' })
    expect(emu.requests.at(-1)).toMatchObject({
      service: 'github',
      operation: 'GET /repos/{owner}/{repo}',
      status: 200
    })
  })

  it('gets a run and follows setRun', async () => {
    const run = emu.github.addRun('octo-org/octo-repo', { id: 1658821493, name: 'Build', runNumber: 42 })
    expect(run.html_url).toBe('https://github.com/octo-org/octo-repo/actions/runs/1658821493')
    const first = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 1658821493 })
    expect(first.data).toMatchObject({
      id: 1658821493,
      run_number: 42,
      status: 'in_progress',
      conclusion: null
    })
    emu.github.setRun(1658821493, { status: 'completed', conclusion: 'failure' })
    const second = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 1658821493 })
    expect(second.data).toMatchObject({ status: 'completed', conclusion: 'failure', html_url: run.html_url })
    expect(second.data).not.toHaveProperty('jobs')
  })

  it('paginates the jobs of a run attempt with Link headers, per_page and page', async () => {
    const jobs = Array.from({ length: 7 }, (_, i) => ({
      name: `job ${i + 1}`,
      conclusion: 'success' as const,
      steps: [{ name: 'Set up job', conclusion: 'success' as const }, { name: 'Test' }]
    }))
    emu.github.addRun('octo-org/octo-repo', { id: 500, attempt: 2, jobs })
    const page = await octokit.rest.actions.listJobsForWorkflowRunAttempt({
      ...repo,
      run_id: 500,
      attempt_number: 2,
      per_page: 3,
      page: 2
    })
    expect(page.data.total_count).toBe(7)
    expect(page.data.jobs.map(j => j.name)).toEqual(['job 4', 'job 5', 'job 6'])
    const link = page.headers.link ?? ''
    expect(link).toContain(
      `<${emu.urls.github}/repos/octo-org/octo-repo/actions/runs/500/attempts/2/jobs?per_page=3&page=3>; rel="next"`
    )
    expect(link).toContain('page=3>; rel="last"')
    expect(link).toContain('page=1>; rel="prev"')

    const all = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRunAttempt, {
      ...repo,
      run_id: 500,
      attempt_number: 2,
      per_page: 3
    })
    expect(all.map(j => j.name)).toEqual(jobs.map(j => j.name))
    expect(all[0]).toMatchObject({
      run_id: 500,
      run_attempt: 2,
      status: 'completed',
      runner_name: 'GitHub Actions 1'
    })
    expect(all[0].steps).toEqual([
      { name: 'Set up job', status: 'completed', conclusion: 'success', number: 1 },
      { name: 'Test', status: 'in_progress', conclusion: null, number: 2 }
    ])
    const noAttempt3 = await failure(
      octokit.rest.actions.listJobsForWorkflowRunAttempt({ ...repo, run_id: 500, attempt_number: 3 })
    )
    expect(noAttempt3.status).toBe(404)
  })

  it('dispatches a workflow and returns the run details, creating a queued run', async () => {
    const res = await octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        ...repo,
        workflow_id: 'build.yml',
        ref: 'main',
        inputs: { 'codepipeline-job-id': '0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7' },
        return_run_details: true
      }
    )
    expect(res.status).toBe(200)
    const data = res.data as unknown as { workflow_run_id: number; run_url: string; html_url: string }
    expect(data.html_url).toBe(`https://github.com/octo-org/octo-repo/actions/runs/${data.workflow_run_id}`)
    expect(data.run_url).toBe(
      `${emu.urls.github}/repos/octo-org/octo-repo/actions/runs/${data.workflow_run_id}`
    )
    expect(emu.github.run(data.workflow_run_id)).toMatchObject({
      status: 'queued',
      event: 'workflow_dispatch',
      run_number: 1
    })
    expect(emu.github.dispatches[0]).toMatchObject({
      workflow: 'build.yml',
      ref: 'main',
      runId: data.workflow_run_id
    })

    const byId = emu.github.workflow('octo-org/octo-repo', 'build.yml')?.id ?? 0
    const plain = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: byId,
      ref: 'refs/heads/release',
      inputs: { 'codepipeline-job-id': 'x', mode: 'fast' }
    })
    expect(plain.status).toBe(204)
    expect(emu.github.run(emu.github.dispatches[1].runId)?.head_branch).toBe('release')
  })

  it('refuses dispatches the way GitHub does', async () => {
    const dispatch = (workflow_id: string, ref: string, inputs: Record<string, string>) =>
      failure(octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id, ref, inputs }))
    const ok = { 'codepipeline-job-id': 'x' }
    expect(await dispatch('nope.yml', 'main', ok)).toMatchObject({ status: 404 })
    const ref = await dispatch('build.yml', 'feature', ok)
    expect(ref).toMatchObject({ status: 422, message: expect.stringContaining('No ref found for: feature') })
    const extra = await dispatch('build.yml', 'main', { ...ok, x: '1', y: '2' })
    expect(extra.message).toContain('Unexpected inputs provided: ["x","y"]')
    const missing = await dispatch('build.yml', 'main', {})
    expect(missing).toMatchObject({
      status: 422,
      message: expect.stringContaining("Required input 'codepipeline-job-id' not provided")
    })
    const choice = await dispatch('build.yml', 'main', { ...ok, mode: 'slow' })
    expect(choice.message).toContain("'slow'")
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, 'v']))
    expect(await dispatch('build.yml', 'main', many)).toMatchObject({
      status: 422,
      message: expect.stringContaining('25')
    })
    expect(emu.github.dispatches).toHaveLength(0)
  })

  it('refuses input values that are not strings, as GitHub does, whatever type the workflow declares', async () => {
    emu.github.addWorkflow('octo-org/octo-repo', {
      file: 'typed.yml',
      inputs: { count: { type: 'number' }, debug: { type: 'boolean' } }
    })
    const dispatch = (inputs: Record<string, unknown>) =>
      failure(
        octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
          ...repo,
          workflow_id: 'typed.yml',
          ref: 'main',
          inputs: inputs as Record<string, string>
        })
      )
    expect(await dispatch({ count: 3 })).toMatchObject({
      status: 422,
      message: expect.stringContaining("For 'properties/count', 3 is not a string.")
    })
    expect(await dispatch({ debug: false })).toMatchObject({
      status: 422,
      message: expect.stringContaining("For 'properties/debug', false is not a string.")
    })
    expect(emu.github.dispatches).toHaveLength(0)
    await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'typed.yml',
      ref: 'main',
      inputs: { count: '3', debug: 'false' }
    })
    expect(emu.github.dispatches.map(d => d.inputs)).toEqual([{ count: '3', debug: 'false' }])
  })

  it('checks the token: 401 unknown, 403 without actions: write, 404 for a repository it cannot see', async () => {
    const bad = getOctokit('ghs_unknown', { baseUrl: emu.urls.github })
    expect(await failure(bad.rest.repos.get(repo))).toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials')
    })
    emu.github.addToken('ghs_read', { permissions: { actions: 'read' } })
    const reader = getOctokit('ghs_read', { baseUrl: emu.urls.github })
    emu.github.addRun('octo-org/octo-repo', { id: 7 })
    await expect(reader.rest.actions.getWorkflowRun({ ...repo, run_id: 7 })).resolves.toBeTruthy()
    const denied = await failure(
      reader.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: 'build.yml', ref: 'main' })
    )
    expect(denied).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration')
    })
    emu.github.addToken('ghs_other', { permissions: { actions: 'write' }, repositories: ['octo-org/other'] })
    const other = getOctokit('ghs_other', { baseUrl: emu.urls.github })
    expect(await failure(other.rest.repos.get(repo))).toMatchObject({ status: 404 })
  })
})
