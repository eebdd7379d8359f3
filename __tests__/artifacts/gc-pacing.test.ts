// Collections paced while artifacts move: the dead Buffers a transfer leaves (node:http copies each piece of a
// response body into a new one; lib-storage concatenates an upload's pieces into parts) are freed as they go,
// instead of piling up until V8 decides to collect, which on its own it does after about 64 MiB of them.
import { describe, expect, it } from '@jest/globals'
import { setTimeout as sleep } from 'node:timers/promises'
import { majorCollectionPacer, withMinorCollections } from '../../src/artifacts/gc-pacing.ts'

const MiB = 1024 * 1024
const PIECE = 64 * 1024

const held = (base: number) => (process.memoryUsage().arrayBuffers - base) / MiB

/** A download's pieces: `total` MiB of 64 KiB Buffers that die at once. Returns the most memory held. */
async function download(total: number): Promise<number> {
  const base = process.memoryUsage().arrayBuffers
  let most = 0
  for (let made = 0; made < total * 16; made++) {
    Buffer.alloc(PIECE, made)
    if (made % 16 === 15) {
      most = Math.max(most, held(base))
      await sleep(1)
    }
  }
  return most
}

/**
 * An upload's: `total` MiB of 64 KiB pieces, each told to `onChunk`, concatenated into 5 MiB parts of which the
 * last four stay alive (in flight), as lib-storage does. Returns the most memory held beyond those live parts.
 */
async function upload(total: number, onChunk: (bytes: number) => void): Promise<number> {
  const base = process.memoryUsage().arrayBuffers
  let most = 0
  let pieces: Buffer[] = []
  const inFlight: Buffer[] = []
  for (let made = 0; made < total * 16; made++) {
    pieces.push(Buffer.alloc(PIECE, made))
    onChunk(PIECE)
    if (pieces.length < 80) continue
    inFlight.push(Buffer.concat(pieces))
    pieces = []
    if (inFlight.length > 4) inFlight.shift()
    most = Math.max(most, held(base) - 20)
    await sleep(1) // a part takes a while to send
  }
  return most
}

describe('withMinorCollections', () => {
  it('keeps dead body-sized Buffers from piling up while a download runs', async () => {
    // Without it they reach about 80 MiB here; 200 MiB go through.
    const most = await withMinorCollections(() => download(200))
    expect(most).toBeLessThan(48)
  })

  it('returns what the work returns, and passes on its failure', async () => {
    await expect(withMinorCollections(() => Promise.resolve(42))).resolves.toBe(42)
    await expect(withMinorCollections(() => Promise.reject(new Error('S3 said no')))).rejects.toThrow(
      'S3 said no'
    )
  })
})

describe('majorCollectionPacer', () => {
  it('keeps the dead pieces and parts of an upload from piling up beyond the parts in flight', async () => {
    // Without it about 110 MiB pile up here; with a collection every 25 MiB, 38 to 44.
    const most = await upload(300, majorCollectionPacer())
    expect(most).toBeLessThan(64)
  })
})
