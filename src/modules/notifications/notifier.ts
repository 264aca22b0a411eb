import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Clock } from '../../platform/time/clock.js';
import type { SmsMessage, SmsProvider } from '../identity/sms/sms-provider.js';
import type { NotificationRepo } from './repo.js';

export interface LocalisedText {
  readonly title: string;
  readonly body: string;
}

/** A message for one user's inbox, in both languages. */
export interface Notice {
  readonly userId: string;
  /** What it is about (`prize-won:<prize id>`): one message per key, however often the cause is seen. */
  readonly dedupeKey: string;
  readonly kind: string;
  readonly zh: LocalisedText;
  readonly en: LocalisedText;
  /** Also text it (in Chinese) to the user's phone: for what they must not miss. */
  readonly sms: boolean;
}

/** Who may be told, and their phone (the identity module), read in the caller's transaction. */
export interface Recipients {
  /** Null for an erased account: it gets no messages. */
  contactOf(userId: string, db: Kysely<Database>): Promise<{ readonly phone: string | null } | null>;
}

export interface Notified {
  /** False when the message existed already (a redelivered event) or the account is erased. */
  readonly created: boolean;
  /** Hands the SMS to providers that talk to the outside world. Call it after the transaction commits. */
  deliver(): Promise<void>;
}

const NOTHING_TO_DELIVER = async (): Promise<void> => undefined;

/**
 * Writes inbox messages and their SMS copies. The message and the SMS record commit in the caller's transaction
 * (so a rolled-back cause leaves neither); the gateway is called after commit, like one-time codes are sent.
 */
export class Notifier {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: NotificationRepo,
    private readonly sms: SmsProvider,
    private readonly recipients: Recipients,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async notify(trx: Transaction<Database>, notice: Notice): Promise<Notified> {
    const contact = await this.recipients.contactOf(notice.userId, trx);
    if (!contact) return { created: false, deliver: NOTHING_TO_DELIVER };
    const created = await this.repo.insertIfAbsent(trx, { notificationId: this.ids.next(), ...notice });
    if (!notice.sms) return { created, deliver: NOTHING_TO_DELIVER };
    // Seen again: nothing to do, unless its SMS never went out (the gateway failed after commit) — then send it now.
    if (!created && !(await this.repo.smsUnsent(trx, notice.dedupeKey))) return { created, deliver: NOTHING_TO_DELIVER };
    if (!contact.phone) return { created, deliver: NOTHING_TO_DELIVER };
    const message: SmsMessage = {
      phone: contact.phone,
      text: `【权益】${notice.zh.body}`,
      templateParams: { title: notice.zh.title, body: notice.zh.body },
    };
    await this.sms.record(trx, message);
    return {
      created,
      deliver: async () => {
        await this.sms.deliver(message);
        await this.repo.markSmsSent(this.db, notice.dedupeKey, this.clock.now());
      },
    };
  }
}
