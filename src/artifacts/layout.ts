import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { misconfigured } from './artifact-error.ts'

// Where extracted files may go. Pure: paths and ZIP metadata in, a destination or a refusal out. yauzl already
// refuses absolute names, drive letters and `..` segments; these checks hold on their own, whatever a ZIP says.

/** One input artifact straight into the directory; several, each into a sub-directory named after it. */
export function inputDestinations(dir: string, names: string[]): { name: string; dir: string }[] {
  if (names.length === 1) return [{ name: names[0], dir }]
  return names.map(name => ({ name, dir: join(dir, name) }))
}

/** Whether `path` is `root` or inside it (both absolute and resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`))
}

/** The absolute path a ZIP entry extracts to; an ArtifactError when it would land outside `root`. */
export function entryTarget(root: string, entryName: string, artifact: string): string {
  const target = resolve(root, entryName)
  if (!isInside(root, target)) throw escapes(artifact, entryName, root)
  return target
}

// The file type bits of a Unix mode, stored by Unix zip tools in the high 16 bits of the external attributes.
const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/** A ZIP entry that is a symbolic link: never extracted, since it could point anywhere. */
export function isSymlink(externalFileAttributes: number): boolean {
  return ((externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK
}

/** Extracted files are readable by all, and executable when the ZIP says so (build scripts keep working). */
export function fileMode(externalFileAttributes: number): number {
  return (externalFileAttributes >>> 16) & 0o111 ? 0o755 : 0o644
}

export function escapes(artifact: string, entryName: string, root: string) {
  return misconfigured(
    `Input artifact "${artifact}": refusing its ZIP entry "${entryName}", which would be written outside ` +
      `${root}; check the action that produced it.`
  )
}
