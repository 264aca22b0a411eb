import type { Transaction } from 'kysely';
import type { Database } from '../../../platform/db/schema.js';

export interface SmsMessage {
  readonly phone: string;
  readonly text: string;
  /** The one-time code inside `text`, when the message carries one (the dev outbox shows it separately). */
  readonly otp?: string;
  /** Template parameters for gateways that send by template id rather than free text. */
  readonly templateParams: Readonly<Record<string, string>>;
}

/**
 * The SMS port. `dev` records messages in the database (inside the caller's transaction, so a rolled-back
 * request leaves no message); `http` calls a real gateway after the code has been committed.
 */
export interface SmsProvider {
  readonly kind: 'dev' | 'http';
  /** Called inside the transaction that stores the code. */
  record(trx: Transaction<Database>, message: SmsMessage): Promise<void>;
  /** Called after commit; delivers the message for providers that talk to the outside world. */
  deliver(message: SmsMessage): Promise<void>;
}
