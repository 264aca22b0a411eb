import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema.js';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly rateLimited: Counter<'scope'>;
  /** Group commit (db/group-commit.ts): commands per batch and time per batch transaction, by committer. */
  readonly groupCommit: GroupCommitMetrics;
}

export interface GroupCommitMetrics {
  readonly batchSize: Histogram<'name'>;
  readonly batchSeconds: Histogram<'name'>;
}

/**
 * One registry per process (tests build several apps in one process, so never the global default registry).
 * Pool use and outbox lag are read when Prometheus scrapes, not on every request.
 */
export function createMetrics(db: Kysely<Database>, pool: pg.Pool): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'quanyi_' });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'http_rate_limited_total',
    help: 'Requests refused with 429, by which ceiling',
    labelNames: ['scope'] as const,
    registers: [registry],
  });

  const groupCommit: GroupCommitMetrics = {
    batchSize: new Histogram({
      name: 'group_commit_batch_size',
      help: 'Commands decided and committed together in one transaction',
      labelNames: ['name'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'group_commit_batch_seconds',
      help: 'Duration of one group-commit transaction, from BEGIN to COMMIT',
      labelNames: ['name'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };

  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });

  const pending = new Gauge({ name: 'outbox_pending_deliveries', help: 'Outbox deliveries not yet made', registers: [registry] });
  const dead = new Gauge({ name: 'outbox_dead_deliveries', help: 'Outbox deliveries that exhausted their retries', registers: [registry] });
  new Gauge({
    name: 'outbox_lag_seconds',
    help: 'Age of the oldest outbox event not yet delivered to every subscriber',
    registers: [registry],
    async collect() {
      const row = await sql<{ pending: string; dead: string; lag: number | null }>`
        SELECT (SELECT count(*) FROM outbox_deliveries WHERE status = 'pending') AS pending,
               (SELECT count(*) FROM outbox_deliveries WHERE status = 'dead') AS dead,
               (SELECT extract(epoch FROM now() - min(e.created_at))::float8
                  FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id
                 WHERE d.status = 'pending') AS lag
      `
        .execute(db)
        .then((r) => r.rows[0])
        .catch(() => undefined);
      if (!row) return;
      pending.set(Number(row.pending));
      dead.set(Number(row.dead));
      this.set(row.lag ?? 0);
    },
  });

  return { registry, httpDuration, rateLimited, groupCommit };
}
