import { sql, type Kysely } from 'kysely';

/** Third-party login (OpenID Connect): pending authorization requests and linked external accounts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE oidc_states (
      state text PRIMARY KEY,
      provider text NOT NULL,
      code_verifier text NOT NULL,
      nonce text NOT NULL,
      link_user_id bigint,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );

    CREATE TABLE external_accounts (
      provider text NOT NULL,
      subject text NOT NULL,
      user_id bigint NOT NULL REFERENCES user_auth (user_id),
      linked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, subject)
    );
    CREATE INDEX external_accounts_user ON external_accounts (user_id);
  `.execute(db);
}
