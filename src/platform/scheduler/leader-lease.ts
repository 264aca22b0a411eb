import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface Leadership {
  readonly isLeader: boolean;
  /** Grows by one every time leadership changes hands; work stamped with it can be fenced. */
  readonly fencingToken: string | null;
}

/**
 * Leadership as a lease row. We chose a lease over a session advisory lock (the first idea; docs/decisions/0002) because
 * embedded PGlite has one shared session, where advisory locks are re-entrant and every contender would "win",
 * and because session locks break behind transaction-pooling proxies. A crashed leader is replaced when its
 * lease expires; the per-fire rows in scheduled_runs keep each fire exactly-once even across that hand-over.
 */
export async function tryAcquireLease(
  db: Kysely<Database>,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<Leadership> {
  const result = await sql<{ fencing_token: string }>`
    INSERT INTO scheduler_leases (name, holder, fencing_token, expires_at)
    VALUES (${name}, ${holder}, 1, now() + make_interval(secs => ${ttlMs / 1000}))
    ON CONFLICT (name) DO UPDATE
      SET holder = excluded.holder,
          expires_at = excluded.expires_at,
          fencing_token = CASE WHEN scheduler_leases.holder = excluded.holder
                               THEN scheduler_leases.fencing_token
                               ELSE scheduler_leases.fencing_token + 1 END
      WHERE scheduler_leases.holder = excluded.holder OR scheduler_leases.expires_at < now()
    RETURNING fencing_token
  `.execute(db);
  const row = result.rows[0];
  return row ? { isLeader: true, fencingToken: String(row.fencing_token) } : { isLeader: false, fencingToken: null };
}

/** Gives the lease up at once on a clean shutdown, so the next leader need not wait for it to expire. */
export async function releaseLease(db: Kysely<Database>, name: string, holder: string): Promise<void> {
  await db
    .updateTable('scheduler_leases')
    .set({ expires_at: sql<Date>`now() - interval '1 second'` })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}
