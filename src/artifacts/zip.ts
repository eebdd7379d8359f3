import type { Dirent } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Readable } from 'node:stream'
import { ZipFile } from 'yazl'
import { ArtifactError, misconfigured } from './artifact-error.ts'
import type { LocalPath } from './output-entries.ts'

// An output artifact's ZIP, made as it is read: yazl streams each file through deflate into its output, one
// file at a time, and switches to ZIP64 by itself for files and archives past 4 GiB. Downstream actions
// (CloudFormation, CodeDeploy, ECS) read the files at the root of the ZIP, so a directory's contents go there.

/**
 * The ZIP of a directory's contents, or of one file, as a stream. A file that cannot be read (or a symbolic link
 * loop, or a socket) destroys the stream with an ArtifactError naming it; `failed` tells such an error from the
 * upload's own.
 */
export function zipStream(
  artifact: string,
  path: LocalPath,
  kind: 'file' | 'directory'
): { stream: Readable; failed: () => Error | undefined } {
  const zip = new ZipFile()
  const stream = zip.outputStream as Readable
  let failure: Error | undefined
  const fail = (error: Error) => {
    failure ??= error
    stream.destroy(error)
  }
  zip.on('error', (error: Error) => fail(unreadable(artifact, path, error)))
  const added =
    kind === 'file'
      ? Promise.resolve(zip.addFile(path.absolute, basename(path.absolute)))
      : addDirectory(zip, artifact, path, path.absolute, '', [])
  added.then(
    () => zip.end(),
    (error: Error) => fail(error instanceof ArtifactError ? error : unreadable(artifact, path, error))
  )
  return { stream, failed: () => failure }
}

/** Adds a directory's entries in name order (the same files give the same ZIP), following symbolic links. */
async function addDirectory(
  zip: ZipFile,
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
  if (!entries.length && prefix) zip.addEmptyDirectory(prefix)
  for (const entry of entries) {
    const path = join(dir, entry.name)
    const name = prefix + entry.name
    const kind = await kindOf(entry, path, artifact, root)
    if (kind === 'file') zip.addFile(path, name)
    else await addDirectory(zip, artifact, root, path, `${name}/`, [...ancestors, here])
  }
}

async function kindOf(entry: Dirent, path: string, artifact: string, root: LocalPath) {
  let target: Pick<Dirent, 'isFile' | 'isDirectory'> = entry
  if (entry.isSymbolicLink()) {
    try {
      target = await stat(path)
    } catch (error) {
      throw misconfigured(
        `Output artifact "${artifact}": ${path} (in ${root.given}) is a symbolic link to nothing: ` +
          `${(error as Error).message}. Remove it or make it point to a file.`,
        { cause: error }
      )
    }
  }
  if (target.isFile()) return 'file'
  if (target.isDirectory()) return 'directory'
  throw misconfigured(
    `Output artifact "${artifact}": ${path} (in ${root.given}) is neither a file nor a directory (a socket, ` +
      'FIFO or device), which a ZIP cannot hold; remove it from the directory.'
  )
}

function unreadable(artifact: string, path: LocalPath, error: Error) {
  return misconfigured(
    `Output artifact "${artifact}": could not read ${path.given} to zip it: ${error.message}`,
    { cause: error }
  )
}
