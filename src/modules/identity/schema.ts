import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Timestamp } from '../../platform/db/schema.js';

export interface IdentityTables {
  user_auth: {
    user_id: Int8;
    phone_hash: string | null;
    phone_enc: string | null;
    id_card_hash: string | null;
    /** 0 not verified, 1 verified (the specification's TINYINT). */
    real_name_status: Generated<number>;
    status: Generated<'active' | 'erased'>;
    created_at: CreatedAt;
    updated_at: Timestamp;
    erased_at: Timestamp | null;
  };
  user_roles: {
    user_id: Int8;
    role: string;
    /** '' for roles not bound to a merchant. */
    merchant_id: string;
    granted_by: string;
    granted_at: CreatedAt;
  };
  user_pii: {
    user_id: Int8;
    name_enc: string | null;
    id_number_enc: string | null;
    bank_card_enc: string | null;
    bank_card_bin: string | null;
    bank_card_last4: string | null;
    bank_phone_enc: string | null;
    updated_at: Timestamp;
  };
  user_certificates: {
    id: Int8;
    user_id: Int8;
    /** 1 ID card, 2 bank card (the specification's cert_type). */
    cert_type: 1 | 2;
    cert_hash: string;
    verified_at: Timestamp | null;
    provider: string;
    provider_reference: string;
    outcome: string;
  };
  user_consents: {
    id: Int8;
    user_id: Int8;
    purpose: string;
    version: string;
    granted_at: CreatedAt;
    withdrawn_at: Timestamp | null;
    request_id: string | null;
  };
  sms_codes: {
    id: Int8;
    phone_hash: string;
    purpose: string;
    code_hmac: string;
    attempts: Generated<number>;
    expires_at: Timestamp;
    consumed_at: Timestamp | null;
    superseded_at: Timestamp | null;
    created_at: CreatedAt;
  };
  dev_sms_messages: {
    id: Int8;
    phone_hash: string;
    phone_enc: string;
    text: string;
    otp: string | null;
    sent_at: CreatedAt;
  };
  auth_sessions: {
    session_id: Int8;
    user_id: Int8;
    created_at: CreatedAt;
    last_used_at: Timestamp;
    revoked_at: Timestamp | null;
    revoked_reason: string | null;
  };
  oidc_states: {
    state: string;
    provider: string;
    code_verifier: string;
    nonce: string;
    link_user_id: Int8 | null;
    expires_at: Timestamp;
    used_at: Timestamp | null;
  };
  external_accounts: {
    provider: string;
    subject: string;
    user_id: Int8;
    linked_at: CreatedAt;
  };
  real_name_attempts: {
    scope: 'user' | 'id_number';
    /** The user id, or the ID number's blind index. */
    subject: string;
    /** The Asia/Shanghai day, YYYY-MM-DD. */
    day: string;
    attempts: number;
  };
  /** Kept after erasure: the anti-fraud record that makes sign-up rewards once per person (privacy-notice.ts). */
  identity_signup_fingerprints: {
    user_id: Int8;
    phone_key: string;
    device_key: string | null;
    created_at: CreatedAt;
  };
  refresh_tokens: {
    token_hash: string;
    session_id: Int8;
    user_id: Int8;
    expires_at: Timestamp;
    used_at: Timestamp | null;
    created_at: CreatedAt;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends IdentityTables {}
}
