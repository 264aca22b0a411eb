import type { Transaction } from 'kysely';
import type { Database } from '../../../platform/db/schema.js';
import type { IdGenerator } from '../../../platform/ids/snowflake.js';
import type { PiiVault } from '../../../platform/privacy/vault.js';
import type { SmsMessage, SmsProvider } from './sms-provider.js';

/**
 * Development outbox: messages go to `dev_sms_messages` (the phone encrypted like everywhere else) and can be
 * read at GET /api/v1/dev/sms while this provider is active. Production refuses to start with it.
 */
export class DevSmsProvider implements SmsProvider {
  readonly kind = 'dev' as const;

  constructor(
    private readonly vault: PiiVault,
    private readonly ids: IdGenerator,
  ) {}

  async record(trx: Transaction<Database>, message: SmsMessage): Promise<void> {
    await trx
      .insertInto('dev_sms_messages')
      .values({
        id: this.ids.next(),
        phone_hash: this.vault.blindIndex('phone', message.phone),
        phone_enc: this.vault.encrypt(message.phone, 'phone'),
        text: message.text,
        otp: message.otp ?? null,
      })
      .execute();
  }

  async deliver(): Promise<void> {}
}
