// What the artifact benches move and how they check it: the data set (56 files of 4 MiB of random bytes, the
// worst case for time as deflate gains nothing on them, and 8 of 4 MiB of JSON log lines, which deflate shrinks:
// 64 files and 256 MiB in two sub-directories), the entries a ZIP or a directory of it must hold (name, size,
// CRC-32), and the tools the action is compared with (zip, unzip, AWS CLI v2, GNU time for their peak RSS).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { crc32 } from 'node:zlib'
import { openPromise } from 'yauzl'
import { findAwsCliV2, INSTALL_HINT } from './aws-cli.ts'

export const MiB = 1024 * 1024
export const GNU_TIME = '/usr/bin/time'

export interface DataSet {
  binaryFiles: number
  textFiles: number
  fileBytes: number
}

export const DATA_SET: DataSet = { binaryFiles: 56, textFiles: 8, fileBytes: 4 * MiB }

/** The data set's size in bytes. */
export const dataBytes = (set: DataSet): number => (set.binaryFiles + set.textFiles) * set.fileBytes

export function describeDataSet(set = DATA_SET): string {
  return (
    `${dataBytes(set) / MiB} MiB in ${set.binaryFiles + set.textFiles} files of ${set.fileBytes / MiB} MiB: ${set.binaryFiles} of random ` +
    `bytes (incompressible) and ${set.textFiles} of JSON log lines (compressible), in two sub-directories`
  )
}

/** Writes the data set; returns the entries a ZIP of it must hold (path, size, CRC-32), sorted. */
export async function writeDataSet(root: string, data: DataSet): Promise<string[]> {
  const entries: string[] = []
  const write = async (path: string, content: Buffer) => {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), content)
    entries.push(`${path} ${content.length} ${crc32(content)}`)
  }
  for (let i = 0; i < data.binaryFiles; i++) {
    await write(`assets/chunk-${String(i).padStart(3, '0')}.bin`, randomBytes(data.fileBytes))
  }
  for (let i = 0; i < data.textFiles; i++) await write(textFile(i), logLines(i, data.fileBytes))
  return entries.sort()
}

/** The data set's compressible files, relative to its root. */
export const textFile = (i: number): string => `logs/build-${String(i).padStart(2, '0')}.log`

/** Text a build might leave behind: JSON log lines with varying numbers and ids, exactly `bytes` long. */
export function logLines(seed: number, bytes: number): Buffer {
  const lines: string[] = []
  let length = 0
  for (let n = 0; length < bytes; n++) {
    const id = ((n * 2654435761 + seed * 40503) >>> 0).toString(16).padStart(8, '0')
    const line =
      `{"ts":"2024-05-0${1 + (seed % 9)}T12:${String(n % 60).padStart(2, '0')}:${String((n * 7) % 60).padStart(2, '0')}Z",` +
      `"level":"${n % 17 === 0 ? 'warn' : 'info'}","msg":"request handled","path":"/api/items/${(n * 31) % 9973}",` +
      `"status":${n % 23 === 0 ? 404 : 200},"ms":${(n * 13) % 997},"request":"${id}"}\n`
    lines.push(line)
    length += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, bytes)
}

/** Name, size and CRC-32 of every file entry (directory entries left out), from the central directory. */
export async function zipEntries(zipPath: string): Promise<string[]> {
  const zip = await openPromise(zipPath, { lazyEntries: true })
  const found: string[] = []
  for await (const entry of zip.eachEntry())
    if (!entry.fileName.endsWith('/'))
      found.push(`${entry.fileName} ${entry.uncompressedSize} ${entry.crc32}`)
  zip.close()
  return found.sort()
}

/** The same for the files of an extracted directory, read back from disk. */
export async function treeEntries(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const data = await readFile(path)
    found.push(`${relative(dir, path)} ${data.length} ${crc32(data)}`)
  }
  return found.sort()
}

export function sameEntries(found: string[], expected: string[], what: string): void {
  if (JSON.stringify(found) !== JSON.stringify(expected))
    throw new Error(
      `${what} holds ${found.length} files, not the ${expected.length} written (or they differ)`
    )
}

/** Peak RSS in MiB from a file holding KiB: the hook's maxRSS, or GNU time's %M (its last line). */
export const readRssMiB = async (file: string): Promise<number> =>
  Number((await readFile(file, 'utf8')).trim().split('\n').pop()) / 1024

export interface Tools {
  aws?: string
  awsVersion?: string
  zip?: string
  unzip?: string
  /** GNU time, for the peak RSS of zip, unzip and the AWS CLI. */
  time?: string
  /** Why the CLI side is skipped, and how to install what is missing. */
  skipped?: string
  rssSkipped?: string
}

const HINTS = {
  zip: "install it with `apt-get install -y zip` (Debian's Info-ZIP zip)",
  unzip: "install it with `apt-get install -y unzip` (Debian's Info-ZIP unzip)",
  time: 'install GNU time with `apt-get install -y time`'
}

export function findTools(): Tools {
  const tools: Tools = {}
  const missing: string[] = []
  const aws = findAwsCliV2()
  if ('path' in aws) {
    tools.aws = aws.path
    tools.awsVersion = aws.version
  } else missing.push(`${aws.missing}: ${INSTALL_HINT}`)
  for (const name of ['zip', 'unzip'] as const) {
    const found = [`/usr/bin/${name}`, `/bin/${name}`].find(p => existsSync(p))
    if (found) tools[name] = found
    else missing.push(`no ${name}: ${HINTS[name]}`)
  }
  if (missing.length) tools.skipped = missing.join('; ')
  try {
    execFileSync(GNU_TIME, ['-f', '%M', 'true'], { stdio: 'ignore' })
    tools.time = GNU_TIME
  } catch {
    tools.rssSkipped = `${GNU_TIME} is missing or not GNU time: ${HINTS.time}`
  }
  return tools
}

/** A command run under GNU time when there is one, writing its peak RSS (KiB) to `rssFile`. */
export function underTime(
  tools: Tools,
  rssFile: string,
  command: string,
  args: string[]
): { command: string; args: string[] } {
  return tools.time
    ? { command: tools.time, args: ['-f', '%M', '-o', rssFile, command, ...args] }
    : { command, args }
}

/** The AWS CLI's environment: the job's artifact credentials, and an empty HOME so no ~/.aws config counts. */
export function cliEnv(
  home: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: ''
  }
}
