import type { CreatedAt, Int8, Timestamp } from '../../platform/db/schema.js';

export interface NotificationTables {
  notifications: {
    notification_id: Int8;
    user_id: Int8;
    /** What the message is about (`prize-won:<prize id>`): one message per key, however often the cause is seen. */
    dedupe_key: string;
    kind: string;
    title_zh: string;
    title_en: string;
    body_zh: string;
    body_en: string;
    /** When the SMS copy went out; null when none was asked for, or none could be sent yet. */
    sms_sent_at: Timestamp | null;
    read_at: Timestamp | null;
    created_at: CreatedAt;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends NotificationTables {}
}
