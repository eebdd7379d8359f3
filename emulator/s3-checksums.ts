// The checksums S3 accepts in x-amz-checksum-* headers and trailers, computed incrementally so bodies can stream
// to disk. Written from the algorithm definitions (reflected CRCs with their polynomials), not from any SDK, so a
// checksum bug in the code under test shows up as BadDigest rather than being agreed with.
import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256'
]

/** `x-amz-checksum-crc32` and so on. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`
}

export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find(a => checksumHeader(a) === name.toLowerCase())
}

export interface Checksum {
  update(data: Uint8Array): void
  /** Big-endian bytes, the form S3 base64-encodes. */
  digest(): Buffer
}

function reflectedTable32(poly: number): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

const CRC32C_TABLE = reflectedTable32(0x82f63b78)

class Crc32 implements Checksum {
  private value = 0
  update(data: Uint8Array): void {
    this.value = zlibCrc32(data, this.value)
  }
  digest(): Buffer {
    const out = Buffer.alloc(4)
    out.writeUInt32BE(this.value >>> 0)
    return out
  }
}

class Crc32c implements Checksum {
  private crc = 0xffffffff
  update(data: Uint8Array): void {
    let c = this.crc
    for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8)
    this.crc = c
  }
  digest(): Buffer {
    const out = Buffer.alloc(4)
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0)
    return out
  }
}

// CRC-64/NVME: reflected polynomial 0x9a6c9329ac4bc9b5, initial value and final xor all ones. The 64-bit
// register is kept as two 32-bit halves so the inner loop stays in plain numbers.
const CRC64_HI = new Uint32Array(256)
const CRC64_LO = new Uint32Array(256)
{
  const polyHi = 0x9a6c9329
  const polyLo = 0xac4bc9b5
  for (let n = 0; n < 256; n++) {
    let hi = 0
    let lo = n
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0
      hi = hi >>> 1
      if (carry) {
        hi = (hi ^ polyHi) >>> 0
        lo = (lo ^ polyLo) >>> 0
      }
    }
    CRC64_HI[n] = hi
    CRC64_LO[n] = lo
  }
}

class Crc64Nvme implements Checksum {
  private hi = 0xffffffff
  private lo = 0xffffffff
  update(data: Uint8Array): void {
    let hi = this.hi
    let lo = this.lo
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]) >>> 0
      hi = ((hi >>> 8) ^ CRC64_HI[idx]) >>> 0
    }
    this.hi = hi
    this.lo = lo
  }
  digest(): Buffer {
    const out = Buffer.alloc(8)
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0)
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4)
    return out
  }
}

class NodeHash implements Checksum {
  private readonly hash: Hash
  constructor(name: string) {
    this.hash = createHash(name)
  }
  update(data: Uint8Array): void {
    this.hash.update(data)
  }
  digest(): Buffer {
    return this.hash.digest()
  }
}

export function newChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32()
    case 'CRC32C':
      return new Crc32c()
    case 'CRC64NVME':
      return new Crc64Nvme()
    case 'SHA1':
      return new NodeHash('sha1')
    default:
      return new NodeHash('sha256')
  }
}

export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array | string): string {
  const c = newChecksum(algorithm)
  c.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
  return c.digest().toString('base64')
}

/** The length in bytes of a valid value, to tell a malformed header from a mismatching one. */
export function checksumLength(algorithm: ChecksumAlgorithm): number {
  return { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 }[algorithm]
}
