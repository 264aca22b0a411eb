import { MessageChannel, type Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { JobEnvelope } from './worker-job.js';
import type { WorkerScript } from './worker-script.js';

export interface WorkerPoolLimits {
  /** Threads running jobs at once: each is one core's worth of work taken off the event loop. */
  readonly threads: number;
  /** Jobs waiting for a thread; one more is refused ({@link WorkerPoolBusyError}) instead of waiting forever. */
  readonly queue: number;
  /** Wall time a job may run, from the moment a thread picks it up; then the thread is terminated. */
  readonly deadlineMs: number;
  /** V8 heap of each thread (old generation); a job that needs more is ended by V8. */
  readonly memoryMb: number;
}

/** Every thread is busy and the queue is full: try again later (`retryAfterSeconds`). */
export class WorkerPoolBusyError extends Error {
  override name = 'WorkerPoolBusyError';
  constructor(readonly retryAfterSeconds: number) {
    super('every worker is busy and the queue is full');
  }
}

/** The job ran past its deadline; its thread was terminated. */
export class WorkerJobTimeoutError extends Error {
  override name = 'WorkerJobTimeoutError';
  constructor(readonly deadlineMs: number) {
    super(`the job did not finish within ${deadlineMs} ms`);
  }
}

/** The job needed more heap than its thread has; V8 ended the thread. */
export class WorkerJobOutOfMemoryError extends Error {
  override name = 'WorkerJobOutOfMemoryError';
  constructor() {
    super('the job ran out of its memory limit');
  }
}

/** The job threw, or its thread died for another reason; `message` is all that crossed the thread boundary. */
export class WorkerJobFailedError extends Error {
  override name = 'WorkerJobFailedError';
}

/**
 * A bounded pool of worker threads (piscina) for CPU-heavy jobs on untrusted input, so that the event loop never
 * waits on them: at most `threads` jobs run, at most `queue` wait, each under a heap limit and a deadline that
 * terminates its thread. Knows nothing of what the jobs do: the worker file (see worker-job.ts) says that.
 */
export class WorkerPool<Input, Output> {
  private started: Piscina<JobEnvelope<Input>, Output> | undefined;
  /** Jobs accepted and not yet settled, running or waiting. Counted here: piscina's own queue bound also counts threads still starting. */
  private inFlight = 0;

  constructor(
    private readonly script: WorkerScript,
    private readonly limits: WorkerPoolLimits,
  ) {}

  /** Started on the first job, so a process that never runs one (a CLI command) starts no thread. */
  private get pool(): Piscina<JobEnvelope<Input>, Output> {
    this.started ??= this.startPool();
    return this.started;
  }

  private startPool(): Piscina<JobEnvelope<Input>, Output> {
    const { limits } = this;
    const pool = new Piscina<JobEnvelope<Input>, Output>({
      filename: this.script.url,
      execArgv: [...this.script.execArgv],
      // Piscina replaces a terminated thread only up to minThreads: below it, jobs queued behind a job that ran out
      // of time would wait for the next run() to start a thread.
      minThreads: limits.threads,
      maxThreads: limits.threads,
      maxQueue: limits.queue + limits.threads,
      // Jobs may leave asynchronous work (a nested worker) alive between tasks; 'sync' would freeze it.
      atomics: 'disabled',
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, limits.memoryMb / 4)), stackSizeMb: 4 },
    });
    // Failures reach the job they belong to; a thread dying between jobs needs no one's attention.
    pool.on('error', () => undefined);
    return pool;
  }

  /** Jobs waiting for a thread now. */
  get queued(): number {
    return this.started?.queueSize ?? 0;
  }

  private get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.limits.deadlineMs / 1000));
  }

  async run(input: Input, transferList: readonly Transferable[] = []): Promise<Output> {
    if (this.inFlight >= this.limits.threads + this.limits.queue) throw new WorkerPoolBusyError(this.retryAfterSeconds);
    this.inFlight++;
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    port1.once('message', () => {
      timer = setTimeout(() => abort.abort(), this.limits.deadlineMs);
    });
    try {
      return await this.pool.run({ input, started: port2 }, { transferList: [port2, ...transferList] as never, signal: abort.signal });
    } catch (error) {
      if (abort.signal.aborted) throw new WorkerJobTimeoutError(this.limits.deadlineMs);
      const message = error instanceof Error ? error.message : String(error);
      if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new WorkerJobOutOfMemoryError();
      throw new WorkerJobFailedError(message);
    } finally {
      this.inFlight--;
      clearTimeout(timer);
      port1.close();
    }
  }

  /** Ends every thread, running jobs included. */
  async close(): Promise<void> {
    await this.started?.destroy();
    this.started = undefined;
  }
}
