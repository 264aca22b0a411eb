import { sql, type Kysely } from 'kysely';

/**
 * Settlement's working tables around the ledger (coupon specification §1.2, §4.2.2). The ledger (0023) records the money;
 * these record why and when:
 *
 * - `settlement_splits`: one per redemption, its parts and how much of it was refunded;
 * - `settlement_legs`: each party's part, the date it becomes available, and the reservation that holds it
 *   until the settlement run posts it;
 * - `settlement_items`: the lines of statements — a redemption's part, or a refund taking some of it back;
 * - `settlement_statements`: one per party per cycle date (unique), with its payout;
 * - `settlement_rules`, `settlement_holidays`, `settlement_holds`, `settlement_payees`: configuration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE settlement_rules (
      merchant_id bigint PRIMARY KEY,
      platform_bps integer NOT NULL CHECK (platform_bps BETWEEN 0 AND 10000),
      merchant_bps integer NOT NULL CHECK (merchant_bps BETWEEN 0 AND 10000),
      channel_bps integer NOT NULL CHECK (channel_bps BETWEEN 0 AND 10000),
      platform_days integer NOT NULL CHECK (platform_days BETWEEN 0 AND 60),
      merchant_days integer NOT NULL CHECK (merchant_days BETWEEN 0 AND 60),
      day_basis text NOT NULL CHECK (day_basis IN ('calendar', 'working')),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (platform_bps + merchant_bps + channel_bps = 10000)
    );

    CREATE TABLE settlement_holidays (
      day date PRIMARY KEY,
      working boolean NOT NULL,
      name text NOT NULL DEFAULT ''
    );

    CREATE TABLE settlement_splits (
      redemption_id bigint PRIMARY KEY,
      transaction_id text NOT NULL,
      merchant_id bigint NOT NULL,
      channel_id bigint,
      template_id bigint,
      funding_account text NOT NULL,
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      refunded_fen bigint NOT NULL DEFAULT 0,
      platform_fen bigint NOT NULL CHECK (platform_fen >= 0),
      merchant_fen bigint NOT NULL CHECK (merchant_fen >= 0),
      channel_fen bigint NOT NULL CHECK (channel_fen >= 0),
      redeemed_on date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (platform_fen + merchant_fen + channel_fen = amount_fen),
      CHECK (refunded_fen BETWEEN 0 AND amount_fen)
    );
    CREATE INDEX settlement_splits_merchant ON settlement_splits (merchant_id, redeemed_on);

    CREATE TABLE settlement_legs (
      redemption_id bigint NOT NULL REFERENCES settlement_splits (redemption_id),
      party_kind text NOT NULL CHECK (party_kind IN ('platform', 'merchant', 'channel')),
      party_id text NOT NULL,
      account_code text NOT NULL,
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      refunded_fen bigint NOT NULL DEFAULT 0,
      available_on date NOT NULL,
      pending_transfer_id text,
      revision integer NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'settled', 'refunded')),
      statement_id bigint,
      PRIMARY KEY (redemption_id, party_kind),
      CHECK (refunded_fen BETWEEN 0 AND amount_fen)
    );

    CREATE TABLE settlement_items (
      item_id bigint PRIMARY KEY,
      party_kind text NOT NULL,
      party_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('REDEMPTION', 'REFUND')),
      redemption_id bigint NOT NULL,
      transaction_id text NOT NULL,
      refund_id text,
      amount_fen bigint NOT NULL,
      available_on date NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'settled')),
      statement_id bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'REDEMPTION') = (amount_fen > 0))
    );
    CREATE INDEX settlement_items_due ON settlement_items (party_kind, party_id, available_on) WHERE status = 'pending';
    CREATE INDEX settlement_items_statement ON settlement_items (statement_id) WHERE statement_id IS NOT NULL;
    CREATE INDEX settlement_items_redemption ON settlement_items (redemption_id);

    CREATE TABLE settlement_refunds (
      refund_id text PRIMARY KEY,
      redemption_id bigint NOT NULL,
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE settlement_statements (
      statement_id bigint PRIMARY KEY,
      party_kind text NOT NULL,
      party_id text NOT NULL,
      cycle_date date NOT NULL,
      opening_fen bigint NOT NULL,
      total_fen bigint NOT NULL,
      closing_fen bigint NOT NULL,
      payout_fen bigint NOT NULL CHECK (payout_fen >= 0),
      line_count integer NOT NULL,
      status text NOT NULL CHECK (status IN ('RETAINED', 'NO_PAYOUT', 'AWAITING_PAYEE', 'PAYOUT_PENDING', 'PAID', 'PAYOUT_FAILED')),
      payout_transfer_id text,
      payout_reference text,
      payout_error text,
      payout_attempts integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      paid_at timestamptz,
      UNIQUE (party_kind, party_id, cycle_date),
      CHECK (closing_fen = opening_fen + total_fen)
    );
    CREATE INDEX settlement_statements_payouts ON settlement_statements (statement_id) WHERE status = 'PAYOUT_PENDING';

    CREATE TABLE settlement_holds (
      hold_id bigint PRIMARY KEY,
      party_kind text NOT NULL,
      party_id text NOT NULL,
      reason text NOT NULL,
      placed_by text NOT NULL,
      placed_at timestamptz NOT NULL DEFAULT now(),
      released_by text,
      released_at timestamptz,
      release_note text
    );
    CREATE INDEX settlement_holds_active ON settlement_holds (party_kind, party_id) WHERE released_at IS NULL;

    CREATE TABLE settlement_payees (
      party_kind text NOT NULL,
      party_id text NOT NULL,
      name_enc text NOT NULL,
      bank_card_enc text NOT NULL,
      bank_card_last4 text NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (party_kind, party_id)
    );
  `.execute(db);
}
