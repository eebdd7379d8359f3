import type { Dirent, Stats } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { misconfigured } from './artifact-error.ts'
import type { LocalPath } from './output-entries.ts'

// What goes into an output artifact's ZIP, listed before the first byte is sent: a directory's contents at the
// root of the ZIP (CloudFormation, CodeDeploy and ECS read them there), or one file under its own name. A path
// that cannot be zipped is refused here, so nothing half-made is uploaded.

export interface ZipSource {
  /** The name in the ZIP; a directory's ends with `/`. */
  name: string
  /** The file to read; none for a directory. */
  path?: string
  size: number
  mode: number
  mtime: Date
}

/** The entries of the ZIP of `path`, in name order (the same files give the same ZIP), symbolic links followed. */
export async function zipSources(
  artifact: string,
  path: LocalPath,
  kind: 'file' | 'directory'
): Promise<ZipSource[]> {
  if (kind === 'file')
    return [fileSource(artifact, path, path.absolute, basename(path.absolute), await stat(path.absolute))]
  const sources: ZipSource[] = []
  await addDirectory(sources, artifact, path, path.absolute, '', [])
  return sources
}

async function addDirectory(
  sources: ZipSource[],
  artifact: string,
  root: LocalPath,
  dir: string,
  prefix: string,
  ancestors: string[]
): Promise<void> {
  const here = await realpath(dir)
  if (ancestors.includes(here)) {
    throw misconfigured(
      `Output artifact "${artifact}": ${dir} (in ${root.given}) is a symbolic link to a directory that contains ` +
        'it, a loop that would never end; remove the link or point it elsewhere.'
    )
  }
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  if (!entries.length && prefix) {
    const found = await stat(dir)
    sources.push({ name: prefix, size: 0, mode: found.mode, mtime: found.mtime })
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    const name = prefix + entry.name
    const found = await statOf(entry, path, artifact, root)
    if (found.isFile()) sources.push(fileSource(artifact, root, path, name, found))
    else await addDirectory(sources, artifact, root, path, `${name}/`, [...ancestors, here])
  }
}

function fileSource(artifact: string, root: LocalPath, path: string, name: string, found: Stats): ZipSource {
  // Windows tools and many ZIP readers take a backslash for a directory separator: `..\x` would climb out.
  if (name.includes('\\')) {
    throw misconfigured(
      `Output artifact "${artifact}": ${path} (in ${root.given}) has a backslash in its name, which ZIP readers ` +
        'take as a directory separator; rename it.'
    )
  }
  return { name, path, size: found.size, mode: found.mode, mtime: found.mtime }
}

async function statOf(entry: Dirent, path: string, artifact: string, root: LocalPath): Promise<Stats> {
  let found: Stats
  try {
    found = await stat(path)
  } catch (error) {
    if (!entry.isSymbolicLink()) throw error
    throw misconfigured(
      `Output artifact "${artifact}": ${path} (in ${root.given}) is a symbolic link to nothing: ` +
        `${(error as Error).message}. Remove it or make it point to a file.`,
      { cause: error }
    )
  }
  if (found.isFile() || found.isDirectory()) return found
  throw misconfigured(
    `Output artifact "${artifact}": ${path} (in ${root.given}) is neither a file nor a directory (a socket, ` +
      'FIFO or device), which a ZIP cannot hold; remove it from the directory.'
  )
}
