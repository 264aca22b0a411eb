import { sql, type Kysely } from 'kysely';

/**
 * Identity. `user_auth` and `user_certificates` follow the specification's tables; personal data lives only as
 * AES-256-GCM ciphertext (`*_enc`) with HMAC blind indexes (`*_hash`) for lookup, never in clear.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE user_auth (
      user_id bigint PRIMARY KEY,
      phone_hash text UNIQUE,
      phone_enc text,
      id_card_hash text UNIQUE,
      real_name_status smallint NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'erased')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      erased_at timestamptz
    );

    CREATE TABLE user_roles (
      user_id bigint NOT NULL REFERENCES user_auth (user_id),
      role text NOT NULL,
      merchant_id text NOT NULL DEFAULT '',
      granted_by text NOT NULL,
      granted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, role, merchant_id)
    );

    CREATE TABLE user_pii (
      user_id bigint PRIMARY KEY REFERENCES user_auth (user_id),
      name_enc text,
      id_number_enc text,
      bank_card_enc text,
      bank_card_bin text,
      bank_card_last4 text,
      bank_phone_enc text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE user_certificates (
      id bigint PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES user_auth (user_id),
      cert_type smallint NOT NULL CHECK (cert_type IN (1, 2)),
      cert_hash text NOT NULL,
      verified_at timestamptz,
      provider text NOT NULL,
      provider_reference text NOT NULL,
      outcome text NOT NULL
    );
    CREATE INDEX user_certificates_user ON user_certificates (user_id);

    CREATE TABLE user_consents (
      id bigint PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES user_auth (user_id),
      purpose text NOT NULL,
      version text NOT NULL,
      granted_at timestamptz NOT NULL DEFAULT now(),
      withdrawn_at timestamptz,
      request_id text
    );
    CREATE INDEX user_consents_user ON user_consents (user_id, purpose);

    CREATE TABLE sms_codes (
      id bigint PRIMARY KEY,
      phone_hash text NOT NULL,
      purpose text NOT NULL,
      code_hmac text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      superseded_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sms_codes_live ON sms_codes (phone_hash, purpose, created_at DESC)
      WHERE consumed_at IS NULL AND superseded_at IS NULL;

    CREATE TABLE dev_sms_messages (
      id bigint PRIMARY KEY,
      phone_hash text NOT NULL,
      phone_enc text NOT NULL,
      text text NOT NULL,
      otp text,
      sent_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX dev_sms_messages_phone ON dev_sms_messages (phone_hash, sent_at DESC);

    CREATE TABLE auth_sessions (
      session_id bigint PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES user_auth (user_id),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_reason text
    );
    CREATE INDEX auth_sessions_user ON auth_sessions (user_id) WHERE revoked_at IS NULL;

    CREATE TABLE refresh_tokens (
      token_hash text PRIMARY KEY,
      session_id bigint NOT NULL REFERENCES auth_sessions (session_id),
      user_id bigint NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
  `.execute(db);
}
