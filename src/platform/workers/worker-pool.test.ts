import { afterAll, describe, expect, it } from 'vitest';
import type { TestJob } from './worker-pool.test-job.js';
import { WorkerJobFailedError, WorkerJobOutOfMemoryError, WorkerJobTimeoutError, WorkerPool, WorkerPoolBusyError } from './worker-pool.js';
import { workerScript } from './worker-script.js';

/** How long the event loop went without running a timer while `work` was pending. */
async function longestStall(work: Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work.catch(() => undefined);
  } finally {
    clearInterval(ticker);
  }
  return longest;
}

describe('WorkerPool', () => {
  const script = workerScript(import.meta.url, 'worker-pool.test-job');
  const pool = new WorkerPool<TestJob, string>(script, { threads: 1, queue: 1, deadlineMs: 1_000, memoryMb: 64 });
  afterAll(() => pool.close());

  it('runs a TypeScript job file in a thread and returns its answer', async () => {
    await expect(pool.run({ kind: 'echo', value: '你好' })).resolves.toBe('你好');
  });

  it('terminates a job that never yields at its deadline, and the event loop keeps running meanwhile', async () => {
    const spinning = pool.run({ kind: 'spin' });
    // A generous bound: the loop would stall for the whole deadline (1 s) if the job ran on it.
    expect(await longestStall(spinning)).toBeLessThan(500);
    await expect(spinning).rejects.toBeInstanceOf(WorkerJobTimeoutError);
    await expect(pool.run({ kind: 'echo', value: 'after' })).resolves.toBe('after');
  });

  it('runs the jobs queued behind one that was terminated', async () => {
    const spinning = pool.run({ kind: 'spin' });
    const queued = pool.run({ kind: 'echo', value: 'next' });
    await expect(spinning).rejects.toBeInstanceOf(WorkerJobTimeoutError);
    await expect(queued).resolves.toBe('next');
  });

  it('ends a job that outgrows its heap with an out-of-memory error', async () => {
    // A deadline far beyond the allocation's, so that on a loaded machine it is the heap limit that ends it.
    const roomy = new WorkerPool<TestJob, string>(script, { threads: 1, queue: 1, deadlineMs: 20_000, memoryMb: 64 });
    try {
      await expect(roomy.run({ kind: 'allocate' })).rejects.toBeInstanceOf(WorkerJobOutOfMemoryError);
      await expect(roomy.run({ kind: 'echo', value: 'still here' })).resolves.toBe('still here');
    } finally {
      await roomy.close();
    }
  });

  it('refuses a job when the thread is busy and the queue is full, instead of queueing it', async () => {
    const running = pool.run({ kind: 'sleep', ms: 300 });
    const queued = pool.run({ kind: 'sleep', ms: 10 });
    const refused = pool.run({ kind: 'echo', value: 'no room' });
    await expect(refused).rejects.toBeInstanceOf(WorkerPoolBusyError);
    await expect(running).resolves.toBe('slept');
    await expect(queued).resolves.toBe('slept');
  });

  it('counts the deadline from when a thread takes the job, not from when it was queued', async () => {
    const first = pool.run({ kind: 'sleep', ms: 700 });
    const second = pool.run({ kind: 'sleep', ms: 700 }); // waits 700 ms, then runs 700 ms: 1.4 s after queueing
    await expect(Promise.all([first, second])).resolves.toEqual(['slept', 'slept']);
  });

  it("reports a job's own error by its message", async () => {
    await expect(pool.run({ kind: 'throw', message: 'bad input' })).rejects.toThrow(new WorkerJobFailedError('bad input'));
  });
});
