import { sql, type Kysely } from 'kysely';

/** Fraud signals recorded with an accepted invoice, for the risk module (#8) to review. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE invoice_fraud_signals (
      invoice_id bigint NOT NULL,
      code text NOT NULL,
      details jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (invoice_id, code)
    );
    CREATE INDEX invoices_seller_recent ON invoices (seller_tax_id, issue_date) WHERE seller_tax_id IS NOT NULL;
  `.execute(db);
}
