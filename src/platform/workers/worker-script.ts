import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** A worker file and the Node options that can load it. */
export interface WorkerScript {
  readonly url: string;
  readonly execArgv: readonly string[];
}

/**
 * The worker file `name` beside the calling module (pass its `import.meta.url`). From the compiled build that is
 * `name.js`, loaded by plain Node. From the TypeScript sources (`npm start`, vitest) it is `name.ts`, and a worker
 * thread does not inherit the loader that runs the sources (vitest's never, tsx's only through `execArgv`), so the
 * worker registers tsx itself with `--import`.
 */
export function workerScript(callerUrl: string, name: string): WorkerScript {
  if (callerUrl.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { url: new URL(`./${name}.ts`, callerUrl).href, execArgv: ['--import', tsx] };
  }
  return { url: new URL(`./${name}.js`, callerUrl).href, execArgv: [] };
}
