import { sql, type Kysely } from 'kysely';

/**
 * The tax-authority sandbox's own tables (it would be a separate system in reality; here it shares the database
 * but no code path of the platform reads them: the platform asks it over HTTP). Taxpayers, the invoices it
 * issued with their signed XML and status, and the per-invoice, per-day query counts behind the 5-checks limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tax_sandbox_settings (
      name text PRIMARY KEY,
      value text NOT NULL
    );
    CREATE TABLE tax_sandbox_taxpayers (
      tax_id text PRIMARY KEY,
      name text NOT NULL,
      region_code text NOT NULL CHECK (region_code ~ '^[0-9]{2}$'),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deregistered')),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE SEQUENCE tax_sandbox_invoice_seq;
    CREATE TABLE tax_sandbox_invoices (
      number text PRIMARY KEY CHECK (number ~ '^[0-9]{20}$'),
      issue_date date NOT NULL,
      issued_at timestamptz NOT NULL,
      seller_tax_id text NOT NULL REFERENCES tax_sandbox_taxpayers (tax_id),
      buyer_name text NOT NULL,
      buyer_tax_id text,
      total_without_tax_fen bigint NOT NULL CHECK (total_without_tax_fen >= 0),
      total_tax_fen bigint NOT NULL CHECK (total_tax_fen >= 0),
      total_with_tax_fen bigint NOT NULL CHECK (total_with_tax_fen > 0),
      remaining_fen bigint NOT NULL CHECK (remaining_fen >= 0),
      status text NOT NULL DEFAULT 'NORMAL'
        CHECK (status IN ('NORMAL', 'VOID', 'RED_FLUSHED', 'PARTIALLY_RED_FLUSHED', 'OUT_OF_CONTROL', 'ABNORMAL')),
      xml text NOT NULL,
      qr text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE tax_sandbox_queries (
      number text NOT NULL,
      day date NOT NULL,
      count integer NOT NULL CHECK (count > 0),
      PRIMARY KEY (number, day)
    );
  `.execute(db);
}
