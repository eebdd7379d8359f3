// Every relative link and #anchor of the repository's Markdown (README.md, docs/, the other READMEs) resolves as
// GitHub resolves it: to a file of the repository and, for an anchor, to a heading of that page. So do the doc
// pages that the comments of examples/ and templates/ point readers to.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { anchorsOf, brokenLink, linksOf, markdownFiles, slug } from './markdown.ts'
import { ROOT } from './source-scan.ts'

const PAGES = markdownFiles(ROOT)
const name = (file: string) => relative(ROOT, file)

/** The problems of one page, one line each: `file:line: why`. */
function problemsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const own = anchorsOf(text)
  return linksOf(text).flatMap(({ target, line }) => {
    const why = brokenLink(ROOT, file, target, own)
    return why ? [`${name(file)}:${line}: ${why}`] : []
  })
}

/** Doc pages named in the comments of examples/*.yml and templates/*.yml, e.g. `docs/setup.md#oidc-trust`. */
function commentReferences(): Array<{ file: string; target: string }> {
  const files = ['examples', 'templates'].flatMap(dir =>
    readdirSync(join(ROOT, dir))
      .filter(f => /\.ya?ml$/.test(f))
      .map(f => join(ROOT, dir, f))
  )
  return files.flatMap(file =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(line => /^\s*#/.test(line))
      .flatMap(line => [...line.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.md(?:#[\w-]+)?)/g)])
      .map(m => ({ file, target: m[1] }))
  )
}

describe('relative links and anchors', () => {
  it('are checked on README.md, every page of docs/ and the other READMEs', () => {
    const names = PAGES.map(name)
    expect(names).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'SECURITY.md']))
    expect(names).toEqual(expect.arrayContaining(['docs/setup.md', 'docs/security.md', 'poll/README.md']))
    expect(names.filter(n => n.startsWith('docs/')).length).toBeGreaterThanOrEqual(10)
    expect(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(20)
  })

  it.each(PAGES.map(name))('%s: every one resolves', page => {
    expect(problemsOf(join(ROOT, page))).toEqual([])
  })

  it('the doc pages that the comments of examples/ and templates/ name exist, with their headings', () => {
    const references = commentReferences()
    expect(references.length).toBeGreaterThanOrEqual(8)
    const broken = references.flatMap(({ file, target }) => {
      const why = brokenLink(ROOT, join(ROOT, 'README.md'), target) // named from the repository's root
      return why ? [`${name(file)}: ${why}`] : []
    })
    expect(broken).toEqual([])
  })

  it('a broken link, a missing heading or a link out of the repository is reported, with its line', () => {
    const page = join(ROOT, 'docs', 'setup.md')
    const text = [
      '# A page',
      '',
      'See [the limits](limits.md#limits), [here](#a-page) and [the site](https://example.com/#x).',
      'Broken: [gone](no-such-page.md) and [no heading](security.md#no-such-heading),',
      '[not here](#nowhere), [outside](../../etc/passwd) and [a file](../action.yml#inputs).',
      '```md',
      '[in a code block](nothing.md) is not a link',
      '```',
      '`[in code](nothing.md)` neither.'
    ].join('\n')
    expect(problemsOf(page, text)).toEqual([
      'docs/setup.md:4: no-such-page.md: no such file docs/no-such-page.md',
      'docs/setup.md:4: security.md#no-such-heading: docs/security.md has no heading #no-such-heading',
      'docs/setup.md:5: #nowhere: docs/setup.md has no heading #nowhere',
      'docs/setup.md:5: ../../etc/passwd leaves the repository',
      'docs/setup.md:5: ../action.yml#inputs: not a Markdown file'
    ])
  })
})

describe("GitHub's heading anchors", () => {
  it('lower-case the text, drop punctuation but - and _, and turn each space into -', () => {
    expect(slug('Quick start')).toBe('quick-start')
    expect(slug('What to put in `uses:`')).toBe('what-to-put-in-uses')
    expect(slug('AWS IAM (least privilege)')).toBe('aws-iam-least-privilege')
    expect(slug('The poll action: `OWNER/REPO/poll@v1`')).toBe('the-poll-action-ownerrepopollv1')
    expect(slug('CodePipeline ⇄ GitHub Actions bridge')).toBe('codepipeline--github-actions-bridge')
    expect(slug('With `@github/local-action`')).toBe('with-githublocal-action')
    expect(slug('snake_case and [a link](x.md)')).toBe('snake_case-and-a-link')
  })

  it('number repeated headings -1, -2, and ignore lines in code blocks', () => {
    const anchors = anchorsOf('# Inputs\n## Inputs\n### Inputs\n```sh\n# Inputs\n```\n## Outputs ##\n')
    expect([...anchors]).toEqual(['inputs', 'inputs-1', 'inputs-2', 'outputs'])
  })
})
