// The release notes of a version: its section of CHANGELOG.md (Keep a Changelog format), without the heading.
// The release workflow runs `node scripts/release-notes.ts 1.2.3` and fails when the section is missing or empty,
// so that no release goes out without notes.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The body of the `## [version]` section (a `## version` heading also counts), trimmed. Throws if there is none. */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const heading = (line: string): string | undefined => /^## \[?([^\]\s]+)\]?(?:\s|$)/.exec(line)?.[1]
  const start = lines.findIndex(line => heading(line) === version)
  if (start < 0)
    throw new Error(`CHANGELOG.md has no "## [${version}]" section: add one before tagging v${version}.`)
  let end = lines.findIndex((line, i) => i > start && (line.startsWith('## ') || /^\[[^\]]+\]: /.test(line)))
  if (end < 0) end = lines.length
  const body = lines
    .slice(start + 1, end)
    .join('\n')
    .trim()
  if (!body) throw new Error(`The "## [${version}]" section of CHANGELOG.md is empty.`)
  return body
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = (process.argv[2] ?? '').replace(/^v/, '')
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    console.error('usage: node scripts/release-notes.ts <version>, e.g. 1.2.3')
    process.exit(2)
  }
  try {
    process.stdout.write(`${releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), version)}\n`)
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
