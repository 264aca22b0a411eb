import { sql, type Kysely } from 'kysely';

/**
 * Weekly draws. Each accepted invoice's chances become entries of the campaign's next weekly draw; at the cron
 * fire the set is closed: its Merkle root and size, and the beacon round it will be drawn with, go to the log
 * before that round exists. The primary key orders entries by commitment, the order the draw uses.
 *
 * `lottery_local_beacons` holds the secret of the commit-reveal hash chain used where drand is unreachable;
 * its anchor is in the log before any draw relies on it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lottery_weekly_entries (
      campaign_id bigint NOT NULL REFERENCES lottery_campaigns (campaign_id),
      close_at timestamptz NOT NULL,
      invoice_commit bytea NOT NULL CHECK (octet_length(invoice_commit) = 32),
      chance integer NOT NULL CHECK (chance >= 1),
      invoice_id bigint NOT NULL,
      user_id bigint NOT NULL,
      PRIMARY KEY (campaign_id, close_at, invoice_commit, chance)
    );

    CREATE TABLE lottery_weekly_draws (
      draw_id bigint PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES lottery_campaigns (campaign_id),
      close_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('CLOSED', 'DRAWN')),
      entry_count integer NOT NULL,
      entries_root bytea NOT NULL,
      beacon_id text NOT NULL,
      target_round bigint NOT NULL,
      close_log_index bigint NOT NULL,
      beacon jsonb,
      seed bytea,
      winners jsonb,
      result_log_index bigint,
      drawn_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (campaign_id, close_at)
    );
    CREATE INDEX lottery_weekly_draws_pending ON lottery_weekly_draws (target_round) WHERE status = 'CLOSED';

    CREATE TABLE lottery_local_beacons (
      beacon_id text PRIMARY KEY,
      anchor bytea NOT NULL,
      secret bytea NOT NULL,
      genesis_time bigint NOT NULL,
      period integer NOT NULL,
      length integer NOT NULL,
      log_index bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
