import * as core from '@actions/core'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Moving an artifact makes a Buffer for every piece of it, whose memory lives outside V8's heap: node:http copies
// each piece of a response body it parses into a new one, and lib-storage concatenates an upload's pieces into its
// 5 MiB parts. V8 frees that memory only when a collection finds the Buffers dead, and starts one for them only
// once about 64 MiB have piled up since the last; until then they count in the peak RSS. Collections paced here
// free them sooner (figures in docs/artifacts.md#speed):
// - a download's Buffers die within milliseconds, so a minor collection every 20 ms frees them while they are
//   young, for well under a millisecond each;
// - an upload's live as long as a part takes to send, long enough for a minor collection to keep them (which
//   measured worse), so a major collection is queued after every 25 MiB of ZIP. Each is a pause of 15-20 ms on
//   the main thread (V8's own are mostly concurrent), so fewer, further apart, keep most of the peak's gain.
// An action cannot pass V8 flags, so `gc` is taken the way jest-leak-detector takes it: the flag set for one new
// context, then reset, unless Node was started with it.

const MINOR_EVERY_MS = 20
const MAJOR_EVERY_BYTES = 25 * 1024 * 1024

type Collect = (options: { type: 'minor' | 'major'; execution?: 'async' }) => unknown

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

/** Runs minor collections while `work` downloads, so its dead body Buffers do not pile up. */
export async function withMinorCollections<T>(work: () => Promise<T>): Promise<T> {
  const gc = collector()
  const timer = gc && setInterval(() => gc({ type: 'minor' }), MINOR_EVERY_MS).unref()
  try {
    return await work()
  } finally {
    if (timer) clearInterval(timer)
  }
}

/**
 * For an upload: call it with the length of each piece of the ZIP; every 25 MiB it queues a major collection,
 * which runs between I/O callbacks, not inside the ZIP's loop.
 */
export function majorCollectionPacer(): (bytes: number) => void {
  const gc = collector()
  if (!gc) return () => {}
  let since = 0
  return bytes => {
    since += bytes
    if (since < MAJOR_EVERY_BYTES) return
    since = 0
    gc({ type: 'major', execution: 'async' })
  }
}
