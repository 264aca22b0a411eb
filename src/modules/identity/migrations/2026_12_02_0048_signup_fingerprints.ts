import { sql, type Kysely } from 'kysely';

/**
 * The anti-fraud record of each sign-up: keyed hashes (HMAC-SHA256 under a key of their own) of the phone and,
 * when the app sent one, the device id. Unlike the blind indexes it survives erasure, so a person who erases the
 * account and signs up again is recognised and once-per-person rewards are not paid twice. It cannot be reversed
 * to the phone without the key; the privacy notice and the data export state it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE identity_signup_fingerprints (
      user_id bigint PRIMARY KEY,
      phone_key text NOT NULL,
      device_key text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX identity_signup_fingerprints_phone ON identity_signup_fingerprints (phone_key);
    CREATE INDEX identity_signup_fingerprints_device ON identity_signup_fingerprints (device_key) WHERE device_key IS NOT NULL;
  `.execute(db);
}
