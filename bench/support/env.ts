import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * The environment a bench runs Quanyi in: the local PostgreSQL and Redis (or DATABASE_URL / REDIS_URL), a fresh
 * schema and data directory, quiet logs, and no global rate limit (the specification's 5,000 req/s ceiling would cap every
 * figure). The per-IP and per-user counters stay on, at ceilings the load cannot reach, so their cost is measured;
 * BENCH_RL=0 turns them off.
 */
export function benchEnvironment() {
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    DATABASE_SCHEMA: `bench_${randomUUID().slice(0, 8)}`,
    DATA_DIR: path.join(os.tmpdir(), `quanyi-bench-${randomUUID()}`),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_GLOBAL_PER_SECOND: '0',
    RATE_LIMIT_PER_IP_PER_MINUTE: process.env.BENCH_RL ?? '10000000',
    RATE_LIMIT_PER_USER_PER_MINUTE: process.env.BENCH_RL ?? '10000000',
  };
}

/** A bench setting from the environment: a whole number from 1 to `max`, `fallback` when unset. */
export function positiveSetting(name: string, fallback: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
}
