import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * The leases of this process's in-flight idempotency keys, kept short and renewed while their requests run.
 *
 * A claimed key blocks a retry (409 IDEMPOTENCY_KEY_IN_FLIGHT) until its answer is stored or its lease lapses. A
 * long fixed lease made a retry after a crash wait for all of it (30 s); a short one could lapse under a slow
 * request and let a retry run it a second time. So the lease is short and this process renews every lease it
 * holds, in one statement, a few times per lease: a live owner keeps its keys, a dead one loses them within a
 * lease. If a renewal fails (the database is unreachable) the next one tries again; nothing here throws.
 */
export class InFlightLeases {
  private readonly held = new Map<string, { scope: string; key: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    readonly leaseMs: number,
    private readonly renewEveryMs = Math.max(100, Math.floor(leaseMs / 3)),
  ) {}

  hold(scope: string, key: string): void {
    this.held.set(`${scope}\n${key}`, { scope, key });
    this.timer ??= setInterval(() => void this.renew(), this.renewEveryMs).unref();
  }

  release(scope: string, key: string): void {
    this.held.delete(`${scope}\n${key}`);
    if (this.held.size === 0) this.stop();
  }

  /** Stops renewing (the process is closing): whatever is still held lapses within a lease. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    const leases = [...this.held.values()];
    if (leases.length === 0) return;
    try {
      await sql`
        UPDATE idempotency_keys k SET locked_until = now() + make_interval(secs => ${this.leaseMs / 1000})
        FROM unnest(${leases.map((l) => l.scope)}::text[], ${leases.map((l) => l.key)}::text[]) AS v(scope, key)
        WHERE k.scope = v.scope AND k.key = v.key AND k.status = 'in_flight'
      `.execute(this.db);
    } catch {
      // The database is unreachable: the requests holding these keys are failing too; the next tick retries.
    }
  }
}
