import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { QuanyiModule } from '../../src/platform/module/module.js';
import type { Platform } from '../../src/platform/module/platform.js';
import { buildServer } from '../../src/app/server.js';
import type { Cache } from '../../src/platform/cache/cache.js';
import { loadConfig, type Config } from '../../src/platform/config/config.js';
import { secretsFromFile } from '../../src/platform/config/secrets.js';
import type { DatabaseKind } from '../../src/platform/db/connect.js';
import { claimNodeId } from '../../src/platform/ids/node-lease.js';
import { Snowflake } from '../../src/platform/ids/snowflake.js';
import { createLogger } from '../../src/platform/log/logger.js';
import { createMetrics } from '../../src/platform/metrics/metrics.js';
import { Outbox } from '../../src/platform/outbox/outbox.js';
import { PiiVault } from '../../src/platform/privacy/vault.js';
import { systemClock, type Clock } from '../../src/platform/time/clock.js';
import { createTestCache, createTestDatabase, type TestDatabase } from './backends.js';
import { listenForTest } from './http.js';
import { createProbeTable } from './probe-module.js';
import { ALLOW_ALL } from '../../src/platform/risk/risk-gate.js';

export interface TestPlatform extends Platform {
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  readonly db: DatabaseKind;
  readonly cache: Cache['kind'];
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  /** Where logs go (at trace level) when a test inspects them; silent otherwise. */
  readonly logStream?: DestinationStream;
  /** PGlite only: keep the database's files in this directory (a test that reads them) instead of in memory. */
  readonly pgliteDir?: string;
  /** PostgreSQL only: connect here instead of DATABASE_URL (e.g. through a proxy that injects faults). */
  readonly postgresUrl?: string;
}

/** The real kernel (real database, real cache) as the process would build it, minus the listening socket. */
export async function createTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  const dataDir = path.join(os.tmpdir(), `quanyi-test-${randomUUID()}`);
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Tests fire many requests from 127.0.0.1; the rate-limit test turns the ceilings back on.
    RATE_LIMIT_GLOBAL_PER_SECOND: '0',
    RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    RATE_LIMIT_PER_USER_PER_MINUTE: '0',
    ...options.env,
  });
  const database = await createTestDatabase(options.db, { pgliteDir: options.pgliteDir, postgresUrl: options.postgresUrl });
  const cache = await createTestCache(options.cache);
  const lease = await claimNodeId(database.db, `test:${randomUUID()}`);
  const ids = new Snowflake(lease.nodeId);
  const secrets = secretsFromFile(path.join(dataDir, 'secrets.json'));
  return {
    config,
    secrets,
    vault: new PiiVault(secrets.piiKeys, secrets.blindIndexKey),
    logger: options.logStream ? createLogger('trace', options.logStream) : createLogger('silent'),
    database,
    cache,
    ids,
    outbox: new Outbox(ids),
    metrics: createMetrics(database.db, database.pool, database.kind),
    clock: options.clock ?? systemClock,
    self: { url: undefined },
    hooks: { riskGate: ALLOW_ALL },
    close: async () => {
      await lease.release().catch(() => undefined);
      await cache.close();
      await database.close();
    },
  };
}

export async function buildTestApp(platform: Platform, modules: readonly QuanyiModule[] = []): Promise<FastifyInstance> {
  for (const module of modules) module.init?.(platform);
  for (const module of modules) for (const subscriber of module.subscribers?.(platform) ?? []) platform.outbox.subscribe(subscriber);
  return buildServer(platform, { serveApi: true, modules });
}

export interface TestServer {
  readonly platform: TestPlatform;
  readonly app: FastifyInstance;
  /** Base URL of the app listening on an ephemeral 127.0.0.1 port. */
  readonly base: string;
}

/**
 * Registers beforeAll/afterAll hooks that start a real platform and app listening on 127.0.0.1, and returns an
 * object whose fields are filled in once beforeAll has run.
 */
export function useTestServer(
  options: TestPlatformOptions & { readonly modules?: readonly QuanyiModule[]; readonly probeTable?: boolean },
): TestServer {
  const server = {} as { platform: TestPlatform; app: FastifyInstance; base: string };
  beforeAll(async () => {
    server.platform = await createTestPlatform(options);
    if (options.probeTable) await createProbeTable(server.platform.database.db);
    server.app = await buildTestApp(server.platform, options.modules ?? []);
    server.base = await listenForTest(server.app);
    server.platform.self.url = server.base;
  });
  afterAll(async () => {
    await server.app?.close();
    await server.platform?.close();
  });
  return server;
}
