// npm run bench:platform — what the kernel's per-request machinery costs. Starts a bare Fastify /hello and a
// real `quanyi start` (embedded, or on DATABASE_URL / REDIS_URL when set) as separate processes, loads each from
// this process over 127.0.0.1, and prints req/s and latency, relative to the bare /hello.
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnTs, waitReady } from '../test/support/spawn.js';
import { load, printTable } from './support/load.js';

const duration = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const bare = spawnTs('bench/support/bare-hello.ts', [], { PORT: '0' });
const quanyi = spawnTs('src/cli.ts', ['start'], {
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: path.join(os.tmpdir(), `quanyi-bench-${randomUUID()}`),
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  DATABASE_SCHEMA: process.env.DATABASE_URL ? `bench_${randomUUID().slice(0, 8)}` : undefined,
  LOG_LEVEL: 'warn',
  // Measure the machinery, not the ceiling: the specification's 5,000 req/s global limit would cap every figure.
  RATE_LIMIT_GLOBAL_PER_SECOND: '0',
  RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
});

try {
  const bareUrl = await bare.url;
  const quanyiUrl = await quanyi.url;
  const ready = await waitReady(quanyiUrl);
  console.log(`quanyi on ${String(ready.db)} + ${String(ready.cache)}; ${connections} connections × ${duration} s per scenario; ${os.cpus().length} cores`);

  const options = { connections, durationSeconds: duration };
  const baseline = await load('bare fastify GET /hello', { ...options, url: `${bareUrl}/hello` });
  const rows = [
    baseline,
    await load('quanyi GET /healthz (all hooks: ids, helmet, rate limit, metrics)', { ...options, url: `${quanyiUrl}/healthz` }),
    await load('quanyi GET /readyz (+ SELECT 1 and cache ping)', { ...options, url: `${quanyiUrl}/readyz` }),
    await load('quanyi GET unknown route (404 envelope)', { ...options, url: `${quanyiUrl}/api/v1/none` }),
  ];
  printTable(rows, baseline);
} finally {
  bare.child.kill('SIGTERM');
  quanyi.child.kill('SIGTERM');
  await Promise.all([bare.exited, quanyi.exited]);
}
