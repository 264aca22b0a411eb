import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Language } from '../../platform/errors/language.js';
import type { Clock } from '../../platform/time/clock.js';
import type { NotificationRepo, NotificationRow } from './repo.js';

/** How many messages the inbox shows: the newest. */
export const INBOX_LIMIT = 100;

/** The user's side of the inbox: read the newest messages in their language, mark them read. */
export class Inbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: NotificationRepo,
    private readonly clock: Clock,
  ) {}

  async of(userId: string, language: Language) {
    const [rows, unread] = await Promise.all([this.repo.inboxOf(this.db, userId, INBOX_LIMIT), this.repo.unreadCount(this.db, userId)]);
    return { unread, messages: rows.map((row) => present(row, language)) };
  }

  async markRead(userId: string, notificationId: string, language: Language) {
    const row = await this.repo.markRead(this.db, userId, notificationId, this.clock.now());
    if (!row) throw new AppError('NOTIFICATION_NOT_FOUND', { id: notificationId });
    return present(row, language);
  }

  /** Erasure: the user's messages go with their account. */
  async erase(userId: string): Promise<number> {
    return this.repo.deleteAllOf(this.db, userId);
  }
}

function present(row: NotificationRow, language: Language) {
  const en = language === 'en';
  return {
    id: row.notification_id,
    kind: row.kind,
    title: en ? row.title_en : row.title_zh,
    body: en ? row.body_en : row.body_zh,
    created_at: row.created_at.toISOString(),
    read_at: row.read_at?.toISOString() ?? null,
  };
}
