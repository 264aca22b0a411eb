import { sql, type Kysely } from 'kysely';

/**
 * Paying prizes. `next_attempt_at` is when the payout job may take a PENDING prize next: at once for a new prize,
 * later while one run holds it (a lease, so two runs never pay one prize), and after a bank outage by backoff.
 * `payout_reference` keeps the bank's reference of a paid cash prize.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE lottery_prizes
      ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN payout_reference text;
    CREATE INDEX lottery_prizes_payable ON lottery_prizes (next_attempt_at, prize_id) WHERE status = 'PENDING';
  `.execute(db);
}
