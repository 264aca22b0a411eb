import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ProcessJobReply, ProcessJobRequest } from './process-job.js';
import { WorkerJobFailedError, WorkerJobOutOfMemoryError, WorkerJobTimeoutError, WorkerPoolBusyError } from './worker-pool.js';
import type { WorkerScript } from './worker-script.js';

export interface ProcessPoolLimits {
  /** Child processes running jobs at once (each runs one job at a time). */
  readonly processes: number;
  /** Jobs waiting for a process; one more is refused ({@link WorkerPoolBusyError}). */
  readonly queue: number;
  /** Wall time a job may run, from the moment a process takes it; then the process is killed (SIGKILL). */
  readonly deadlineMs: number;
  /**
   * Resident memory of each process (V8 heap and native memory alike: model weights, inference buffers, decoded
   * images); a process above it is killed and its job fails with {@link WorkerJobOutOfMemoryError}.
   */
  readonly memoryMb: number;
}

/** How often a running job's process has its resident memory read. */
const MEMORY_POLL_MS = 50;

interface Pending<Input, Output> {
  readonly input: Input;
  readonly deadlineMs: number;
  resolve(value: Output): void;
  reject(error: Error): void;
}

interface Slot<Input, Output> {
  child: ChildProcess | undefined;
  /** The job this process runs now. */
  job: (Pending<Input, Output> & { id: number; timer: NodeJS.Timeout; poll: NodeJS.Timeout | undefined }) | undefined;
}

/**
 * A bounded pool of child processes for jobs whose memory is mostly native (an ONNX model, say), which a worker
 * thread's V8 heap limit cannot bound. Each process runs one job at a time and keeps what it loaded between jobs;
 * a job past its deadline or its memory bound has its process killed (which also stops native code, which
 * terminating a thread cannot interrupt) and the next job gets a fresh process. At most `processes` run and
 * `queue` wait, so one hostile input costs one process for one deadline and never starves the rest.
 * Processes start on the first job, and an idle pool does not keep the parent alive.
 */
export class ProcessPool<Input, Output> {
  private readonly slots: Slot<Input, Output>[];
  private readonly waiting: Pending<Input, Output>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: WorkerScript,
    private readonly limits: ProcessPoolLimits,
  ) {
    this.slots = Array.from({ length: Math.max(1, limits.processes) }, () => ({ child: undefined, job: undefined }));
  }

  /** Jobs waiting for a process now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `input` in a process; `deadlineMs` replaces the pool's deadline for this job. */
  run(input: Input, options: { deadlineMs?: number } = {}): Promise<Output> {
    if (this.closed) return Promise.reject(new WorkerJobFailedError('the pool is closed'));
    const busy = this.slots.filter((slot) => slot.job !== undefined).length;
    if (busy + this.waiting.length >= this.slots.length + this.limits.queue) {
      return Promise.reject(new WorkerPoolBusyError(Math.max(1, Math.ceil(this.limits.deadlineMs / 1000))));
    }
    return new Promise<Output>((resolve, reject) => {
      this.waiting.push({ input, deadlineMs: options.deadlineMs ?? this.limits.deadlineMs, resolve, reject });
      this.dispatch();
    });
  }

  /** Kills every process, running jobs included (they fail). */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(new WorkerJobFailedError('the pool is closed'));
    await Promise.all(this.slots.map((slot) => this.kill(slot, new WorkerJobFailedError('the pool is closed'))));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.job !== undefined) continue;
      this.start(slot, this.waiting.shift()!);
    }
  }

  private spawn(slot: Slot<Input, Output>): ChildProcess {
    const child = fork(fileURLToPath(this.script.url), [], {
      execArgv: [...this.script.execArgv, `--max-old-space-size=${this.limits.memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: ProcessJobReply<Output>) => {
      const job = slot.job;
      if (!job || message.id !== job.id) return;
      this.finish(slot);
      if (message.ok) job.resolve(message.output);
      else job.reject(new WorkerJobFailedError(message.error));
    });
    child.on('exit', (code, signal) => {
      if (slot.child !== child) return;
      slot.child = undefined;
      const job = slot.job;
      if (job) {
        this.finish(slot);
        job.reject(new WorkerJobFailedError(`the worker process exited (${signal ?? `code ${code}`})`));
      }
    });
    // A process that cannot start reports through 'exit' too; this only keeps the error from being thrown.
    child.on('error', () => undefined);
    slot.child = child;
    return child;
  }

  private start(slot: Slot<Input, Output>, pending: Pending<Input, Output>): void {
    const child = slot.child ?? this.spawn(slot);
    child.ref();
    child.channel?.ref();
    const id = this.nextId++;
    const timer = setTimeout(() => void this.kill(slot, new WorkerJobTimeoutError(pending.deadlineMs)), pending.deadlineMs);
    const poll = child.pid === undefined ? undefined : setInterval(() => void this.checkMemory(slot, id, child.pid!), MEMORY_POLL_MS);
    slot.job = { ...pending, id, timer, poll };
    const request: ProcessJobRequest<Input> = { id, input: pending.input };
    child.send(request, (error) => {
      if (error) void this.kill(slot, new WorkerJobFailedError(`could not hand the job to its process: ${error.message}`));
    });
  }

  private async checkMemory(slot: Slot<Input, Output>, id: number, pid: number): Promise<void> {
    const rssMb = await residentMb(pid);
    if (rssMb !== undefined && rssMb > this.limits.memoryMb && slot.job?.id === id) await this.kill(slot, new WorkerJobOutOfMemoryError());
  }

  /** The job is settled: its process is idle again (and lets the parent exit). */
  private finish(slot: Slot<Input, Output>): void {
    const job = slot.job;
    if (!job) return;
    clearTimeout(job.timer);
    clearInterval(job.poll);
    slot.job = undefined;
    slot.child?.unref();
    slot.child?.channel?.unref();
    queueMicrotask(() => this.dispatch());
  }

  /** Ends the slot's process; its job, if any, fails with `error`. */
  private async kill(slot: Slot<Input, Output>, error: Error): Promise<void> {
    const child = slot.child;
    const job = slot.job;
    slot.child = undefined;
    if (job) {
      this.finish(slot);
      job.reject(error);
    }
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // An idle process was unreferenced: without this, a parent awaiting close() could exit before 'exit' arrives.
    child.ref();
    child.kill('SIGKILL');
    await exited;
  }
}

/** VmRSS of a process in MiB (Linux /proc); undefined where that cannot be read. */
async function residentMb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
