/** A pause; tests pass a recorder instead, so that nothing in them waits. */
export type Sleep = (ms: number) => Promise<void>

export const sleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
