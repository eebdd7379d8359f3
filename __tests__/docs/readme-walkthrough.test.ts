// docs/testing-locally.md's "Walkthrough: `status: job` by hand", run exactly as printed: the first command of
// "The emulator" starts a real `npm run emulator`, its printed `export` lines are pasted into a bash shell (as the
// reader does), then every shell
// block of the walkthrough runs in that shell, unchanged, with a user's PATH (none of this project's node_modules
// on it: `node` there may be Node 20). The outcome must be what the walkthrough promises: the main step arms the
// post step, the post step reports the failed step, the job ends Failed. On the page's port when it is free.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sectionOf } from './markdown.ts'

const PAGE_FILE = 'docs/testing-locally.md'
const PAGE = readFileSync(PAGE_FILE, 'utf8')

/** The fenced `sh` blocks of a Markdown text, in order, de-indented (a block inside a list item is indented). */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^( *)```(?:sh|bash|shell)\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
    body
      .split('\n')
      .map(line => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n')
  )
}

const [startCommand] = shellBlocks(sectionOf(PAGE, '## The emulator', PAGE_FILE))
const walkthrough = sectionOf(PAGE, '## Walkthrough', PAGE_FILE)
const blocks = shellBlocks(walkthrough)

function portFree(port: number): Promise<boolean> {
  return new Promise(done => {
    const server = createServer()
    server.once('error', () => done(false))
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)))
  })
}

/** The page's base port when it and the five after it are free, else another free base. */
async function freeBase(preferred: number, attempt: number): Promise<number> {
  const candidates = [
    ...(attempt === 0 ? [preferred] : []),
    ...Array.from({ length: 20 }, () => 20_000 + Math.floor(Math.random() * 30_000))
  ]
  for (const base of candidates) {
    const free = await Promise.all(Array.from({ length: 6 }, (_, i) => portFree(base + i)))
    if (free.every(Boolean)) return base
  }
  throw new Error('no six consecutive free ports for the emulator')
}

interface Emulator {
  process: ChildProcess
  stdout: string
  exports: string[]
  adminUrl: string
}

/** `npm run emulator -- --port <base>` until it prints "Ctrl-C to stop."; undefined when the port was taken. */
function startEmulator(base: number): Promise<Emulator | undefined> {
  const child = spawn('npm', ['run', 'emulator', '--', '--port', String(base)], {
    cwd: resolve('.'),
    // Its own process group, so that npm, its shell and the emulator stop together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      stop(child)
      fail(new Error(`the emulator did not start within 20 s:\n${stdout}\n${stderr}`))
    }, 20_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (!stdout.includes('Ctrl-C to stop.')) return
      clearTimeout(timer)
      const exports = stdout.split('\n').filter(line => /^export [A-Z_]+=/.test(line))
      const adminUrl = /^export EMULATOR_ADMIN_URL=(\S+)$/m.exec(stdout)?.[1]
      if (!adminUrl) fail(new Error(`the emulator printed no EMULATOR_ADMIN_URL:\n${stdout}`))
      else done({ process: child, stdout, exports, adminUrl })
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', fail)
    child.once('exit', code => {
      clearTimeout(timer)
      // A port taken between our check and its start: one line naming the port, exit code 1.
      if (code === 1 && /port/i.test(stderr)) done(undefined)
      else fail(new Error(`the emulator exited (${code}) before it was ready:\n${stdout}\n${stderr}`))
    })
  })
}

function stop(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
}

function runBash(
  script: string,
  env: Record<string, string>
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    // -e: a command that fails (the main step, a curl refused by the admin API) stops the walkthrough there.
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-x', '-c', script], {
      cwd: resolve('.'),
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000)
    child.once('error', fail)
    child.once('close', code => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

/** What a reader's shell has before pasting anything: a PATH (without this project's Node 24), HOME, locale. */
function userEnvironment(): Record<string, string> {
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(dir => !dir.includes('node_modules'))
    .join(delimiter)
  return {
    PATH: path,
    HOME: process.env.HOME ?? tmpdir(),
    LANG: 'C.UTF-8',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {})
  }
}

describe('docs/testing-locally.md walkthrough of status: job, run as printed against npm run emulator', () => {
  let emulator: Emulator | undefined
  let result: { code: number | null; stdout: string; stderr: string }
  let shellEnv: Record<string, string>
  let temp: string

  beforeAll(async () => {
    const port = /^npm run emulator -- --port (\d+)\n$/.exec(startCommand ?? '')?.[1]
    if (!port) throw new Error(`the section's first block should start the emulator, not:\n${startCommand}`)
    for (let attempt = 0; attempt < 3 && !emulator; attempt++)
      emulator = await startEmulator(await freeBase(Number(port), attempt))
    if (!emulator) throw new Error('the emulator found its ports taken three times')

    temp = await mkdtemp(join(tmpdir(), 'readme-walkthrough-'))
    const envFile = join(temp, 'env')
    // The printed exports, pasted; the walkthrough's blocks, unchanged; then the shell's variables, for a check.
    const script = [...emulator.exports, ...blocks, `env > '${envFile}'`].join('\n')
    result = await runBash(script, userEnvironment())
    shellEnv = {}
    if (result.code === 0) {
      for (const line of (await readFile(envFile, 'utf8')).split('\n')) {
        const eq = line.indexOf('=')
        if (eq > 0) shellEnv[line.slice(0, eq)] = line.slice(eq + 1)
      }
    }
  }, 60_000)

  afterAll(async () => {
    if (emulator) stop(emulator.process)
    if (temp) await rm(temp, { recursive: true, force: true })
  })

  const admin = async (path: string): Promise<Record<string, unknown>> => {
    const res = await fetch(`${emulator!.adminUrl}${path}`)
    expect(res.status).toBe(200)
    return (await res.json()) as Record<string, unknown>
  }
  const jobId = (): string => /^export CODEPIPELINE_JOB_ID=(\S+)$/m.exec(emulator!.stdout)![1]

  it('has the five steps: create the run, main step, a step fails, post step, the job', () => {
    expect(blocks).toHaveLength(5)
    expect(blocks[0]).toContain('$EMULATOR_ADMIN_URL/_emulator/runs')
    expect(blocks[1]).toContain('dist/report/index.js')
    expect(blocks[2]).toMatch(/_emulator\/runs\/\d+\/steps\/2/)
    expect(blocks[3]).toMatch(/STATE_isPost=true STATE_armed=true/)
    expect(blocks[4]).toContain('$EMULATOR_ADMIN_URL/_emulator/jobs/$CODEPIPELINE_JOB_ID')
  })

  it('runs every command to the end, each exiting 0', () => {
    // bash -e -x: on failure, stderr's trace ends with the command that failed.
    expect({ code: result.code, trace: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({
      code: 0,
      trace: ''
    })
  })

  it('the main step checks the set-up and arms the post step, with no error or warning', () => {
    expect(result.stdout).toContain('::save-state name=isPost::true')
    expect(result.stdout).toContain('::save-state name=armed::true')
    expect(result.stdout).toContain(`Set-up checked for CodePipeline job ${jobId()}`)
    expect(result.stdout).not.toMatch(/^::(error|warning)/m)
  })

  it('the post step reports a failure naming the failed step, and the job ends Failed', async () => {
    expect(result.stdout).toContain(`Reported failure (JobFailed) of CodePipeline job ${jobId()}`)
    expect(result.stdout).toContain('failed: job "build" failed at step "Run make test"')
    expect(result.stdout).toContain('::set-output name=result::failed')
    expect(result.stdout).toContain('"state": "Failed"') // the last block's answer
    const job = (await admin(`/_emulator/jobs/${jobId()}`)) as {
      state: string
      results: Array<{ kind: string; request: { failureDetails?: { type: string; message: string } } }>
    }
    expect(job.state).toBe('Failed')
    expect(job.results).toHaveLength(1)
    expect(job.results[0].request.failureDetails).toMatchObject({
      type: 'JobFailed',
      message: expect.stringContaining('failed at step "Run make test"')
    })
  })

  it("exports the variables the run's answer carries, as the walkthrough says", async () => {
    const runId = /_emulator\/runs\/(\d+)\/steps/.exec(blocks[2])![1]
    const run = (await admin(`/_emulator/runs/${runId}`)) as { env: Record<string, string>; path: string }
    expect(Object.keys(run.env).length).toBeGreaterThan(3)
    for (const [name, value] of Object.entries(run.env)) expect([name, shellEnv[name]]).toEqual([name, value])
    expect(shellEnv.GITHUB_WORKFLOW_REF).toMatch(new RegExp(`^${shellEnv.GITHUB_REPOSITORY}/${run.path}@`))
  })

  it('shows output that the run printed', () => {
    // The expected output written under the commands: each fragment between the "…" elisions was printed.
    for (const block of [blocks[1], blocks[3]]) {
      const shown = block.split('\n').filter(line => /^# (::save-state|Set-up|Reported| {2})/.test(line))
      expect(shown.length).toBeGreaterThan(0)
      for (const comment of shown) {
        for (const fragment of comment.slice(2).split('…')) {
          const text = fragment.trim()
          if (text.length > 3) expect([text, result.stdout.includes(text)]).toEqual([text, true])
        }
      }
    }
  })
})
