import type { JobPlan } from './job.ts'

// The runner cancels or times out a job with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that.
// From the first signal on, the poller takes no new job and starts no workflow it had not already asked GitHub
// to start. Every job it acknowledged gets exactly one outcome: the workflow it was already sent to, or a
// failure. The gate decides which, in one place, so the workers and the signal never both answer a job: it fails
// the jobs held at the stop itself, and a committed job's worker answers it (a dispatch waiting out a rate limit
// at the stop gives up, and its worker fails the job).

/** Sends the stop's failure for one job; resolves whether CodePipeline took it (never rejects). */
export type FailStopped = (plan: JobPlan, signal: NodeJS.Signals) => Promise<boolean>

export class StopGate {
  private signal?: NodeJS.Signals
  private readonly held = new Map<string, JobPlan>()
  private readonly committed = new Set<string>()
  /** Committed jobs whose worker has not returned: their dispatch or answer may still be on its way. */
  private readonly working = new Set<string>()
  private unsettled = 0
  private readonly failures = new Map<string, Promise<boolean>>()
  private readonly fail: FailStopped
  private wake!: () => void
  private readonly aborter = new AbortController()
  /** Resolves at the first stop: waits (the poll's wait-seconds) race it. */
  readonly stopped = new Promise<void>(resolve => (this.wake = resolve))

  constructor(fail: FailStopped) {
    this.fail = fail
  }

  /** Aborted at the first stop: a dispatch waiting out a rate limit gives up instead of starting late. */
  get abortSignal(): AbortSignal {
    return this.aborter.signal
  }

  /** The signal that stopped the poller, if one did. */
  get stoppedBy(): NodeJS.Signals | undefined {
    return this.signal
  }

  /** From now on nothing new starts, and every job held at this moment is failed once. */
  stop(signal: NodeJS.Signals): void {
    if (this.signal) return
    this.signal = signal
    for (const plan of this.held.values()) this.failOnce(plan)
    this.held.clear()
    this.aborter.abort()
    this.wake()
  }

  /** Checked right before each AcknowledgeJob: a job not yet taken stays queued for the next poller. */
  mayAcknowledge(): boolean {
    return !this.signal
  }

  /**
   * The job was acknowledged (it is ours): hold it until its dispatch or its answer goes out. When the stop came
   * while the acknowledgement was in flight, the job is failed now instead; resolves whether the worker goes on.
   */
  async hold(plan: JobPlan): Promise<boolean> {
    if (!this.signal) {
      this.held.set(plan.jobId, plan)
      return true
    }
    await this.failOnce(plan)
    return false
  }

  /**
   * Called right before the job's dispatch or its answer is sent, with nothing awaited in between: true when the
   * worker sends it (from then on the job is the worker's to answer, even after a stop), false when the stop has
   * already taken the job.
   */
  commit(jobId: string): boolean {
    if (this.held.delete(jobId)) {
      this.committed.add(jobId)
      this.working.add(jobId)
    }
    return this.committed.has(jobId)
  }

  /** The job's worker returned: whatever it sent has been answered. */
  finished(jobId: string): void {
    this.held.delete(jobId)
    this.working.delete(jobId)
  }

  /** After a stop: nothing is on its way any more that the runner's kill could cut off. */
  idle(): boolean {
    return this.unsettled === 0 && this.working.size === 0
  }

  /** A committed job its worker failed after the stop: named with the stop's own failures. */
  failedAfterStop(jobId: string, landed: Promise<boolean>): void {
    if (!this.failures.has(jobId)) this.failures.set(jobId, landed)
  }

  /** Whether the stop's failure of a job reached CodePipeline; undefined for a job the stop did not take. */
  failureOf(jobId: string): Promise<boolean> | undefined {
    return this.failures.get(jobId)
  }

  /** The jobs the stop failed (or tried to), in the order it took them. */
  failedJobs(): string[] {
    return [...this.failures.keys()]
  }

  /** Every failure the stop has sent so far, settled. */
  async settled(): Promise<void> {
    await Promise.all(this.failures.values())
  }

  private failOnce(plan: JobPlan): Promise<boolean> {
    let failure = this.failures.get(plan.jobId)
    if (!failure) {
      this.unsettled++
      failure = this.fail(plan, this.signal as NodeJS.Signals).finally(() => this.unsettled--)
      this.failures.set(plan.jobId, failure)
    }
    return failure
  }
}

/** Routes SIGINT and SIGTERM to the gate while a batch runs; returns the function that stops listening. */
export function watchStopSignals(gate: StopGate, onStop: (signal: NodeJS.Signals) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (gate.stoppedBy) return
    gate.stop(signal)
    onStop(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
