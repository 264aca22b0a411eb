import { sql, type Kysely } from 'kysely';

/**
 * Cashier signature nonces, kept in the database rather than only in the cache: a nonce must stay used for its
 * whole window whatever happens to Redis (a restart that loses its data, several processes each with their own
 * in-process cache), or a captured signed consume could be replayed. Expired rows are purged by a job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE merchant_signature_nonces (
      merchant_id bigint NOT NULL,
      nonce text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (merchant_id, nonce)
    );
    CREATE INDEX merchant_signature_nonces_expiry ON merchant_signature_nonces (expires_at);
  `.execute(db);
}
