import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

/**
 * Used cashier nonces. Claiming is one INSERT that either adds the row or finds it there: the primary key decides
 * a race between two processes, and nothing a cache loses can make a used nonce fresh again.
 */
export class SignatureNonces {
  constructor(private readonly db: Kysely<Database>) {}

  /** True the first time (merchant, nonce) is seen before `expiresAt`; false for a replay. */
  async claim(merchantId: string, nonce: string, now: Date, expiresAt: Date): Promise<boolean> {
    // A row left by an expired claim (not yet purged) is taken over: its window is over, so the signed
    // timestamp check already refuses any replay of that old request.
    const result = await sql<{ claimed: number }>`
      INSERT INTO merchant_signature_nonces (merchant_id, nonce, expires_at)
      VALUES (${merchantId}, ${nonce}, ${expiresAt})
      ON CONFLICT (merchant_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at
        WHERE merchant_signature_nonces.expires_at < ${now}
      RETURNING 1 AS claimed
    `.execute(this.db);
    return result.rows.length === 1;
  }

  /** Deletes nonces whose window is over; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('merchant_signature_nonces').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
