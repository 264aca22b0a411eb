import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { connectCache } from '../platform/cache/connect.js';
import type { Config } from '../platform/config/config.js';
import { loadSecrets } from '../platform/config/secrets.js';
import { loadHsmSecrets } from '../platform/hsm/hsm-keys.js';
import { connectDatabase, connectOptionsFrom } from '../platform/db/connect.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { claimNodeId } from '../platform/ids/node-lease.js';
import { Snowflake } from '../platform/ids/snowflake.js';
import { createLogger } from '../platform/log/logger.js';
import { createMetrics } from '../platform/metrics/metrics.js';
import { Outbox } from '../platform/outbox/outbox.js';
import { PiiVault } from '../platform/privacy/vault.js';
import { systemClock } from '../platform/time/clock.js';
import type { Platform } from '../platform/module/platform.js';
import { MIGRATIONS } from './modules.js';
import { ALLOW_ALL } from '../platform/risk/risk-gate.js';

export interface BuiltPlatform {
  readonly platform: Platform;
  /** A name for this process in leases and logs. */
  readonly instance: string;
  /** Closes what was opened, newest first; extra closers (the HTTP server, say) can be pushed in front. */
  readonly closers: (() => Promise<unknown>)[];
  close(): Promise<void>;
}

/**
 * The kernel for one process: secrets, database (migrated), cache, a leased snowflake node id, the vault.
 * `quanyi start` builds on it, and so do CLI tools that work on the configured database without a server.
 */
export async function buildPlatform(config: Config, env: Readonly<Record<string, string | undefined>>): Promise<BuiltPlatform> {
  const logger = createLogger(config.logLevel);
  const secrets = config.keyProvider.kind === 'pkcs11' ? await loadHsmSecrets(config) : loadSecrets(config, env);
  const instance = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const closers: (() => Promise<unknown>)[] = [];
  if (secrets.hsm) closers.push(async () => secrets.hsm?.close());
  const close = async (): Promise<void> => {
    while (closers.length > 0) {
      await closers.pop()!().catch((error: unknown) => logger.warn({ err: error }, 'close failed'));
    }
  };
  try {
    const database = await connectDatabase(connectOptionsFrom(config));
    closers.push(() => database.close());
    const applied = await migrateToLatest(database.db, config.databaseSchema, MIGRATIONS);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    const cache = await connectCache(config.redisUrl, config.redisKeyPrefix, (degraded, error) => {
      if (degraded) logger.error({ err: error }, 'cache unreachable: limits and counters are per process until it returns');
      else logger.info('cache reachable again');
    });
    closers.push(() => cache.close());
    const nodeLease = await claimNodeId(database.db, instance);
    closers.push(() => nodeLease.release());
    const ids = new Snowflake(nodeLease.nodeId);
    const platform: Platform = {
      config,
      secrets,
      logger,
      database,
      cache,
      ids,
      outbox: new Outbox(ids),
      vault: new PiiVault(secrets.piiKeys, secrets.blindIndexKey),
      metrics: createMetrics(database.db, database.pool, database.kind),
      clock: systemClock,
      self: { url: undefined },
      hooks: { riskGate: ALLOW_ALL },
    };
    return { platform, instance, closers, close };
  } catch (error) {
    await close();
    throw error;
  }
}
