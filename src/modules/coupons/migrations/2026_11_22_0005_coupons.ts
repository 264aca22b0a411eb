import { sql, type Kysely } from 'kysely';

/**
 * Coupons per the specification (§5: coupon_info with a 64-bit time-ordered id, user, balance, status; index
 * (user_id, status)). Safety lives in constraints and guarded single-statement updates, never in
 * read-modify-write: stock can't go past total_stock, a balance can't go negative, a code exists once.
 * Every hot query is keyed by coupon_id, code or user_id, so coupon_info can later be partitioned by user_id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE coupon_templates (
      template_id bigint PRIMARY KEY,
      name text NOT NULL,
      type text NOT NULL,
      params jsonb NOT NULL,
      stackable boolean NOT NULL,
      merchant_ids text[],
      valid_from timestamptz,
      valid_until timestamptz,
      valid_days integer CHECK (valid_days > 0),
      total_stock integer CHECK (total_stock >= 0),
      issued_count integer NOT NULL DEFAULT 0,
      per_user_limit integer CHECK (per_user_limit > 0),
      per_user_daily_limit integer CHECK (per_user_daily_limit > 0),
      budget_fen bigint CHECK (budget_fen >= 0),
      budget_used_fen bigint NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (total_stock IS NULL OR issued_count <= total_stock),
      CHECK (budget_fen IS NULL OR budget_used_fen <= budget_fen),
      CHECK (valid_until IS NOT NULL OR valid_days IS NOT NULL)
    );

    CREATE TABLE coupon_info (
      coupon_id bigint PRIMARY KEY,
      code text NOT NULL UNIQUE,
      template_id bigint NOT NULL REFERENCES coupon_templates (template_id),
      user_id bigint,
      status text NOT NULL CHECK (status IN ('UNACTIVATED', 'ACTIVATED', 'FROZEN', 'USED', 'EXPIRED', 'REFUNDED')),
      balance_fen bigint NOT NULL CHECK (balance_fen >= 0),
      initial_balance_fen bigint NOT NULL,
      valid_from timestamptz,
      valid_until timestamptz,
      activated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX idx_user_status ON coupon_info (user_id, status);
    CREATE INDEX coupon_info_template ON coupon_info (template_id);

    -- Per-user claim counters: a guarded upsert enforces the limits under any concurrency.
    CREATE TABLE coupon_user_claims (
      template_id bigint NOT NULL,
      user_id bigint NOT NULL,
      day date NOT NULL,
      claimed integer NOT NULL CHECK (claimed > 0),
      PRIMARY KEY (template_id, user_id, day)
    );

    CREATE TABLE coupon_events (
      id bigint PRIMARY KEY,
      coupon_id bigint NOT NULL,
      action text NOT NULL,
      from_status text,
      to_status text NOT NULL,
      amount_fen bigint,
      actor text NOT NULL,
      reason text,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coupon_events_coupon ON coupon_events (coupon_id, id);

    CREATE TABLE coupon_redemptions (
      redemption_id bigint PRIMARY KEY,
      transaction_id text NOT NULL,
      coupon_id bigint NOT NULL,
      merchant_id text NOT NULL,
      order_id text NOT NULL,
      order_amount_fen bigint NOT NULL,
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      refunded_fen bigint NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX coupon_redemptions_tx ON coupon_redemptions (transaction_id);
    CREATE INDEX coupon_redemptions_coupon ON coupon_redemptions (coupon_id);
    CREATE INDEX coupon_redemptions_merchant ON coupon_redemptions (merchant_id, created_at);
  `.execute(db);
}
