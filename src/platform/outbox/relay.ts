import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../log/logger.js';
import type { Database } from '../db/schema.js';
import type { Outbox, OutboxEvent } from './outbox.js';

export interface RelayOptions {
  /** How often to look for due deliveries when the last poll found none. */
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** How long a claimed delivery stays ours; a relay that dies mid-delivery loses it after this. */
  readonly leaseMs?: number;
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs, with jitter. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly handlerTimeoutMs?: number;
}

interface ClaimedDelivery {
  event_id: string;
  subscriber: string;
  attempts: number;
  topic: string;
  aggregate_id: string | null;
  payload: unknown;
  request_id: string | null;
  created_at: Date;
}

/**
 * Moves events from the outbox to subscribers. Several relays (worker processes) may run at once: each claims
 * due rows with FOR UPDATE SKIP LOCKED and a lease, so a row is worked on by one relay at a time, and a relay
 * that dies mid-delivery leaves a lease that expires and is claimed again — at-least-once, never lost.
 */
export class OutboxRelay {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly handlerTimeoutMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    /** Identifies this relay in `locked_by`, so only the lease holder can settle a delivery. */
    readonly relayId: string,
    options: RelayOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 12;
    this.baseBackoffMs = options.baseBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10 * 60_000;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? Math.max(1_000, this.leaseMs - 1_000);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming new work and waits for deliveries in progress to settle. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /** One claim-and-deliver pass; returns how many deliveries it handled. Exposed for tests and `quanyi` tools. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.deliverDue();
      } catch (error) {
        this.logger.error({ err: error }, 'outbox relay pass failed');
      }
      if (!this.running) break;
      if (handled < this.batchSize) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.pollIntervalMs);
        });
      }
    }
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const result = await sql<ClaimedDelivery>`
      WITH due AS (
        SELECT event_id, subscriber FROM outbox_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY next_attempt_at, event_id
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE outbox_deliveries d
        SET locked_until = now() + make_interval(secs => ${this.leaseMs / 1000}),
            locked_by = ${this.relayId},
            attempts = d.attempts + 1
        FROM due WHERE d.event_id = due.event_id AND d.subscriber = due.subscriber
        RETURNING d.event_id, d.subscriber, d.attempts
      )
      SELECT c.event_id, c.subscriber, c.attempts, e.topic, e.aggregate_id, e.payload, e.request_id, e.created_at
      FROM claimed c JOIN outbox_events e ON e.id = c.event_id
      ORDER BY c.event_id
    `.execute(this.db);
    return result.rows;
  }

  private async deliver(row: ClaimedDelivery): Promise<void> {
    const subscriber = this.outbox.subscriber(row.subscriber);
    if (!subscriber) {
      // Deployed code no longer has this subscriber (or this process doesn't load it): retry later, don't lose it.
      await this.fail(row, `no subscriber named ${row.subscriber} in this process`);
      return;
    }
    const event: OutboxEvent = {
      id: String(row.event_id),
      topic: row.topic,
      aggregateId: row.aggregate_id,
      payload: row.payload,
      requestId: row.request_id,
      createdAt: row.created_at,
      attempt: row.attempts,
    };
    try {
      await withTimeout(subscriber.handle(event), this.handlerTimeoutMs);
    } catch (error) {
      await this.fail(row, error instanceof Error ? error.message : String(error));
      return;
    }
    await this.db
      .updateTable('outbox_deliveries')
      .set({ status: 'delivered', delivered_at: sql<Date>`now()`, locked_until: null, last_error: null })
      .where('event_id', '=', row.event_id)
      .where('subscriber', '=', row.subscriber)
      .where('locked_by', '=', this.relayId)
      .execute();
  }

  private async fail(row: ClaimedDelivery, message: string): Promise<void> {
    const dead = row.attempts >= this.maxAttempts;
    const delayMs = backoffMs(row.attempts, this.baseBackoffMs, this.maxBackoffMs);
    this.logger[dead ? 'error' : 'warn'](
      { event_id: String(row.event_id), subscriber: row.subscriber, attempt: row.attempts, error: message },
      dead ? 'outbox delivery gave up' : 'outbox delivery failed; will retry',
    );
    await this.db
      .updateTable('outbox_deliveries')
      .set({
        status: dead ? 'dead' : 'pending',
        next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
        locked_until: null,
        last_error: message.slice(0, 2000),
      })
      .where('event_id', '=', row.event_id)
      .where('subscriber', '=', row.subscriber)
      .where('locked_by', '=', this.relayId)
      .execute();
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many rows spread out. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * randomUnit());
}

function randomUnit(): number {
  return randomInt(0, 1_000_000) / 1_000_000;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`subscriber did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
