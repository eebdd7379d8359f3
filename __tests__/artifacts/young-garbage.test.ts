// Minor collections while artifacts move: the dead Buffers a download leaves (node:http copies each piece of a
// response body into a new one) are freed while young, instead of piling up until V8's next full collection.
import { describe, expect, it } from '@jest/globals'
import { setTimeout as sleep } from 'node:timers/promises'
import { collectingYoungGarbage } from '../../src/artifacts/young-garbage.ts'

const MiB = 1024 * 1024

/** Makes `total` MiB of 64 KiB Buffers that die at once, as a download's body pieces do; returns the most held. */
async function churn(total: number): Promise<number> {
  const base = process.memoryUsage().arrayBuffers
  let most = 0
  for (let made = 0; made < total * 16; made++) {
    Buffer.alloc(64 * 1024, made).readUInt8(0)
    if (made % 16 === 15) {
      most = Math.max(most, process.memoryUsage().arrayBuffers - base)
      await sleep(1)
    }
  }
  return most / MiB
}

describe('collectingYoungGarbage', () => {
  it('keeps dead body-sized Buffers from piling up while the work runs', async () => {
    // V8 alone lets about 64 MiB of outside memory pile up before it collects; 200 MiB go through here.
    const most = await collectingYoungGarbage(() => churn(200))
    expect(most).toBeLessThan(40)
  })

  it('returns what the work returns, and passes on its failure', async () => {
    await expect(collectingYoungGarbage(() => Promise.resolve(42))).resolves.toBe(42)
    await expect(collectingYoungGarbage(() => Promise.reject(new Error('S3 said no')))).rejects.toThrow(
      'S3 said no'
    )
  })
})
