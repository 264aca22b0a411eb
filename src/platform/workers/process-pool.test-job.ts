import { processJob } from './process-job.js';

/** Jobs for process-pool.test.ts: each behaves like one kind of hostile or ordinary input. */
export type TestProcessJob =
  | { kind: 'echo'; value: string }
  | { kind: 'pid' }
  | { kind: 'spin' }
  | { kind: 'native-memory' }
  | { kind: 'throw'; message: string }
  | { kind: 'sleep'; ms: number };

/** Kept between jobs, as a loaded model would be. */
const kept: Buffer[] = [];

processJob(async (job: TestProcessJob): Promise<string> => {
  switch (job.kind) {
    case 'echo':
      return job.value;
    case 'pid':
      return String(process.pid);
    case 'spin':
      for (;;) {
        // Never yields: only killing the process ends this.
      }
    case 'native-memory':
      // Buffers live outside the V8 heap, as a model's tensors do: only the resident-memory bound sees them.
      for (;;) {
        kept.push(Buffer.alloc(32 * 1024 * 1024, 1));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    case 'throw':
      throw new Error(job.message);
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, job.ms));
      return 'slept';
  }
});
