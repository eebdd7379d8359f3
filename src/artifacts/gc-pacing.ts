import * as core from '@actions/core'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Moving an artifact leaves short-lived Buffers whose memory lives outside V8's heap: node:http copies each piece
// of a response body it parses into a new one, and every request of an upload leaves small ones. V8 frees that
// memory only when a collection finds the Buffers dead, and starts one for them only once about 64 MiB have piled
// up since the last; until then they count in the peak RSS. They die within milliseconds, so a minor collection
// every 20 ms frees them while they are young, for well under a millisecond each (figures in
// docs/artifacts.md#speed). The bulk of an upload needs none: part-upload.ts and zip.ts use their buffers again.
// An action cannot pass V8 flags, so `gc` is taken the way jest-leak-detector takes it: the flag set for one new
// context, then reset, unless Node was started with it.

const MINOR_EVERY_MS = 20

type Collect = (options: { type: 'minor' }) => unknown

let collect: Collect | null | undefined

function collector(): Collect | null {
  if (collect !== undefined) return collect
  const exposed: unknown = (globalThis as { gc?: unknown }).gc
  if (typeof exposed === 'function') return (collect = exposed as Collect)
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    collect = typeof gc === 'function' ? (gc as Collect) : null
  } catch (error) {
    // V8's own collections still free everything, later.
    core.debug(`Artifact transfers run without paced collections: ${(error as Error).message}`)
    collect = null
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
  return collect
}

/** Runs minor collections while `work` moves an artifact, so its dead Buffers do not pile up. */
export async function withMinorCollections<T>(work: () => Promise<T>): Promise<T> {
  const gc = collector()
  const timer = gc && setInterval(() => gc({ type: 'minor' }), MINOR_EVERY_MS).unref()
  try {
    return await work()
  } finally {
    if (timer) clearInterval(timer)
  }
}
