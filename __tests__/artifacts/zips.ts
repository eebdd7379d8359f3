// ZIP files for tests, including ones no honest tool makes: yazl refuses to write a `../` name, so a harmless
// name of the same length is written and then replaced in the bytes (local header and central directory).
import { ZipFile } from 'yazl'

export interface ZipEntry {
  name: string
  data?: string | Buffer
  /** Stored as it is rather than deflated. */
  store?: boolean
  /** Unix mode with the file type: 0o120777 makes a symbolic link whose data is its target. */
  mode?: number
}

/** `zip64`: ZIP64 records for every entry and the end, as yazl writes them past 4 GiB. */
export async function zipOf(entries: ZipEntry[], zip64 = false): Promise<Buffer> {
  const zip = new ZipFile()
  for (const entry of entries) {
    const options = { mtime: new Date(Date.UTC(2024, 0, 1)), ...(entry.mode ? { mode: entry.mode } : {}) }
    const file = { ...options, compress: !entry.store, ...(zip64 ? { forceZip64Format: true } : {}) }
    if (entry.name.endsWith('/')) zip.addEmptyDirectory(entry.name, options)
    else zip.addBuffer(Buffer.from(entry.data ?? ''), entry.name, file)
  }
  zip.end({ forceZip64Format: zip64, comment: '' })
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** A ZIP whose entry `placeholder` is renamed to `name` (same length) after yazl wrote it. */
export async function zipNaming(name: string, placeholder: string, others: ZipEntry[] = []): Promise<Buffer> {
  if (name.length !== placeholder.length) throw new Error('the placeholder must have the length of the name')
  const bytes = await zipOf([...others, { name: placeholder, data: 'escaped' }])
  const from = Buffer.from(placeholder)
  let at = bytes.indexOf(from)
  let renamed = 0
  while (at >= 0) {
    Buffer.from(name).copy(bytes, at)
    renamed += 1
    at = bytes.indexOf(from, at + 1)
  }
  if (renamed !== 2) throw new Error(`expected the name twice in the ZIP, found it ${renamed} times`)
  return bytes
}
