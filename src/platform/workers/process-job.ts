/** What the pool sends a child process: one job. */
export interface ProcessJobRequest<Input> {
  readonly id: number;
  readonly input: Input;
}

/** What the child answers; a job's own error travels as its message. */
export type ProcessJobReply<Output> = { readonly id: number; readonly ok: true; readonly output: Output } | { readonly id: number; readonly ok: false; readonly error: string };

/**
 * Makes the calling module the body of a child process run by {@link ProcessPool}: each job that arrives is run
 * (one at a time: the pool sends the next only after the answer) and answered on the IPC channel. The process
 * keeps its state between jobs (a loaded model) and exits when the pool disconnects.
 */
export function processJob<Input, Output>(run: (input: Input) => Output | Promise<Output>): void {
  if (!process.send) throw new Error('processJob: this module must be started by ProcessPool (no IPC channel)');
  process.on('message', (message: ProcessJobRequest<Input>) => {
    void (async () => {
      let reply: ProcessJobReply<Output>;
      try {
        reply = { id: message.id, ok: true, output: await run(message.input) };
      } catch (error) {
        reply = { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      process.send!(reply);
    })();
  });
  process.on('disconnect', () => process.exit(0));
}
