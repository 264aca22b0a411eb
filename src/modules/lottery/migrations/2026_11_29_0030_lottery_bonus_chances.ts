import { sql, type Kysely } from 'kysely';

/**
 * Extra draw chances given to an accepted invoice by someone else than the campaign's own terms: an activity's
 * INVOICE_ACCEPTED reward (issue #8). One row per (invoice, source), so a retried grant adds nothing. A bonus for
 * an invoice whose chances are not granted yet (the event is still on its way, or risk review holds it) waits
 * here, unapplied, and is added when they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lottery_bonus_chances (
      invoice_id bigint NOT NULL,
      source text NOT NULL,
      user_id bigint NOT NULL,
      extra integer NOT NULL CHECK (extra BETWEEN 1 AND 100),
      applied_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (invoice_id, source)
    );
  `.execute(db);
}
