import { afterAll, describe, expect, it } from 'vitest';
import { ProcessPool } from './process-pool.js';
import type { TestProcessJob } from './process-pool.test-job.js';
import { WorkerJobFailedError, WorkerJobOutOfMemoryError, WorkerJobTimeoutError, WorkerPoolBusyError } from './worker-pool.js';
import { workerScript } from './worker-script.js';

describe('ProcessPool', () => {
  const script = workerScript(import.meta.url, 'process-pool.test-job');
  const pool = new ProcessPool<TestProcessJob, string>(script, { processes: 1, queue: 1, deadlineMs: 3_000, memoryMb: 512 });
  afterAll(() => pool.close());

  it('runs a TypeScript job file in a child process, which it keeps between jobs', async () => {
    await expect(pool.run({ kind: 'echo', value: '你好' })).resolves.toBe('你好');
    const pid = await pool.run({ kind: 'pid' });
    expect(pid).not.toBe(String(process.pid));
    await expect(pool.run({ kind: 'pid' })).resolves.toBe(pid);
  });

  it('kills a process whose job never yields at its deadline; the job queued behind it gets a fresh process', async () => {
    const before = await pool.run({ kind: 'pid' });
    const spinning = pool.run({ kind: 'spin' });
    const queued = pool.run({ kind: 'pid' });
    await expect(spinning).rejects.toBeInstanceOf(WorkerJobTimeoutError);
    const after = await queued;
    expect(after).not.toBe(before);
  });

  it('kills a process whose resident memory passes its bound, even when it is not V8 heap', async () => {
    await expect(pool.run({ kind: 'native-memory' })).rejects.toBeInstanceOf(WorkerJobOutOfMemoryError);
    await expect(pool.run({ kind: 'echo', value: 'still here' })).resolves.toBe('still here');
  });

  it('refuses a job when the process is busy and the queue is full, instead of queueing it', async () => {
    const running = pool.run({ kind: 'sleep', ms: 300 });
    const queued = pool.run({ kind: 'sleep', ms: 10 });
    await expect(pool.run({ kind: 'echo', value: 'no room' })).rejects.toBeInstanceOf(WorkerPoolBusyError);
    await expect(running).resolves.toBe('slept');
    await expect(queued).resolves.toBe('slept');
  });

  it("reports a job's own error by its message, and the process goes on", async () => {
    await expect(pool.run({ kind: 'throw', message: 'bad input' })).rejects.toThrow(new WorkerJobFailedError('bad input'));
    await expect(pool.run({ kind: 'echo', value: 'next' })).resolves.toBe('next');
  });
});
