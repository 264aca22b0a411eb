import type { Cache } from '../cache/cache.js';
import type { Config } from '../config/config.js';
import type { Secrets } from '../config/secrets.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { IdGenerator } from '../ids/snowflake.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Outbox } from '../outbox/outbox.js';
import type { PiiVault } from '../privacy/vault.js';
import type { PlatformHooks } from '../risk/risk-gate.js';
import type { Clock } from '../time/clock.js';

/** The shared kernel handed to every module: what a module may use besides its own tables. */
export interface Platform {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly cache: Cache;
  readonly ids: IdGenerator;
  readonly outbox: Outbox;
  /** Encrypts personal data at rest and computes blind indexes for lookups. */
  readonly vault: PiiVault;
  readonly metrics: Metrics;
  readonly clock: Clock;
  /**
   * Where this process's HTTP server listens, once it does. In-process sandboxes (the tax authority) are called
   * through it over real HTTP, exactly as their real counterparts would be.
   */
  readonly self: { url: string | undefined };
  /** Ports other modules install into at start (the risk gate). */
  readonly hooks: PlatformHooks;
}
