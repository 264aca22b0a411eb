import { sql, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { InvoiceAcceptedPayload } from './service.js';

/**
 * Invoices accepted with fraud signals, held back from the lottery until risk control's review decides (issue
 * #8). `release` and `drop` act once: a held invoice is RELEASED (its chances granted by the caller) or DROPPED.
 */
export class HeldInvoices {
  async hold(trx: Transaction<Database>, payload: InvoiceAcceptedPayload, acceptedAt: Date): Promise<void> {
    await sql`
      INSERT INTO lottery_held_invoices (invoice_id, payload, accepted_at) VALUES (${payload.invoice_id}, ${JSON.stringify(payload)}::jsonb, ${acceptedAt})
      ON CONFLICT (invoice_id) DO NOTHING
    `.execute(trx);
  }

  /** Marks a held invoice released or dropped; answers what was held when it was released, else undefined. */
  async decide(trx: Transaction<Database>, invoiceId: string, release: boolean): Promise<{ payload: InvoiceAcceptedPayload; acceptedAt: Date } | undefined> {
    if (!/^\d{1,20}$/.test(invoiceId)) return undefined;
    const row = (
      await sql<{ payload: InvoiceAcceptedPayload; accepted_at: Date }>`
        UPDATE lottery_held_invoices SET status = ${release ? 'RELEASED' : 'DROPPED'}, decided_at = now()
        WHERE invoice_id = ${invoiceId} AND status = 'HELD'
        RETURNING payload, accepted_at
      `.execute(trx)
    ).rows[0];
    return row && release ? { payload: row.payload, acceptedAt: new Date(row.accepted_at) } : undefined;
  }
}
