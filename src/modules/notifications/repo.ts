import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { NotificationTables } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
export type NotificationRow = Selectable<NotificationTables['notifications']>;

export interface NewNotification {
  readonly notificationId: string;
  readonly userId: string;
  readonly dedupeKey: string;
  readonly kind: string;
  readonly zh: { readonly title: string; readonly body: string };
  readonly en: { readonly title: string; readonly body: string };
}

/** The one file with SQL for the inbox. */
export class NotificationRepo {
  /** Inserts the message unless its dedupe key is taken; true when this call inserted it. */
  async insertIfAbsent(trx: Transaction<Database>, n: NewNotification): Promise<boolean> {
    const result = await trx
      .insertInto('notifications')
      .values({
        notification_id: n.notificationId,
        user_id: n.userId,
        dedupe_key: n.dedupeKey,
        kind: n.kind,
        title_zh: n.zh.title,
        title_en: n.en.title,
        body_zh: n.zh.body,
        body_en: n.en.body,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Whether the message behind a dedupe key still waits for its SMS (a send that failed after commit). */
  async smsUnsent(trx: Transaction<Database>, dedupeKey: string): Promise<boolean> {
    const row = await trx.selectFrom('notifications').select('sms_sent_at').where('dedupe_key', '=', dedupeKey).forUpdate().executeTakeFirst();
    return row !== undefined && row.sms_sent_at === null;
  }

  async markSmsSent(db: Db, dedupeKey: string, at: Date): Promise<void> {
    await db.updateTable('notifications').set({ sms_sent_at: at }).where('dedupe_key', '=', dedupeKey).where('sms_sent_at', 'is', null).execute();
  }

  async inboxOf(db: Db, userId: string, limit: number): Promise<NotificationRow[]> {
    return db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('notification_id', 'desc').limit(limit).execute();
  }

  async unreadCount(db: Db, userId: string): Promise<number> {
    const row = await db
      .selectFrom('notifications')
      .select(sql<string>`count(*)`.as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks the user's message read (keeping the first read time); undefined when it is not theirs. */
  async markRead(db: Db, userId: string, notificationId: string, at: Date): Promise<NotificationRow | undefined> {
    return db
      .updateTable('notifications')
      .set({ read_at: sql<Date>`coalesce(read_at, ${at})` })
      .where('notification_id', '=', notificationId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
  }

  /** Erasure: the user's inbox goes with their account. */
  async deleteAllOf(db: Db, userId: string): Promise<number> {
    const result = await db.deleteFrom('notifications').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
