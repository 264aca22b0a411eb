import { workerJob } from './worker-job.js';

/** Jobs for worker-pool.test.ts: each behaves like one kind of hostile or ordinary input. */
export type TestJob = { kind: 'echo'; value: string } | { kind: 'spin' } | { kind: 'allocate' } | { kind: 'throw'; message: string } | { kind: 'sleep'; ms: number };

export default workerJob(async (job: TestJob) => {
  switch (job.kind) {
    case 'echo':
      return job.value;
    case 'spin':
      for (;;) {
        // Never yields: only terminating the thread ends this.
      }
    case 'allocate': {
      const kept: number[][] = [];
      // Big filled arrays reach the heap limit in a few steps; small ones spent the deadline in garbage
      // collection near the limit on a loaded machine, and the job timed out instead of running out of memory.
      for (;;) kept.push(new Array<number>(1_000_000).fill(1));
    }
    case 'throw':
      throw new Error(job.message);
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, job.ms));
      return 'slept';
  }
});
