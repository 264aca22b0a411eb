import { sql, type Kysely } from 'kysely';

/**
 * A lock binds the order it was taken for: its amount (integer fen) joins the order id already stored, so a
 * confirm for another order or another amount is refused instead of paying the held discount off a different
 * sale. Locks taken before this migration have no stored amount (NULL); confirming one re-checks the coupon's
 * threshold and cap on the amount confirmed (see domain/lock-confirmation.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE coupon_locks ADD COLUMN order_amount_fen bigint CHECK (order_amount_fen > 0);
  `.execute(db);
}
