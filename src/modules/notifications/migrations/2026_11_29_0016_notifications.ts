import { sql, type Kysely } from 'kysely';

/**
 * The user's message inbox (站内信), in both languages so the reader's Accept-Language picks one. `dedupe_key`
 * makes every notice idempotent: an event delivered twice still leaves one message (and one SMS).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE notifications (
      notification_id bigint PRIMARY KEY,
      user_id bigint NOT NULL,
      dedupe_key text NOT NULL UNIQUE,
      kind text NOT NULL,
      title_zh text NOT NULL,
      title_en text NOT NULL,
      body_zh text NOT NULL,
      body_en text NOT NULL,
      sms_sent_at timestamptz,
      read_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX notifications_user ON notifications (user_id, notification_id DESC);
    CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
  `.execute(db);
}
