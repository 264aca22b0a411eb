import type { MessagePort } from 'node:worker_threads';

/** What the pool hands a worker: the job's input and a port on which the worker says it has begun. */
export interface JobEnvelope<Input> {
  readonly input: Input;
  readonly started: MessagePort;
}

/**
 * Wraps a job function as the default export of a worker file run by {@link WorkerPool}. The job's deadline
 * counts from the moment the worker picks it up, not from when it was queued, so the worker says so first.
 * A job should answer expected refusals as data: only an Error's message survives the thread boundary.
 */
export function workerJob<Input, Output>(run: (input: Input) => Output | Promise<Output>): (envelope: JobEnvelope<Input>) => Promise<Output> {
  return async ({ input, started }) => {
    started.postMessage('started');
    started.close();
    return run(input);
  };
}
