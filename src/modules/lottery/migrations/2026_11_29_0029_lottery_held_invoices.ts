import { sql, type Kysely } from 'kysely';

/**
 * Invoices accepted with fraud signals wait here instead of earning chances (issue #8: "REVIEW before the entry
 * counts"). Risk control reviews them: cleared (the rule is off, or a reviewer approves) → the chances are
 * granted then; rejected → dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lottery_held_invoices (
      invoice_id bigint PRIMARY KEY,
      payload jsonb NOT NULL,
      accepted_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'HELD' CHECK (status IN ('HELD', 'RELEASED', 'DROPPED')),
      decided_at timestamptz
    );
  `.execute(db);
}
