// Reading the docs as GitHub renders them: the headings' anchors, the relative links, and a page's sections, so
// that the docs tests check what a reader clicks and the commands they copy, wherever a page keeps them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, relative, resolve, sep } from 'node:path'

/** The Markdown outside fenced code blocks, with each fenced line blanked (line numbers stay). */
function withoutFences(markdown: string): string {
  let fence: string | undefined
  return markdown
    .split('\n')
    .map(line => {
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
      if (fence === undefined && marker) {
        fence = marker
        return ''
      }
      if (fence !== undefined) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
          fence = undefined
        return ''
      }
      return line
    })
    .join('\n')
}

/** A heading's text as GitHub turns it into an anchor: lower case, punctuation dropped but - and _, spaces to -. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image: its text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`([^`]*)`/g, '$1') // code spans keep their text
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2') // emphasis
    .trim()
    .toLowerCase()
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
}

/** Every anchor a page has: one per ATX heading (repeats get -1, -2, …), plus explicit id= and name= anchors. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  const text = withoutFences(markdown)
  for (const [, heading] of text.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    const base = slug(heading)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  for (const [, id] of text.matchAll(/<[a-z][^>]*\s(?:id|name)="([^"]+)"/gi)) anchors.add(id)
  return anchors
}

/** The link targets of a page, with their line: inline links and images, reference definitions, href and src. */
export function linksOf(markdown: string): Array<{ target: string; line: number }> {
  const links: Array<{ target: string; line: number }> = []
  withoutFences(markdown)
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/(`+)[\s\S]*?\1/g, '') // code spans are not links
      const found = [
        ...line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g),
        ...line.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g),
        ...line.matchAll(/\s(?:href|src)="([^"]*)"/g)
      ]
      for (const m of found) links.push({ target: m[1], line: i + 1 })
    })
  return links
}

const anchorCache = new Map<string, Set<string>>()
const anchorsOfFile = (file: string): Set<string> => {
  let anchors = anchorCache.get(file)
  if (!anchors) anchorCache.set(file, (anchors = anchorsOf(readFileSync(file, 'utf8'))))
  return anchors
}

/**
 * Why a relative link from `from` (a file under `root`) would not work on GitHub, or undefined when it does: the
 * file or directory must exist inside the repository, and an anchor must be a heading of that Markdown file
 * (`ownAnchors`: those of `from` itself, when its text is not the file's).
 */
export function brokenLink(
  root: string,
  from: string,
  target: string,
  ownAnchors?: Set<string>
): string | undefined {
  if (/^[a-z][a-z\d+.-]*:/i.test(target)) return undefined // https:, mailto: and the like
  if (target === '') return 'empty link'
  const hash = target.indexOf('#')
  const pathPart = decodeURI((hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, ''))
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1))
  const file = pathPart === '' ? from : resolve(dirname(from), pathPart)
  const inside = relative(root, file)
  if (inside.startsWith('..') || inside.split(sep)[0] === '..') return `${target} leaves the repository`
  if (!existsSync(file)) return `${target}: no such file ${relative(root, file) || '.'}`
  if (anchor === undefined) return undefined
  if (statSync(file).isDirectory()) return `${target}: a directory has no anchors`
  if (extname(file) !== '.md')
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `${target}: not a Markdown file`
  const anchors = file === from && ownAnchors ? ownAnchors : anchorsOfFile(file)
  return anchors.has(anchor) ? undefined : `${target}: ${relative(root, file)} has no heading #${anchor}`
}

/** Markdown files of the repository, outside node_modules, dist and dot-directories. */
export function markdownFiles(root: string): string[] {
  const found: string[] = []
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || ['node_modules', 'dist', 'coverage'].includes(entry.name)) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (entry.name.endsWith('.md')) found.push(path)
    }
  }
  visit(root)
  return found.sort()
}

/** The text from a heading line to the next heading of the same or a higher level (code blocks are not headings). */
export function sectionOf(markdown: string, heading: string, page = 'the page'): string {
  const lines = markdown.split('\n')
  const outside = withoutFences(markdown).split('\n')
  const start = outside.findIndex(line => line.startsWith(heading))
  if (start < 0) throw new Error(`${page} has no heading starting with "${heading}"`)
  const level = /^#+/.exec(heading)?.[0].length ?? 2
  const isEnd = (line: string) => /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level
  const end = outside.findIndex((line, i) => i > start && isEnd(line))
  return lines.slice(start, end < 0 ? undefined : end).join('\n')
}
