import { constants } from 'node:fs'
import { mkdir, open, realpath, rm, type FileHandle } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fromRandomAccessReaderPromise, type Entry, type Options, type ZipFile } from 'yauzl'
import { errorMessage } from '../errors.ts'
import { ArtifactError, misconfigured } from './artifact-error.ts'
import { zipOnDisk, type ArrivingZip } from './arriving-zip.ts'
import { entryTarget, escapes, fileMode, isInside, isSymlink } from './layout.ts'

// Extraction of an input artifact, streamed: yauzl reads the ZIP's central directory, then a few entries at a
// time are inflated or copied into their files, so memory does not grow with the archive (ZIP64 included). A
// failed extraction removes what it wrote.

export interface Extracted {
  files: number
  bytes: number
}

// An existing file is replaced, but a symbolic link at an entry's path is never followed.
const WRITE_NO_FOLLOW =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0)

/** Entries written at once: the kernel's copies and zlib's inflating spread over the runner's cores. */
const WRITERS = Math.max(2, Math.min(8, availableParallelism() * 2))
/** Each writer's buffer for copying stored entries. */
const COPY_BYTES = 1024 * 1024
const OPTIONS: Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true }

/** A ZIP still arriving (arriving-zip.ts): `complete` settles once all of it is in and checked. */
export interface ArrivingSource {
  reader: ArrivingZip
  size: number
  complete: Promise<unknown>
}

/**
 * Extracts the ZIP file at `source` (a path, or one still arriving) into `dir`. Every entry is checked before the
 * first is written, so a ZIP with an entry that would escape `dir` (or a symbolic link, or data this action cannot
 * decode) extracts nothing; a ZIP still arriving is extracted only if it completes, or what it wrote is removed.
 */
export async function extractZip(
  source: string | ArrivingSource,
  dir: string,
  artifact: string
): Promise<Extracted> {
  if (typeof source !== 'string') return extract(source, dir, artifact)
  const handle = await open(source, 'r')
  try {
    const { size } = await handle.stat()
    return await extract({ reader: zipOnDisk(handle), size, complete: Promise.resolve() }, dir, artifact)
  } finally {
    await handle.close()
  }
}

async function extract(source: ArrivingSource, dir: string, artifact: string): Promise<Extracted> {
  let zip: ZipFile | undefined
  /** Files and directories this extraction created, removed if it fails. */
  const written: string[] = []
  try {
    zip = await fromRandomAccessReaderPromise(source.reader, source.size, OPTIONS)
    const entries = new Map<string, Entry>()
    for await (const entry of zip.eachEntry()) {
      check(entry, dir, artifact)
      entries.delete(entry.fileName) // a name given twice: the later entry wins, as it would written in order
      entries.set(entry.fileName, entry)
    }
    const made = (path: string | undefined) => void (path && written.push(path))
    made(await mkdir(dir, { recursive: true }))
    const root = await realpath(dir)
    const files = [...entries.values()].filter(entry => !entry.fileName.endsWith('/'))
    for (const entry of entries.values())
      if (entry.fileName.endsWith('/'))
        made(await makeDirectory(root, entryTarget(root, entry.fileName, artifact), entry.fileName, artifact))
    const archive = zip
    let next = 0
    let failed = false
    const writer = async () => {
      const buffer = Buffer.allocUnsafe(COPY_BYTES)
      try {
        while (next < files.length && !failed)
          await write({ zip: archive, reader: source.reader, buffer }, files[next++], root, artifact, made)
      } catch (error) {
        failed = true
        throw error
      }
    }
    // Every writer stops before anything is removed.
    const outcomes = await Promise.allSettled(Array.from({ length: Math.min(WRITERS, files.length) }, writer))
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason
    await source.complete
    return { files: files.length, bytes: files.reduce((n, entry) => n + entry.uncompressedSize, 0) }
  } catch (error) {
    // A ZIP that arrived damaged or changed fails for that, whatever yauzl made of its bytes.
    const cause = await source.complete.then(
      () => error,
      (reason: unknown) => reason
    )
    await Promise.all(written.map(path => rm(path, { recursive: true, force: true })))
    throw explain(cause, artifact)
  } finally {
    zip?.close()
  }
}

/** What is refused before anything is written: names that escape, symbolic links, data that cannot be decoded. */
function check(entry: Entry, dir: string, artifact: string): void {
  entryTarget(dir, entry.fileName, artifact)
  if (isSymlink(entry.externalFileAttributes)) {
    throw misconfigured(
      `Input artifact "${artifact}": refusing its ZIP entry "${entry.fileName}", a symbolic link (it could ` +
        'point anywhere). Nothing was extracted; store the file itself in the artifact instead.'
    )
  }
  if (!entry.fileName.endsWith('/') && !entry.canDecodeFileData()) {
    throw misconfigured(
      `Input artifact "${artifact}": its ZIP entry "${entry.fileName}" is ` +
        `${entry.isEncrypted() ? 'encrypted' : `compressed with method ${entry.compressionMethod}`}; this ` +
        'action extracts stored and deflated entries only. Nothing was extracted.'
    )
  }
}

/** What a writer reads an entry through. */
interface Reading {
  zip: ZipFile
  reader: ArrivingZip
  buffer: Buffer
}

async function write(
  { zip, reader, buffer }: Reading,
  entry: Entry,
  root: string,
  artifact: string,
  made: (path: string | undefined) => void
): Promise<void> {
  const target = entryTarget(root, entry.fileName, artifact)
  made(await makeDirectory(root, dirname(target), entry.fileName, artifact))
  let file
  try {
    file = await open(target, WRITE_NO_FOLLOW, fileMode(entry.externalFileAttributes))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw escapes(artifact, entry.fileName, root)
    throw error
  }
  made(target)
  if (entry.compressionMethod === 0) return copyStored(reader, zip, entry, file, buffer)
  const out = file.createWriteStream()
  try {
    await pipeline(await zip.openReadStreamPromise(entry), out)
  } finally {
    out.destroy() // closes the file if the entry could not be read
  }
}

/** A stored entry, copied as it is; yauzl finds where its data starts and has checked its sizes. */
async function copyStored(reader: ArrivingZip, zip: ZipFile, entry: Entry, file: FileHandle, buffer: Buffer) {
  try {
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true })
    await reader.copy(fileDataStart, fileDataStart + entry.compressedSize, file, buffer)
  } finally {
    await file.close()
  }
}

/**
 * `mkdir -p` of `path`, unless a symbolic link already in the directory (not from this ZIP) would carry it out:
 * where the part that exists really is decides, before anything is made. Returns the first directory made.
 */
async function makeDirectory(root: string, path: string, entryName: string, artifact: string) {
  let existing = path
  for (;;) {
    try {
      existing = await realpath(existing)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(existing) === existing) throw error
      existing = dirname(existing)
    }
  }
  if (!isInside(root, existing)) throw escapes(artifact, entryName, root)
  return mkdir(path, { recursive: true })
}

// yauzl's refusals of an entry's name: an absolute path, a drive letter, a `..` segment.
const BAD_NAME = /^(absolute path|invalid relative path|invalid characters in fileName): /

function explain(error: unknown, artifact: string): ArtifactError {
  if (error instanceof ArtifactError) return error
  const message = errorMessage(error)
  if (BAD_NAME.test(message)) {
    const name = message.replace(BAD_NAME, '')
    return misconfigured(
      `Input artifact "${artifact}": refusing its ZIP entry "${name}" (${message.replace(/: .*$/, '')}), which ` +
        'would be written outside the directory. Nothing was extracted; check the action that produced it.',
      { cause: error }
    )
  }
  if (typeof (error as NodeJS.ErrnoException).code === 'string') {
    return misconfigured(`Input artifact "${artifact}" could not be extracted: ${message}`, { cause: error })
  }
  return misconfigured(`Input artifact "${artifact}" is not a ZIP file this action can read: ${message}`, {
    cause: error
  })
}
