import { sql, type Kysely } from 'kysely';

/** Merchants and their cashier-API credentials (the secret encrypted: it must be read back to check HMACs). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE merchants (
      merchant_id bigint PRIMARY KEY,
      name text NOT NULL,
      api_key text NOT NULL UNIQUE,
      api_secret_enc text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
