// The ZIP container of an output artifact (PKWARE's APPNOTE 6.3): local headers, data descriptors, the central
// directory and its end records, with ZIP64 only where a size, an offset or the number of entries needs it. Pure:
// entry facts in, bytes out. Why not a library's: see docs/artifacts.md ("How the ZIP is made").

export const STORED = 0
export const DEFLATED = 8
export type Method = typeof STORED | typeof DEFLATED

export interface EntryHeader {
  /** The name in the ZIP, `/`-separated; a directory's ends with `/`. */
  name: string
  method: Method
  mtime: Date
  /** Unix mode with the file type bits (0o100644, 0o40755…), kept in the high half of the external attributes. */
  mode: number
  /** Known before the data for stored entries and buffered ones; a deflated stream's follow it (descriptor). */
  known?: { crc: number; size: number; compressedSize: number }
  /** ZIP64 sizes in the local header and the data descriptor (see zip64Needed). */
  zip64: boolean
}

export interface EntryRecord extends EntryHeader {
  crc: number
  size: number
  compressedSize: number
  /** Where its local header starts in the archive. */
  offset: number
}

const MAX32 = 0xffffffff
const MAX16 = 0xffff
const UTF8_NAME = 1 << 11
const DESCRIPTOR = 1 << 3
// Made by Unix (3) to version 4.5 of the specification: readers take the mode from the external attributes.
const MADE_BY = (3 << 8) | 45
const NEEDS = { plain: 20, zip64: 45 }

/**
 * Whether an entry needs ZIP64 sizes in its local header: its size, or what deflate can make of it (stored blocks
 * add 5 bytes per 64 KiB when the data does not compress), passes what 32 bits hold. Decided before the data, as
 * the local header comes first; readers take a data descriptor's sizes as 8 bytes when the local header has them.
 */
export function zip64Needed(size: number, method: Method): boolean {
  const worst = method === DEFLATED ? size + Math.ceil(size / 65535) * 5 + 64 : size
  return worst >= MAX32
}

export function localHeader(entry: EntryHeader): Buffer {
  const name = Buffer.from(entry.name)
  const known = entry.known
  const extra = [timestampExtra(entry.mtime)]
  if (entry.zip64) extra.push(zip64Extra([known?.size ?? 0, known?.compressedSize ?? 0]))
  const extras = Buffer.concat(extra)
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(entry.zip64 ? NEEDS.zip64 : NEEDS.plain, 4)
  header.writeUInt16LE(UTF8_NAME | (known ? 0 : DESCRIPTOR), 6)
  header.writeUInt16LE(entry.method, 8)
  writeDosTime(header, entry.mtime, 10)
  header.writeUInt32LE(known?.crc ?? 0, 14)
  header.writeUInt32LE(entry.zip64 ? MAX32 : (known?.compressedSize ?? 0), 18)
  header.writeUInt32LE(entry.zip64 ? MAX32 : (known?.size ?? 0), 22)
  header.writeUInt16LE(name.length, 26)
  header.writeUInt16LE(extras.length, 28)
  return Buffer.concat([header, name, extras])
}

/** The CRC and sizes after a streamed entry's data, with the optional signature most readers expect. */
export function dataDescriptor(entry: EntryRecord): Buffer {
  const descriptor = Buffer.alloc(entry.zip64 ? 24 : 16)
  descriptor.writeUInt32LE(0x08074b50, 0)
  descriptor.writeUInt32LE(entry.crc, 4)
  if (entry.zip64) {
    descriptor.writeBigUInt64LE(BigInt(entry.compressedSize), 8)
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16)
  } else {
    if (entry.compressedSize > MAX32 || entry.size > MAX32)
      throw new Error(`ZIP entry ${entry.name} outgrew the 32-bit sizes chosen for it before its data`)
    descriptor.writeUInt32LE(entry.compressedSize, 8)
    descriptor.writeUInt32LE(entry.size, 12)
  }
  return descriptor
}

/** The central directory and the end records, for entries written from offset 0 up to `offset`. */
export function centralDirectory(entries: EntryRecord[], offset: number): Buffer {
  const records = Buffer.concat(entries.map(centralRecord))
  const zip64 = entries.length >= MAX16 || offset >= MAX32 || records.length >= MAX32
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Math.min(entries.length, MAX16), 8)
  end.writeUInt16LE(Math.min(entries.length, MAX16), 10)
  end.writeUInt32LE(Math.min(records.length, MAX32), 12)
  end.writeUInt32LE(Math.min(offset, MAX32), 16)
  if (!zip64) return Buffer.concat([records, end])
  const record = Buffer.alloc(56)
  record.writeUInt32LE(0x06064b50, 0)
  record.writeBigUInt64LE(44n, 4) // the size of the rest of this record
  record.writeUInt16LE(MADE_BY, 12)
  record.writeUInt16LE(NEEDS.zip64, 14)
  record.writeBigUInt64LE(BigInt(entries.length), 24)
  record.writeBigUInt64LE(BigInt(entries.length), 32)
  record.writeBigUInt64LE(BigInt(records.length), 40)
  record.writeBigUInt64LE(BigInt(offset), 48)
  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(offset + records.length), 8)
  locator.writeUInt32LE(1, 16) // one disk
  return Buffer.concat([records, record, locator, end])
}

function centralRecord(entry: EntryRecord): Buffer {
  const name = Buffer.from(entry.name)
  // Only the fields that do not fit go to the ZIP64 extra field, in this order; both sizes when the local header
  // had them, so that the two agree.
  const big = [
    entry.zip64 || entry.size >= MAX32 ? entry.size : undefined,
    entry.zip64 || entry.compressedSize >= MAX32 ? entry.compressedSize : undefined,
    entry.offset >= MAX32 ? entry.offset : undefined
  ]
  const wide = big.filter((value): value is number => value !== undefined)
  const extras = Buffer.concat([timestampExtra(entry.mtime), ...(wide.length ? [zip64Extra(wide)] : [])])
  const record = Buffer.alloc(46)
  record.writeUInt32LE(0x02014b50, 0)
  record.writeUInt16LE(MADE_BY, 4)
  record.writeUInt16LE(wide.length ? NEEDS.zip64 : NEEDS.plain, 6)
  record.writeUInt16LE(UTF8_NAME | (entry.known ? 0 : DESCRIPTOR), 8)
  record.writeUInt16LE(entry.method, 10)
  writeDosTime(record, entry.mtime, 12)
  record.writeUInt32LE(entry.crc, 16)
  record.writeUInt32LE(big[1] === undefined ? entry.compressedSize : MAX32, 20)
  record.writeUInt32LE(big[0] === undefined ? entry.size : MAX32, 24)
  record.writeUInt16LE(name.length, 28)
  record.writeUInt16LE(extras.length, 30)
  // The MS-DOS directory bit as well as the Unix mode, for readers that look only at the former.
  const dosDirectory = (entry.mode & 0o170000) === 0o040000 ? 0x10 : 0
  record.writeUInt32LE(((entry.mode & 0xffff) * 0x10000 + dosDirectory) >>> 0, 38)
  record.writeUInt32LE(big[2] === undefined ? entry.offset : MAX32, 42)
  return Buffer.concat([record, name, extras])
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + values.length * 8)
  extra.writeUInt16LE(0x0001, 0)
  extra.writeUInt16LE(values.length * 8, 2)
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + i * 8))
  return extra
}

// Info-ZIP's extended timestamp ("UT"): the modification time in UTC seconds, which MS-DOS times cannot say.
function timestampExtra(mtime: Date): Buffer {
  const extra = Buffer.alloc(9)
  extra.writeUInt16LE(0x5455, 0)
  extra.writeUInt16LE(5, 2)
  extra.writeUInt8(1, 4) // the modification time is present
  extra.writeUInt32LE(Math.max(0, Math.min(MAX32, Math.floor(mtime.getTime() / 1000))), 5)
  return extra
}

// MS-DOS date and time, in local time as zip and unzip use them; two-second steps, 1980 to 2107.
function writeDosTime(buffer: Buffer, mtime: Date, at: number): void {
  const year = mtime.getFullYear()
  const clamped =
    year < 1980 ? new Date(1980, 0, 1) : year > 2107 ? new Date(2107, 11, 31, 23, 59, 58) : mtime
  const time = (clamped.getHours() << 11) | (clamped.getMinutes() << 5) | (clamped.getSeconds() >> 1)
  const date = ((clamped.getFullYear() - 1980) << 9) | ((clamped.getMonth() + 1) << 5) | clamped.getDate()
  buffer.writeUInt16LE(time, at)
  buffer.writeUInt16LE(date, at + 2)
}
