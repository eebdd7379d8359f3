import { extname } from 'node:path'
import { promisify } from 'node:util'
import { deflateRaw } from 'node:zlib'
import { UserError } from '../errors.ts'
import { DEFLATED, STORED, type Method } from './zip-format.ts'

// How each entry of an output artifact is compressed. Deflating data that does not shrink (images, archives,
// anything already compressed or encrypted) costs a core for nothing, so such entries are stored: by their name
// or their first bytes when they are a known compressed format, otherwise when their first block does not shrink.

/** The artifact-compression input: `auto` deflates at AUTO_LEVEL, `store` deflates nothing, 1–9 set the level. */
export interface Compression {
  setting: string
  /** The deflate level of the entries that shrink; 0 stores every entry. */
  level: number
}

/**
 * Level 6, zlib's default (and zip's), measured on the bench data against 1 and 9 (docs/artifacts.md): 1 is 30 %
 * faster on JSON logs for 4 % more bytes (12 % more on JavaScript), 9 takes 3.6 times as long for 12 % fewer.
 */
export const AUTO_LEVEL = 6

export function parseCompression(raw: string): Compression {
  const setting = raw.trim().toLowerCase() || 'auto'
  if (setting === 'auto') return { setting, level: AUTO_LEVEL }
  if (setting === 'store') return { setting, level: 0 }
  if (/^[1-9]$/.test(setting)) return { setting, level: Number(setting) }
  throw new UserError(
    `Input artifact-compression is "${raw.trim()}"; use auto (the default: deflate what shrinks), store (no ` +
      'compression, the fastest) or a deflate level from 1 (fastest) to 9 (smallest).'
  )
}

/** How much of an entry is tried: deflate's window is 32 KiB, so 64 KiB shows what it makes of the data. */
export const PROBE_BYTES = 64 * 1024

// Formats that are compressed already, by extension: archives and packages, media, fonts.
const COMPRESSED_EXTENSIONS = new Set(
  (
    '7z aab aar apk br bz2 docx ear epub gz jar jpeg jpg lz lz4 lzma m4a m4v mkv mov mp3 mp4 nupkg odp ods odt ' +
    'ogg opus png pptx rar tbz2 tgz txz tzst vsix war webm webp whl woff woff2 xlsx xz zip zst gif avif heic flac'
  ).split(' ')
)

// The same, by their first bytes: ZIP (and every format built on it), gzip, bzip2, xz, zstd, 7z, RAR, LZ4, PNG,
// JPEG, GIF, WOFF and WOFF2.
const MAGIC = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x1f, 0x8b],
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  [0x28, 0xb5, 0x2f, 0xfd],
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07],
  [0x04, 0x22, 0x4d, 0x18],
  [0x89, 0x50, 0x4e, 0x47],
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0x77, 0x4f, 0x46, 0x46],
  [0x77, 0x4f, 0x46, 0x32]
].map(bytes => Buffer.from(bytes))

/** Whether a name or the first bytes of a file say it is compressed already. */
export function knownCompressed(name: string, head: Buffer): boolean {
  if (COMPRESSED_EXTENSIONS.has(extname(name).slice(1).toLowerCase())) return true
  return MAGIC.some(magic => head.length >= magic.length && head.subarray(0, magic.length).equals(magic))
}

/** zlib's raw deflate on its thread pool. */
export const deflate = promisify(deflateRaw)

/**
 * Stored or deflated: stored when the level is 0, the format is a compressed one, or the first block does not
 * shrink by a twentieth at level 1 (what deflate saves on such data is not worth a core). The trial runs on
 * zlib's thread pool, like the deflating itself.
 */
export async function methodFor(name: string, head: Buffer, level: number): Promise<Method> {
  if (level === 0 || head.length === 0 || knownCompressed(name, head)) return STORED
  const tried = await deflate(head, { level: 1 })
  return tried.length <= head.length * 0.95 ? DEFLATED : STORED
}
