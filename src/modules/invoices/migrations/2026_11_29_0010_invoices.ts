import { sql, type Kysely } from 'kysely';

/**
 * Submitted invoices. Every submission is kept with its outcome (ACCEPTED, or REJECTED with every reason) so a
 * consumer sees why; an invoice's identity (kind, code, number) can be ACCEPTED once across all users, which
 * the partial unique index enforces whatever the concurrency.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE invoices (
      invoice_id bigint PRIMARY KEY,
      user_id bigint NOT NULL,
      kind text NOT NULL CHECK (kind IN ('DIGITAL', 'LEGACY')),
      invoice_number text NOT NULL,
      invoice_code text NOT NULL DEFAULT '',
      identity text NOT NULL,
      issue_date date,
      total_amount_fen bigint,
      amount_includes_tax boolean NOT NULL DEFAULT true,
      seller_tax_id text,
      seller_name text,
      buyer_name text,
      status text NOT NULL CHECK (status IN ('ACCEPTED', 'REJECTED')),
      reasons jsonb NOT NULL DEFAULT '[]',
      sources jsonb NOT NULL DEFAULT '{}',
      entry text NOT NULL CHECK (entry IN ('typed', 'xml', 'ofd', 'pdf', 'image')),
      file_sha256 text,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX invoices_accepted_once ON invoices (identity) WHERE status = 'ACCEPTED';
    CREATE INDEX invoices_user ON invoices (user_id, invoice_id DESC);
    CREATE INDEX invoices_identity ON invoices (identity);
  `.execute(db);
}
