// Collections paced while an artifact moves: the dead Buffers a download leaves (node:http copies each piece of a
// response body into a new one) are freed as they go, instead of piling up until V8 decides to collect, which on its own
// it does after about 64 MiB of them.
import { describe, expect, it } from '@jest/globals'
import { setTimeout as sleep } from 'node:timers/promises'
import { withMinorCollections } from '../../src/artifacts/gc-pacing.ts'

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
