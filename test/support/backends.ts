import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { inject } from 'vitest';
import type { Cache } from '../../src/platform/cache/cache.js';
import { MemoryCache } from '../../src/platform/cache/memory-cache.js';
import { RedisCache } from '../../src/platform/cache/redis-cache.js';
import { connectDatabase, type DatabaseHandle, type DatabaseKind } from '../../src/platform/db/connect.js';
import { migrateToLatest, type Migrations } from '../../src/platform/db/migrate.js';

/**
 * Integration tests run on embedded PGlite always, and also on real PostgreSQL / Redis when DATABASE_URL /
 * REDIS_URL are set. Each test database is private: its own PGlite, or its own schema on PostgreSQL, so test
 * files run in parallel without seeing each other's rows.
 */
export function databaseBackends(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function cacheBackends(): Cache['kind'][] {
  return process.env.REDIS_URL ? ['memory', 'redis'] : ['memory'];
}

/** Pairs each database with its natural cache: PGlite with memory (embedded), PostgreSQL with Redis if set. */
export function backendPairs(): { db: DatabaseKind; cache: Cache['kind']; label: string }[] {
  return databaseBackends().map((db) => {
    const cache = db === 'postgres' && process.env.REDIS_URL ? 'redis' : 'memory';
    return { db, cache, label: `${db}+${cache}` };
  });
}

export interface TestDatabase extends DatabaseHandle {
  readonly schema: string;
}

/** `pgliteDir`: PGlite keeps its files there (started from the template) instead of in memory. */
export async function createTestDatabase(kind: DatabaseKind, options: { poolSize?: number; pgliteDir?: string; postgresUrl?: string } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const template = new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
    const handle = await connectDatabase({ databaseUrl: undefined, schema: 'public', poolSize: 1, pgliteTemplate: template, pgliteDir: options.pgliteDir });
    await migrateToLatest(handle.db, 'public', await deployableMigrations()); // no-op unless a migration was added after the template was built
    return { ...handle, schema: 'public' };
  }
  const url = options.postgresUrl ?? process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const schema = freshSchemaName();
  const handle = await connectDatabase({ databaseUrl: url, schema, poolSize: options.poolSize ?? 20 });
  await migrateToLatest(handle.db, schema, await deployableMigrations());
  // The schema stays until the run ends (global-setup.ts drops the run's schemas): dropping one while another
  // test file migrates made Kysely's migrator fail, its catalog query meeting a schema gone mid-query.
  return { ...handle, schema };
}

/** The deployable's migrations, loaded on first use: they bring every module, which the cache's test files need not load. */
async function deployableMigrations(): Promise<Migrations> {
  return (await import('../../src/app/modules.js')).MIGRATIONS;
}

/** A schema of this test run: `t_<run>_<random>`, dropped with the others when the run ends. */
export function freshSchemaName(): string {
  return `${schemaPrefixOf(inject('schemaRun'))}${randomBytes(6).toString('hex')}`;
}

export function schemaPrefixOf(run: string): string {
  return `t_${run}_`;
}

export async function createTestCache(kind: Cache['kind']): Promise<Cache> {
  if (kind === 'memory') return new MemoryCache();
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set');
  return RedisCache.connect(url, `quanyi-test:${randomBytes(6).toString('hex')}:`);
}
