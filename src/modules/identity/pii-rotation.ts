import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { PiiVault } from '../../platform/privacy/vault.js';

/** Every encrypted column of the identity tables, with the field name bound into its ciphertext. */
const ENCRYPTED_COLUMNS = [
  { table: 'user_auth', key: 'user_id', columns: { phone_enc: 'phone' } },
  {
    table: 'user_pii',
    key: 'user_id',
    columns: { name_enc: 'name', id_number_enc: 'id_number', bank_card_enc: 'bank_card', bank_phone_enc: 'bank_phone' },
  },
  { table: 'dev_sms_messages', key: 'id', columns: { phone_enc: 'phone' } },
] as const;

/**
 * Re-encrypts, a batch at a time, every value not yet under the vault's active key. Runs in the background
 * after `quanyi keys rotate` and a restart; old keys keep decrypting meanwhile, so nothing is ever unreadable.
 * Returns how many rows it rewrote (0 when everything is under the active key).
 */
export async function reencryptBatch(db: Kysely<Database>, vault: PiiVault, batchSize = 500): Promise<number> {
  const activePrefix = `v1:${vault.activeKeyId}:%`;
  let rewritten = 0;
  for (const spec of ENCRYPTED_COLUMNS) {
    const columns = Object.keys(spec.columns) as (keyof typeof spec.columns)[];
    const stale = columns.map((c) => sql`(${sql.ref(c)} IS NOT NULL AND ${sql.ref(c)} NOT LIKE ${activePrefix})`);
    const rows = await sql<Record<string, string | null>>`
      SELECT ${sql.ref(spec.key)} AS row_key, ${sql.join(columns.map((c) => sql.ref(c)))}
      FROM ${sql.table(spec.table)}
      WHERE ${sql.join(stale, sql` OR `)}
      LIMIT ${batchSize}
    `.execute(db);
    for (const row of rows.rows) {
      const assignments = columns
        .filter((c) => row[c] !== null)
        .map((c) => sql`${sql.ref(c)} = ${vault.reencrypt(row[c]!, spec.columns[c] as string)}`);
      // Guarded by the old values, so a concurrent write of fresh data is never overwritten with stale data.
      const guards = columns.map((c) => (row[c] === null ? sql`${sql.ref(c)} IS NULL` : sql`${sql.ref(c)} = ${row[c]}`));
      await sql`
        UPDATE ${sql.table(spec.table)} SET ${sql.join(assignments)}
        WHERE ${sql.ref(spec.key)} = ${row.row_key} AND ${sql.join(guards, sql` AND `)}
      `.execute(db);
      rewritten++;
    }
  }
  return rewritten;
}
