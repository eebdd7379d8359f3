// Buffers of one size, used again once given back. Data moved through buffers made new for every piece is freed
// only when V8 collects them, which it starts for memory outside its heap only after about 64 MiB pile up: a pool
// keeps an artifact's transfer at the few buffers in use.
export class BufferPool {
  private readonly free: Buffer[] = []
  private readonly waiting: Array<() => void> = []
  private made = 0
  private readonly bytes: number
  private readonly most: number

  /** `most` buffers at a time: take() waits for one to come back. */
  constructor(bytes: number, most = Infinity) {
    this.bytes = bytes
    this.most = most
  }

  async take(): Promise<Buffer> {
    while (!this.free.length && this.made >= this.most)
      await new Promise<void>(resolve => this.waiting.push(resolve))
    const reused = this.free.pop()
    if (reused) return reused
    this.made += 1
    return Buffer.allocUnsafe(this.bytes)
  }

  give(buffer: Buffer): void {
    this.free.push(buffer)
    this.waiting.shift()?.()
  }
}
