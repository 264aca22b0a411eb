import { sql, type Kysely } from 'kysely';

/**
 * Answers stored before idempotency.ts stopped storing credentials may still hold tokens or a merchant's secret
 * (for up to 24 h): they lose their body. A repeat of such a key is then refused (IDEMPOTENCY_KEY_NOT_REPLAYABLE,
 * or IDEMPOTENCY_KEY_REUSED as fingerprints are now keyed), never answered with the credential. The rows stay, so
 * the request they record is still not run twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE idempotency_keys SET response_body = NULL
    WHERE response_body ~* '"[a-z_]*(token|secret|password|passwd|passphrase|otp|private_key)"\\s*:\\s*[^n\\s]'
  `.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to restore: the bodies are gone on purpose.
}
