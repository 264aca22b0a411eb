import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import './schema.js';

/**
 * The anti-fraud record of sign-ups: keyed hashes of the phone and the device id, kept after erasure (the privacy
 * notice says so), so rewards meant once per person are not paid again to someone who erased the account and
 * signed up with the same phone or device. The key is its own (derived from the blind-index key under another
 * label): these values match no blind index, and nobody without the key can test a phone number against them.
 */
export class SignupFingerprints {
  private readonly key: Buffer;

  constructor(blindIndexKey: Buffer) {
    this.key = createHmac('sha256', blindIndexKey).update('quanyi/signup-fingerprint-key').digest();
  }

  async record(trx: Transaction<Database>, userId: string, phone: string, deviceId: string | undefined): Promise<void> {
    await trx
      .insertInto('identity_signup_fingerprints')
      .values({ user_id: userId, phone_key: this.keyOf('phone', phone), device_key: deviceId ? this.keyOf('device', deviceId) : null })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
  }

  /** Other accounts (erased ones included) signed up with the same phone or from the same device as this one. */
  async otherAccountsOfSamePerson(db: Kysely<Database>, userId: string): Promise<string[]> {
    const mine = await db.selectFrom('identity_signup_fingerprints').select(['phone_key', 'device_key']).where('user_id', '=', userId).executeTakeFirst();
    if (!mine) return [];
    const rows = await db
      .selectFrom('identity_signup_fingerprints')
      .select('user_id')
      .where('user_id', '!=', userId)
      .where((eb) => (mine.device_key ? eb.or([eb('phone_key', '=', mine.phone_key), eb('device_key', '=', mine.device_key)]) : eb('phone_key', '=', mine.phone_key)))
      .execute();
    return rows.map((r) => String(r.user_id));
  }

  /** What the data export shows of the record. */
  async ofUser(db: Kysely<Database>, userId: string) {
    const row = await db.selectFrom('identity_signup_fingerprints').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? { phone_key: row.phone_key, device_key: row.device_key, recorded_at: row.created_at.toISOString() } : null;
  }

  private keyOf(kind: 'phone' | 'device', value: string): string {
    return createHmac('sha256', this.key).update(`${kind}\u0000${value}`, 'utf8').digest('hex');
  }
}
