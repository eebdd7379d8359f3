// README's input and output tables are what users read instead of action.yml: they must list every input and
// output, with the default and required flag action.yml declares. action.yml's name and description fit a
// Marketplace listing. Also: the commands README and docs/ promise exist, and Troubleshooting quotes real errors.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

interface ActionYml {
  name?: string
  description?: string
  branding?: { icon?: string; color?: string }
  inputs: Record<string, { description?: string; required?: boolean; default?: unknown }>
  outputs: Record<string, { description?: string }>
}

const README = readFileSync('README.md', 'utf8')
const DOCS = readdirSync('docs')
  .filter(f => f.endsWith('.md'))
  .map(f => `docs/${f}`)
const TROUBLESHOOTING = readFileSync('docs/troubleshooting.md', 'utf8')
const action = (path: string) => parse(readFileSync(path, 'utf8')) as ActionYml

/** The Markdown table between `<!-- <kind>: <file> -->` and the next `<!-- end -->`, as rows of cells. */
export function tableAfter(markdown: string, kind: 'inputs' | 'outputs', file: string): string[][] {
  const start = markdown.indexOf(`<!-- ${kind}: ${file} -->`)
  if (start < 0) throw new Error(`README has no "<!-- ${kind}: ${file} -->" marker`)
  const end = markdown.indexOf('<!-- end -->', start)
  const rows = markdown
    .slice(start, end)
    .split('\n')
    .filter(line => line.startsWith('|'))
    .map(line =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map(cell => cell.trim())
    )
  // Header and the |---| separator.
  return rows.slice(2)
}

const unquote = (cell: string): string => cell.replace(/^`(.*)`$/, '$1')

/** What README's default column must say for an input: the default in backticks, or — for none. */
const expectedDefault = (spec: ActionYml['inputs'][string]): string =>
  spec.default === undefined ? '—' : `\`${String(spec.default)}\``

/** Differences between README's input rows and action.yml, one line each (empty when they agree). */
function inputDrift(rows: string[][], yml: ActionYml): string[] {
  const shown = rows.map(
    ([name, required, dflt]) => `${unquote(name)} | required ${required} | default ${dflt}`
  )
  const declared = Object.entries(yml.inputs).map(
    ([name, spec]) => `${name} | required ${spec.required ? 'yes' : 'no'} | default ${expectedDefault(spec)}`
  )
  return [
    ...shown.filter(row => !declared.includes(row)).map(row => `README says: ${row}`),
    ...declared.filter(row => !shown.includes(row)).map(row => `action.yml says: ${row}`),
    ...(shown.join('\n') === declared.join('\n') || shown.length !== declared.length ? [] : ['order differs'])
  ]
}

describe.each([
  ['action.yml', 'report'],
  ['poll/action.yml', 'poll']
])('README tables for %s (the %s action)', file => {
  const yml = action(file)

  it('list every input, once, in action.yml order, with its required flag and default', () => {
    const rows = tableAfter(README, 'inputs', file)
    expect(inputDrift(rows, yml)).toEqual([])
    for (const row of rows) expect(row[3]?.length).toBeGreaterThan(4) // a description, not an empty cell
  })

  it('list every output, once, in action.yml order', () => {
    const rows = tableAfter(README, 'outputs', file)
    expect(rows.map(([name]) => unquote(name))).toEqual(Object.keys(yml.outputs))
    for (const row of rows) expect(row[1]?.length).toBeGreaterThan(4)
  })

  it('action.yml has a name, a description under 125 characters and branding, as the Marketplace asks', () => {
    expect(yml.name?.length).toBeGreaterThan(5)
    expect(yml.description?.length).toBeGreaterThan(20)
    expect(yml.description!.length).toBeLessThan(125)
    expect(yml.description).not.toContain('\n')
    expect(yml.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })

  it('action.yml describes every input and output (the Marketplace shows these)', () => {
    for (const spec of [...Object.values(yml.inputs), ...Object.values(yml.outputs)])
      expect(spec.description?.trim().length).toBeGreaterThan(10)
  })
})

it('the two actions have different names (a Marketplace name is unique)', () => {
  const names = ['action.yml', 'poll/action.yml'].map(f => action(f).name?.trim().toLowerCase())
  expect(new Set(names).size).toBe(2)
})

describe('README table check', () => {
  it('notices a drifted default, a missing input and a wrong required flag', () => {
    const yml = action('action.yml')
    const rows = tableAfter(README, 'inputs', 'action.yml')
    const edit = (name: string, change: (row: string[]) => string[] | undefined) =>
      rows.flatMap(row =>
        unquote(row[0]) === name ? [change([...row])].filter(r => r !== undefined) : [row]
      )
    expect(
      inputDrift(
        edit('max-attempts', r => [r[0], r[1], '`3`', r[3]]),
        yml
      )
    ).not.toEqual([])
    expect(
      inputDrift(
        edit('dry-run', () => undefined),
        yml
      )
    ).not.toEqual([])
    expect(
      inputDrift(
        edit('job-id', r => [r[0], 'no', r[2], r[3]]),
        yml
      )
    ).not.toEqual([])
  })
})

describe('README', () => {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
    .scripts

  it('is under 2,500 words (a word has a letter or digit: table rules and pipes are not words)', () => {
    const words = README.replace(/<!--[\s\S]*?-->/g, '')
      .split(/\s+/)
      .filter(token => /[A-Za-z0-9]/.test(token))
    expect(words.length).toBeLessThan(2500)
    expect(words.length).toBeGreaterThan(500)
  })

  it('has the table of what happens when one side stops early, in its poll action section', () => {
    const poll = README.slice(README.indexOf('### The poll action'), README.indexOf('## Documentation'))
    expect(poll).toContain('#### When one side stops early')
    for (const state of ['Abandoned', 'startup_failure', 'queue-timeout-minutes', 'SIGTERM'])
      expect(poll).toContain(state)
  })

  it('gives the two commands on its first screen, and they exist', () => {
    // Near the top, before the diagram: the first thing a visitor can act on.
    const lineOf = (text: string) => README.slice(0, README.indexOf(text)).split('\n').length
    expect(lineOf('npm ci && npm run demo')).toBeLessThan(30)
    expect(lineOf('npm test ')).toBeLessThan(30)
    expect(lineOf('npm ci && npm run demo')).toBeLessThan(lineOf('```mermaid'))
    expect(scripts.demo).toBeDefined()
    expect(scripts.test).toBeDefined()
  })

  it('says that the npm scripts bring Node 24, and what the EBADENGINE warnings of an older Node mean', () => {
    const firstScreen = README.slice(0, README.indexOf('```mermaid'))
    expect(firstScreen).toContain('Node 24')
    expect(firstScreen).toContain('EBADENGINE')
    // The claim holds: the node@24 devDependency is what npm scripts run.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      devDependencies: Record<string, string>
    }
    expect(pkg.devDependencies.node).toMatch(/^24\./)
  })

  it('every `npm run <script>` it, CONTRIBUTING.md and docs/ mention exists', () => {
    const mentioned = ['README.md', 'CONTRIBUTING.md', ...DOCS].flatMap(file =>
      [...readFileSync(file, 'utf8').matchAll(/npm run ([\w:-]+)/g)].map(m => [file, m[1]])
    )
    expect(new Set(mentioned.map(([, name]) => name)).size).toBeGreaterThan(6)
    for (const [file, name] of mentioned)
      expect([file, name, scripts[name] !== undefined]).toEqual([file, name, true])
  })

  it('the scripts a contributor expects exist', () => {
    for (const name of [
      'bundle',
      'test',
      'lint',
      'lint:workflows',
      'format',
      'demo',
      'emulator',
      'bench',
      'all'
    ])
      expect([name, typeof scripts[name]]).toEqual([name, 'string'])
  })
})

describe('docs/troubleshooting.md', () => {
  it('quotes error texts the code actually produces', () => {
    // Troubleshooting headings quote messages; each quoted fragment must appear in src/ (modulo Markdown).
    const sources = sourceText()
    const readme = TROUBLESHOOTING.replace(/\s+/g, ' ')
    for (const fragment of [
      'role-to-assume is set, but this job cannot get a GitHub OIDC token',
      "Check the role's trust policy",
      'CodePipeline has no job',
      "may not read this run's jobs",
      'Reported to CodePipeline as a ',
      'already has a result (a re-run, or the job timed out)',
      'in the IAM policy of the role this action uses',
      'is left waiting until CodePipeline times it out',
      'GitHub found no workflow',
      'GitHub refused to start workflow',
      "The poller's github-token may not start workflows in",
      'CodePipeline has no custom action type'
    ]) {
      expect(readme).toContain(fragment)
      expect([fragment, sources.includes(fragment)]).toEqual([fragment, true])
    }
  })
})

function sourceText(): string {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.ts'))
  // Messages are built from string pieces joined with `+`; join adjacent literals so a fragment spanning two is found.
  return files
    .map(f => readFileSync(`src/${f}`, 'utf8'))
    .join('\n')
    .replace(/['`]\s*\+\s*\n?\s*['`]/g, '')
}
