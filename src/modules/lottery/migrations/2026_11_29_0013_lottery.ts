import { sql, type Kysely } from 'kysely';

/**
 * Lottery campaigns, the draw chances accepted invoices earn, instant draws and prizes.
 *
 * The instant pool is fixed when the campaign is created: `tickets` positions, a secret seed whose SHA-256 is in
 * the transparency log, and `next_position`, the counter every draw advances by one under the row lock — so
 * draw n takes position n, and no more draws than tickets can ever happen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lottery_campaigns (
      campaign_id bigint PRIMARY KEY,
      name text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
      rules jsonb NOT NULL,
      tickets integer NOT NULL CHECK (tickets >= 0),
      next_position integer NOT NULL DEFAULT 0 CHECK (next_position >= 0 AND next_position <= tickets),
      pool_seed bytea NOT NULL CHECK (octet_length(pool_seed) = 32),
      pool_seed_commit bytea NOT NULL CHECK (octet_length(pool_seed_commit) = 32),
      rules_log_index bigint NOT NULL,
      revealed_at timestamptz,
      reveal_log_index bigint,
      created_by bigint,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX lottery_campaigns_open ON lottery_campaigns (ends_at) WHERE revealed_at IS NULL;

    CREATE TABLE lottery_chances (
      campaign_id bigint NOT NULL REFERENCES lottery_campaigns (campaign_id),
      invoice_id bigint NOT NULL,
      user_id bigint NOT NULL,
      granted integer NOT NULL CHECK (granted > 0),
      used integer NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= granted),
      amount_fen bigint NOT NULL,
      invoice_commit bytea NOT NULL,
      commit_salt bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (campaign_id, invoice_id)
    );
    CREATE INDEX lottery_chances_user ON lottery_chances (user_id, created_at DESC);
    CREATE INDEX lottery_chances_invoice ON lottery_chances (invoice_id);

    CREATE TABLE lottery_instant_draws (
      draw_id bigint PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES lottery_campaigns (campaign_id),
      position integer NOT NULL,
      invoice_id bigint NOT NULL,
      user_id bigint NOT NULL,
      chance integer NOT NULL,
      ticket integer NOT NULL,
      prize_index integer,
      log_index bigint NOT NULL,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (campaign_id, position),
      UNIQUE (campaign_id, invoice_id, chance)
    );
    CREATE INDEX lottery_instant_draws_user ON lottery_instant_draws (user_id, draw_id DESC);

    CREATE TABLE lottery_prizes (
      prize_id bigint PRIMARY KEY,
      user_id bigint NOT NULL,
      campaign_id bigint NOT NULL REFERENCES lottery_campaigns (campaign_id),
      source text NOT NULL CHECK (source IN ('INSTANT', 'WEEKLY')),
      draw_id bigint NOT NULL,
      invoice_id bigint NOT NULL,
      tier text,
      kind text NOT NULL CHECK (kind IN ('CASH', 'COUPON')),
      amount_fen bigint CHECK (amount_fen IS NULL OR amount_fen > 0),
      coupon_template_id bigint,
      coupon_code text,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID', 'ISSUED', 'FAILED')),
      due_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      settled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (source, draw_id, invoice_id)
    );
    CREATE INDEX lottery_prizes_user ON lottery_prizes (user_id, prize_id DESC);
    CREATE INDEX lottery_prizes_due ON lottery_prizes (due_at) WHERE status = 'PENDING';
  `.execute(db);
}
