import { describe, expect, it } from '@jest/globals'
import { ArtifactError } from '../../src/artifacts/artifact-error.ts'
import {
  matchOutputArtifacts,
  parseOutputArtifacts,
  type OutputArtifactsInput
} from '../../src/artifacts/output-entries.ts'
import { UserError } from '../../src/errors.ts'

const WS = '/home/runner/work/app/app'
const parse = (raw: string) => parseOutputArtifacts(raw, WS)

describe('parseOutputArtifacts', () => {
  it('reads NAME=PATH lines, resolving paths against the workspace and keeping them as written', () => {
    expect(parse('BuildOutput=dist\n\n  Templates = cfn/template.yml  \r\nAbs=/tmp/out')).toEqual({
      kind: 'named',
      entries: [
        { name: 'BuildOutput', path: { given: 'dist', absolute: `${WS}/dist` } },
        { name: 'Templates', path: { given: 'cfn/template.yml', absolute: `${WS}/cfn/template.yml` } },
        { name: 'Abs', path: { given: '/tmp/out', absolute: '/tmp/out' } }
      ]
    })
  })

  it('takes a single line without a name as the path of the one output artifact', () => {
    expect(parse('build-output')).toEqual({
      kind: 'bare',
      path: { given: 'build-output', absolute: `${WS}/build-output` }
    })
    // A path that only looks like NAME=: a slash before the = makes it a path.
    expect(parse('./out=1')).toEqual({ kind: 'bare', path: { given: './out=1', absolute: `${WS}/out=1` } })
  })

  it('is undefined when empty', () => {
    expect(parse('')).toBeUndefined()
    expect(parse(' \n \n')).toBeUndefined()
  })

  it.each([
    ['dist\nbuild', /has 2 lines without an artifact name; write one NAME=PATH line per output artifact/],
    ['A=dist\nbuild', /output-artifacts line 2 is "build"; write NAME=PATH on every line/],
    [
      'Build.Out=dist',
      /line 1: "Build.Out" is not an artifact name; CodePipeline's names are 1 to 100 letters/
    ],
    [`${'a'.repeat(101)}=dist`, /is not an artifact name/],
    ['A=dist\nB=', /line 2 gives B no path: write B=PATH/],
    ['A=dist\nA=build', /names A twice; keep one line for it/]
  ])('refuses %j before any network call', (raw, message) => {
    expect(() => parse(raw)).toThrow(UserError)
    expect(() => parse(raw)).toThrow(message)
  })
})

describe('matchOutputArtifacts', () => {
  const named = parse('BuildOutput=dist\nTemplates=cfn') as OutputArtifactsInput
  const bare = parse('dist') as OutputArtifactsInput

  it("gives every declared artifact its path, in the job's order", () => {
    expect(matchOutputArtifacts(named, ['Templates', 'BuildOutput'])).toEqual([
      { name: 'Templates', path: { given: 'cfn', absolute: `${WS}/cfn` } },
      { name: 'BuildOutput', path: { given: 'dist', absolute: `${WS}/dist` } }
    ])
  })

  it("names the job's only output artifact for a bare path", () => {
    expect(matchOutputArtifacts(bare, ['BuildOutput'])).toEqual([
      { name: 'BuildOutput', path: { given: 'dist', absolute: `${WS}/dist` } }
    ])
  })

  it('needs nothing when the job declares nothing and nothing is given', () => {
    expect(matchOutputArtifacts(undefined, [])).toEqual([])
  })

  const failure = (input: OutputArtifactsInput | undefined, declared: string[]) => {
    try {
      matchOutputArtifacts(input, declared)
    } catch (error) {
      expect(error).toBeInstanceOf(ArtifactError)
      expect((error as ArtifactError).failureType).toBe('ConfigurationError')
      return (error as Error).message
    }
    throw new Error('expected a refusal')
  }

  it('refuses a name the job does not declare, naming the declared ones', () => {
    expect(failure(named, ['BuildOutput'])).toBe(
      'output-artifacts names "Templates", which this job does not declare; its output artifacts are "BuildOutput".'
    )
    expect(failure(named, [])).toBe(
      'output-artifacts names "BuildOutput", "Templates", which this job does not declare; it declares no output artifacts.'
    )
  })

  it('refuses a declared artifact without an entry, saying which line to add', () => {
    expect(failure(named, ['BuildOutput', 'Templates', 'Docs'])).toBe(
      'Output artifact "Docs" has no entry in output-artifacts: add a line Docs=PATH.'
    )
    expect(failure(undefined, ['BuildOutput', 'Docs'])).toBe(
      'This job declares output artifact(s) "BuildOutput", "Docs", but output-artifacts is empty: add ' +
        "BuildOutput=PATH, Docs=PATH so that the pipeline's later stages get them."
    )
  })

  it('refuses a bare path unless the job declares exactly one output artifact', () => {
    expect(failure(bare, ['A', 'B'])).toBe(
      'output-artifacts is a single path ("dist") without a name, but this job does not declare exactly one ' +
        'output artifact: its output artifacts are "A", "B". Write one NAME=PATH line for each.'
    )
    expect(failure(bare, [])).toMatch(/it declares no output artifacts\. Remove output-artifacts\.$/)
  })
})
