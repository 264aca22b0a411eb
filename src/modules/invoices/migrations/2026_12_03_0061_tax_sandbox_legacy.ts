import { sql, type Kysely } from 'kysely';

/**
 * The sandbox learns legacy invoices (增值税电子普通发票/专用发票, issue #18): an invoice is now identified by its
 * 发票代码 (empty for 数电) and 发票号码, carries its 校验码 (普票) and may come without signed XML or QR text
 * (invoices imported from real files with `quanyi tax-sandbox import`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE tax_sandbox_invoices DROP CONSTRAINT tax_sandbox_invoices_pkey;
    ALTER TABLE tax_sandbox_invoices DROP CONSTRAINT tax_sandbox_invoices_number_check;
    ALTER TABLE tax_sandbox_invoices ADD COLUMN code text NOT NULL DEFAULT '';
    ALTER TABLE tax_sandbox_invoices ADD COLUMN check_code text;
    ALTER TABLE tax_sandbox_invoices ADD PRIMARY KEY (code, number);
    ALTER TABLE tax_sandbox_invoices ADD CONSTRAINT tax_sandbox_invoices_identity_check CHECK (
      (code = '' AND number ~ '^[0-9]{20}$' AND check_code IS NULL)
      OR (code ~ '^([0-9]{10}|[0-9]{12})$' AND number ~ '^[0-9]{8}$' AND (check_code IS NULL OR check_code ~ '^[0-9]{20}$'))
    );
    ALTER TABLE tax_sandbox_invoices ALTER COLUMN xml DROP NOT NULL;
    ALTER TABLE tax_sandbox_invoices ALTER COLUMN qr DROP NOT NULL;
  `.execute(db);
}
