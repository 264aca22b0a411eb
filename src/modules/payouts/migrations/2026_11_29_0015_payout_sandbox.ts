import { sql, type Kysely } from 'kysely';

/**
 * The sandbox bank's tables (a separate system in reality: the platform reaches it only over HTTP). One row per
 * payout id — the bank's idempotency — with the outcome it answered; settings hold whether the bank is "up".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE payout_sandbox_transfers (
      payout_id text PRIMARY KEY,
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      card_last4 text NOT NULL,
      fingerprint text NOT NULL,
      memo text NOT NULL,
      status text NOT NULL CHECK (status IN ('PAID', 'FAILED')),
      reference text,
      reason text,
      requests integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'PAID') = (reference IS NOT NULL))
    );

    CREATE TABLE payout_sandbox_settings (
      name text PRIMARY KEY,
      value text NOT NULL
    );
  `.execute(db);
}
