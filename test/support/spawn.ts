import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Spawned {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  /** Resolves with the base URL once the process prints "listening on <url>". */
  readonly url: Promise<string>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs a TypeScript entry (the CLI or a fixture) in a child process through tsx, as `npm start` does. */
export function spawnTs(entry: string, args: readonly string[], env: Record<string, string | undefined>, nodeArgs: readonly string[] = []): Spawned {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let resolveUrl: (url: string) => void;
  let rejectUrl: (error: Error) => void;
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolveUrl(match[1]!);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      rejectUrl(new Error(`process exited with ${code} before listening: ${err}`));
      resolve(code);
    });
  });
  url.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, exited, url };
}

export async function waitReady(base: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) return ((await res.json()) as { data: Record<string, unknown> }).data;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${base} not ready within ${timeoutMs} ms`);
}
