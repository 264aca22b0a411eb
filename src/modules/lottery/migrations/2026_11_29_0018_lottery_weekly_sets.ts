import { sql, type Kysely } from 'kysely';

/**
 * One row per weekly entry set that has entries, so the every-minute close job finds the sets that are due by
 * reading this small table instead of every entry ever made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lottery_weekly_sets (
      campaign_id bigint NOT NULL REFERENCES lottery_campaigns (campaign_id),
      close_at timestamptz NOT NULL,
      PRIMARY KEY (campaign_id, close_at)
    );
    INSERT INTO lottery_weekly_sets (campaign_id, close_at) SELECT DISTINCT campaign_id, close_at FROM lottery_weekly_entries;
  `.execute(db);
}
