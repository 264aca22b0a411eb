import { sql, type Kysely } from 'kysely';

/**
 * Channels (渠道方): the partners that bring merchants to the platform and take the channel's share of each
 * redemption (coupon specification §4.2.2: platform 10%, merchant 85%, channel 5% settled monthly). A merchant belongs to
 * at most one channel.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE channels (
      channel_id bigint PRIMARY KEY,
      name text NOT NULL UNIQUE,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE merchants ADD COLUMN channel_id bigint REFERENCES channels (channel_id);
    CREATE INDEX merchants_channel ON merchants (channel_id) WHERE channel_id IS NOT NULL;
  `.execute(db);
}
