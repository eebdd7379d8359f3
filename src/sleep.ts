/** A pause, ended early (resolving) when `until` aborts; tests pass a recorder instead, so that nothing in them waits. */
export type Sleep = (ms: number, until?: AbortSignal) => Promise<void>

export const sleep: Sleep = (ms, until) =>
  new Promise(resolve => {
    if (until?.aborted) return resolve()
    // Cleared on abort: a pending timer would keep a finished process alive for the rest of the wait.
    const timer = setTimeout(done, ms)
    until?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      until?.removeEventListener('abort', done)
      resolve()
    }
  })
