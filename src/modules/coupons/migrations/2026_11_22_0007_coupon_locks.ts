import { sql, type Kysely } from 'kysely';

/**
 * Locks (the specification's step 4, 锁定券余额): a till holds a coupon, or an amount of a gift card, while the customer
 * pays. A gift card's held amount leaves `balance_fen` for `held_fen`, so nothing else can spend it; a
 * single-use coupon has at most one live lock (partial unique index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE coupon_info ADD COLUMN held_fen bigint NOT NULL DEFAULT 0 CHECK (held_fen >= 0);
    CREATE TABLE coupon_locks (
      lock_id bigint PRIMARY KEY,
      coupon_id bigint NOT NULL,
      gift_card boolean NOT NULL,
      merchant_id text NOT NULL,
      order_id text NOT NULL,
      amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
      status text NOT NULL CHECK (status IN ('held', 'consumed', 'released', 'expired')),
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz
    );
    CREATE UNIQUE INDEX coupon_locks_one_live_single_use ON coupon_locks (coupon_id) WHERE status = 'held' AND NOT gift_card;
    CREATE INDEX coupon_locks_due ON coupon_locks (expires_at) WHERE status = 'held';
  `.execute(db);
}
