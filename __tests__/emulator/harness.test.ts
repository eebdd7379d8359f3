import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseFileCommands, runAction, runMainAndPost } from '../e2e/harness.ts'

const CORE = pathToFileURL(resolve('node_modules/@actions/core/lib/core.js')).href
let dir: string

// A throwaway action using the real @actions/core, so the harness is checked against what actions write.
const SCRIPT = `
import * as core from '${CORE}'
const post = core.getState('isPost') === 'true'
if (!post) {
  core.saveState('isPost', 'true')
  core.saveState('multi', 'line one\\nline two')
  core.setOutput('greeting', 'hello ' + core.getInput('who name'))
  core.setOutput('multiline', 'a\\nb=c\\n<<x')
  core.setOutput('token-input', core.getInput('github-token'))
  core.setSecret('s3cr3t')
  core.exportVariable('EXPORTED', 'yes')
  core.addPath('/opt/extra/bin')
  core.warning('careful', { file: 'a.ts', startLine: 3 })
  await core.summary.addHeading('Report').addRaw('done').write()
  const seen = Object.keys(process.env).filter(k => !k.startsWith('INPUT_') && !k.startsWith('STATE_'))
  core.setOutput('env-keys', seen.sort().join(','))
  core.setOutput('cwd', process.cwd())
  if (core.getInput('fail') === 'true') core.setFailed('asked to fail')
} else {
  core.setOutput('post-saw', core.getState('multi') + '|' + process.env.EXPORTED + '|' + process.env.PATH.split(':')[0])
}
`

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harness-test-'))
  await writeFile(join(dir, 'index.mjs'), SCRIPT)
  await writeFile(
    join(dir, 'action.yml'),
    `name: t\ninputs:\n  who name:\n    default: world\n  github-token:\n    default: \${{ github.token }}\n  repo:\n    default: \${{ github.repository }}\nruns:\n  using: node24\n  main: index.mjs\n  post: index.mjs\n`
  )
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('runAction', () => {
  it('runs an entry like the runner: inputs, outputs (heredoc), state, masks, summary, env, path', async () => {
    const r = await runAction({ entry: join(dir, 'index.mjs'), inputs: { 'who name': 'octocat' } })
    expect(r.exitCode).toBe(0)
    expect(r.outputs.greeting).toBe('hello octocat')
    expect(r.outputs.multiline).toBe('a\nb=c\n<<x')
    expect(r.state).toEqual({ isPost: 'true', multi: 'line one\nline two' })
    expect(r.masked).toEqual(['s3cr3t'])
    expect(r.commands).toContainEqual({
      command: 'warning',
      properties: { file: 'a.ts', line: '3' },
      message: 'careful'
    })
    expect(r.summary).toContain('<h1>Report</h1>')
    expect(r.env).toEqual({ EXPORTED: 'yes' })
    expect(r.path.trim()).toBe('/opt/extra/bin')
    expect(r.durationMs).toBeGreaterThan(0)
    const keys = r.outputs['env-keys'].split(',')
    expect(keys).toEqual(
      expect.arrayContaining(['GITHUB_OUTPUT', 'GITHUB_STATE', 'RUNNER_TEMP', 'GITHUB_RUN_ID', 'PATH'])
    )
    // Nothing leaks from the test process (jest sets JEST_WORKER_ID, npm sets npm_*).
    expect(keys.filter(k => k.startsWith('npm_') || k.startsWith('JEST'))).toEqual([])
    expect(r.outputs.cwd).toMatch(/workspace$/)
  })

  it('reports the exit code of a failing action', async () => {
    const r = await runAction({ entry: join(dir, 'index.mjs'), inputs: { fail: 'true' } })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain('::error::asked to fail')
  })

  it('applies action.yml defaults, evaluating ${{ github.token }} and ${{ github.repository }}', async () => {
    const r = await runAction({
      action: join(dir, 'action.yml'),
      githubToken: 'ghs_abc',
      env: { GITHUB_REPOSITORY: 'a/b' }
    })
    expect(r.outputs.greeting).toBe('hello world')
    expect(r.outputs['token-input']).toBe('ghs_abc')
  })
})

describe('runMainAndPost', () => {
  it('gives post the state main saved and the environment main exported', async () => {
    const { main, post } = await runMainAndPost({ action: join(dir, 'action.yml') })
    expect(main.exitCode).toBe(0)
    expect(post?.exitCode).toBe(0)
    expect(post?.outputs['post-saw']).toBe('line one\nline two|yes|/opt/extra/bin')
  })
})

describe('parseFileCommands', () => {
  it('follows the runner rules for NAME=VALUE and NAME<<DELIMITER', () => {
    expect(parseFileCommands('a=1\nb<<EOF\nx\ny\nEOF\nc=d=e\n\nf<<g=h\nv\ng=h\n')).toEqual({
      a: '1',
      b: 'x\ny',
      c: 'd=e',
      // '<<' before '=' makes a heredoc whose delimiter is 'g=h'
      f: 'v'
    })
    expect(() => parseFileCommands('a<<EOF\nno end\n')).toThrow(/matching delimiter not found 'EOF'/)
    expect(() => parseFileCommands('=x')).toThrow(/name must not be empty/)
  })
})
