import { Worker } from 'node:worker_threads'

// An artifact's SHA-256, computed on another core. Node hashes synchronously on the thread that calls update(),
// and SHA-256 costs this machine's cores about 3.5 ns a byte (0.9 s for 256 MiB, as long as the transfer
// itself): on the main thread it would hold up the sockets and the disk. A worker thread hashes behind them.

/** Bytes handed over in one message: fewer, larger messages cost less than one per 64 KiB read. */
const BATCH_BYTES = 1024 * 1024
/** Bytes handed over and not yet hashed before update() makes its caller wait: bounds the memory it holds. */
const BEHIND_BYTES = 8 * 1024 * 1024

// CommonJS, evaluated: a worker that ncc need not bundle as a file of its own.
const WORKER = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { openSync, readSync, closeSync } = require('node:fs')
const hash = createHash('sha256')
const buffer = Buffer.allocUnsafe(1024 * 1024)
parentPort.on('message', message => {
  if (message.chunks) {
    for (const chunk of message.chunks) hash.update(chunk)
  } else if (message.file) {
    const fd = openSync(message.file, 'r')
    try {
      for (let at = message.start; at < message.end; ) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, message.end - at), at)
        if (!read) throw new Error('the file ends at ' + at + ', before ' + message.end)
        hash.update(buffer.subarray(0, read))
        at += read
      }
    } finally {
      closeSync(fd)
    }
  } else {
    parentPort.postMessage({ digest: hash.digest('hex') })
    return
  }
  parentPort.postMessage({ hashed: message.bytes })
})
`

export class Sha256 {
  private readonly worker = new Worker(WORKER, { eval: true })
  private batch: Buffer[] = []
  private batched = 0
  private behind = 0
  private waiting?: () => void
  private failure?: Error
  private result?: { resolve: (hex: string) => void; reject: (error: Error) => void }

  constructor() {
    this.worker.on('message', (message: { hashed?: number; digest?: string }) => {
      if (message.digest !== undefined) return this.result?.resolve(message.digest)
      this.behind -= message.hashed ?? 0
      if (this.behind <= BEHIND_BYTES) this.release()
    })
    this.worker.on('error', error => this.fail(error))
    this.worker.on('exit', () => this.fail(new Error('the SHA-256 worker stopped before it was done')))
    // A transfer that fails never asks for its digest: the worker must not keep the step's process alive then.
    this.worker.unref()
  }

  /** Hashes `chunk` next; when the worker is far behind, resolves once it has caught up. */
  async update(chunk: Buffer): Promise<void> {
    this.batch.push(chunk)
    this.batched += chunk.length
    if (this.batched >= BATCH_BYTES) this.flush()
    if (this.behind > BEHIND_BYTES) await new Promise<void>(resolve => (this.waiting = resolve))
    if (this.failure) throw this.failure
  }

  /** Hashes bytes [start, end) of a file next, read by the worker itself: nothing crosses between threads. */
  updateFromFile(file: string, start: number, end: number): void {
    this.flush()
    this.worker.postMessage({ file, start, end, bytes: 0 })
  }

  /** The digest of everything given, lowercase hex; the worker ends with it. */
  async digest(): Promise<string> {
    this.flush()
    try {
      return await new Promise<string>((resolve, reject) => {
        if (this.failure) return reject(this.failure)
        this.result = { resolve, reject }
        this.worker.ref()
        this.worker.postMessage({})
      })
    } finally {
      await this.worker.terminate()
    }
  }

  private flush(): void {
    if (!this.batched) return
    this.worker.postMessage({ chunks: this.batch, bytes: this.batched })
    this.behind += this.batched
    this.batch = []
    this.batched = 0
  }

  private release(): void {
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.()
  }

  private fail(error: Error): void {
    this.failure ??= error
    this.result?.reject(this.failure)
    this.release()
  }
}
