import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema.js';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly rateLimited: Counter<'scope'>;
  /** Group commit (db/group-commit.ts): commands per batch, waits and time per batch transaction, by committer. */
  readonly groupCommit: GroupCommitMetrics;
  /** Business outcomes a module counts where it decides them (see docs/operations.md for the list). */
  readonly business: BusinessMetrics;
  /** 1 while this process holds the scheduler lease, 0 otherwise (and always 0 in processes that run no scheduler). */
  readonly schedulerLeader: Gauge;
  /** Circuit breakers, read when Prometheus scrapes: `circuit_breaker_state{breaker, state}` is 1 for the current state. */
  watchBreaker(name: string, state: () => CircuitStateName): void;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';
const CIRCUIT_STATES: readonly CircuitStateName[] = ['closed', 'open', 'half-open'];

export interface GroupCommitMetrics {
  readonly batchSize: Histogram<'name'>;
  readonly batchSeconds: Histogram<'name'>;
  /** From a command's arrival to the start of the transaction that decides it (queueing behind the batch in flight). */
  readonly waitSeconds?: Histogram<'name'>;
  /**
   * Commands of committed batches by outcome: `ok`, or `refused` with the refusal's stable code as `reason`
   * (`coupon.consume` ok = redemptions, `coupon.claim` ok = claims, `lottery.instant-draw` ok = instant draws).
   */
  readonly commands?: Counter<'name' | 'outcome' | 'reason'>;
}

export interface BusinessMetrics {
  /** Invoice submissions by outcome (`accepted` | `refused`). */
  readonly invoices: Counter<'outcome'>;
  /** Refused invoice submissions by reason code (a submission refused for two reasons counts under both). */
  readonly invoiceRefusals: Counter<'reason'>;
  /** Prize payouts by kind (CASH | COUPON) and outcome (`paid` | `issued` | `failed` | `retried`). */
  readonly prizePayouts: Counter<'kind' | 'outcome'>;
}

/** How often PostgreSQL's own connection count is read at most (a scrape every few seconds must stay cheap). */
const SERVER_CONNECTIONS_EVERY_MS = 10_000;

/**
 * One registry per process (tests build several apps in one process, so never the global default registry).
 * Pool use and outbox lag are read when Prometheus scrapes, not on every request.
 */
export function createMetrics(db: Kysely<Database>, pool: pg.Pool, kind: 'pglite' | 'postgres' = 'pglite'): Metrics {
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
    waitSeconds: new Histogram({
      name: 'group_commit_wait_seconds',
      help: 'Time a command waited for its batch to start (behind the batch in flight)',
      labelNames: ['name'] as const,
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    commands: new Counter({
      name: 'group_commit_commands_total',
      help: 'Commands of committed group-commit batches, by outcome (ok, or refused with its stable code)',
      labelNames: ['name', 'outcome', 'reason'] as const,
      registers: [registry],
    }),
  };

  const business: BusinessMetrics = {
    invoices: new Counter({
      name: 'invoice_submissions_total',
      help: 'Invoice submissions by outcome (accepted, refused)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    invoiceRefusals: new Counter({
      name: 'invoice_refusals_total',
      help: 'Refused invoice submissions by reason code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    prizePayouts: new Counter({
      name: 'lottery_prize_payouts_total',
      help: 'Prize payout attempts by kind and outcome (paid, issued, failed, retried)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
  };

  const schedulerLeader = new Gauge({
    name: 'scheduler_leader',
    help: '1 while this process holds the scheduler lease',
    registers: [registry],
  });

  const breakers = new Map<string, () => CircuitStateName>();
  new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breakers: 1 for the state each breaker is in, 0 for the others',
    labelNames: ['breaker', 'state'] as const,
    registers: [registry],
    collect() {
      for (const [breaker, state] of breakers) {
        const current = state();
        for (const s of CIRCUIT_STATES) this.set({ breaker, state: s }, s === current ? 1 : 0);
      }
    },
  });

  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'The most connections the database pool opens (DATABASE_POOL_SIZE; 1 on embedded PGlite)',
    registers: [registry],
    collect() {
      this.set(pool.options.max ?? 10);
    },
  });

  if (kind === 'postgres') {
    // The server's connections (every client, not only ours) against max_connections: read at most every 10 s,
    // so frequent scrapes by several Prometheus servers cost one cheap query.
    const server = sharedSample(SERVER_CONNECTIONS_EVERY_MS, () =>
      sql<{ used: number; max: number; reserved: number }>`
        SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used,
               current_setting('max_connections')::int AS max,
               current_setting('superuser_reserved_connections')::int AS reserved
      `
        .execute(db)
        .then((r) => r.rows[0]),
    );
    sampledGauge(registry, 'db_server_connections', 'Client connections open on the PostgreSQL server (pg_stat_activity), from every process', server, (r) => r.used);
    sampledGauge(registry, 'db_server_max_connections', "PostgreSQL's max_connections", server, (r) => r.max);
    sampledGauge(registry, 'db_server_reserved_connections', "PostgreSQL's superuser_reserved_connections", server, (r) => r.reserved);
  }

  // One query per scrape for the three outbox gauges (each gauge's collect awaits the same sample).
  const outbox = sharedSample(1_000, () =>
    sql<{ pending: string; dead: string; lag: number | null }>`
      SELECT (SELECT count(*) FROM outbox_deliveries WHERE status = 'pending') AS pending,
             (SELECT count(*) FROM outbox_deliveries WHERE status = 'dead') AS dead,
             (SELECT extract(epoch FROM now() - min(e.created_at))::float8
                FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id
               WHERE d.status = 'pending') AS lag
    `
      .execute(db)
      .then((r) => r.rows[0]),
  );
  sampledGauge(registry, 'outbox_pending_deliveries', 'Outbox deliveries not yet made', outbox, (r) => Number(r.pending));
  sampledGauge(registry, 'outbox_dead_deliveries', 'Outbox deliveries that exhausted their retries', outbox, (r) => Number(r.dead));
  sampledGauge(registry, 'outbox_lag_seconds', 'Age of the oldest outbox event not yet delivered to every subscriber', outbox, (r) => r.lag ?? 0);

  return {
    registry,
    httpDuration,
    rateLimited,
    groupCommit,
    business,
    schedulerLeader,
    watchBreaker: (name, state) => {
      breakers.set(name, state);
    },
  };
}

/** How long a scrape waits for a sampled query before it reports the last value read (the query goes on). */
export const SAMPLE_BUDGET_MS = 250;

/**
 * A value read at most once per `everyMs` and shared by whoever asks meanwhile: several gauges of one scrape
 * await one query. A scrape never waits longer than SAMPLE_BUDGET_MS for it: when the pool is saturated (exactly
 * when the pool gauges matter) the query queues behind the requests, and the scrape reports the last value read
 * instead of timing out (once it has one). A failed read keeps the last good value (and is retried next time).
 */
export function sharedSample<T>(everyMs: number, read: () => Promise<T | undefined>): () => Promise<T | undefined> {
  let last: T | undefined;
  let pending: { promise: Promise<T | undefined>; startedAt: number } | undefined;
  return () => {
    if (!pending || Date.now() - pending.startedAt >= everyMs) {
      pending = {
        startedAt: Date.now(),
        promise: read().then(
          (value) => (last = value ?? last),
          () => last,
        ),
      };
    }
    if (last === undefined) return pending.promise; // nothing to report instead yet: the first read is awaited
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<T | undefined>((resolve) => {
      timer = setTimeout(() => resolve(last), SAMPLE_BUDGET_MS);
    });
    return Promise.race([pending.promise, budget]).finally(() => clearTimeout(timer));
  };
}

function sampledGauge<T>(registry: Registry, name: string, help: string, sample: () => Promise<T | undefined>, value: (sampled: T) => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const sampled = await sample();
      if (sampled !== undefined) this.set(value(sampled));
    },
  });
}
