import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { startOfBusinessDay } from '../../platform/time/clock.js';
import type { ReasonCode } from './domain/eligibility.js';
import type { FraudSignal, RecordedInvoice } from './domain/fraud-signals.js';
import type { InvoiceFields } from './extraction.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewInvoiceRow {
  readonly invoiceId: string;
  readonly userId: string;
  readonly fields: InvoiceFields;
  readonly reasons: readonly ReasonCode[];
  readonly sources: Readonly<Record<string, string>>;
  readonly requestId: string;
  /** The uploaded file in the file store, when an accepted invoice came as a file (refused files are not kept). */
  readonly fileSha256?: string;
}

/** The one file with SQL for the `invoices` table. */
export class InvoiceRepo {
  /** An invoice's identity, the same whoever submits it: kind, legacy code (or empty) and number. */
  static identityOf(fields: Pick<InvoiceFields, 'kind' | 'code' | 'number'>): string {
    return `${fields.kind}:${fields.code ?? ''}:${fields.number}`;
  }

  async isRegistered(db: Db, identity: string): Promise<boolean> {
    const row = await db.selectFrom('invoices').select('invoice_id').where('identity', '=', identity).where('status', '=', 'ACCEPTED').executeTakeFirst();
    return Boolean(row);
  }

  /**
   * Records an accepted invoice unless another submission of the same invoice was accepted first (the partial
   * unique index decides under any concurrency). False when it lost that race.
   */
  async insertAccepted(db: Db, row: NewInvoiceRow): Promise<boolean> {
    const result = await sql<{ invoice_id: string }>`
      INSERT INTO invoices (invoice_id, user_id, kind, invoice_number, invoice_code, identity, issue_date, total_amount_fen,
                            amount_includes_tax, seller_tax_id, seller_name, buyer_name, status, reasons, sources, entry, request_id, file_sha256)
      VALUES (${row.invoiceId}, ${row.userId}, ${row.fields.kind}, ${row.fields.number}, ${row.fields.code ?? ''}, ${InvoiceRepo.identityOf(row.fields)},
              ${row.fields.issueDate}, ${row.fields.amountFen}, ${row.fields.amountIncludesTax}, ${row.fields.sellerTaxId ?? null},
              ${row.fields.sellerName ?? null}, ${row.fields.buyerName ?? null}, 'ACCEPTED', '[]', ${JSON.stringify(row.sources)}, ${row.fields.entry}, ${row.requestId},
              ${row.fileSha256 ?? null})
      ON CONFLICT (identity) WHERE status = 'ACCEPTED' DO NOTHING
      RETURNING invoice_id::text
    `.execute(db);
    return result.rows.length === 1;
  }

  async insertRejected(db: Db, row: NewInvoiceRow): Promise<void> {
    await db
      .insertInto('invoices')
      .values({
        invoice_id: row.invoiceId,
        user_id: row.userId,
        kind: row.fields.kind,
        invoice_number: row.fields.number,
        invoice_code: row.fields.code ?? '',
        identity: InvoiceRepo.identityOf(row.fields),
        issue_date: validDateOrNull(row.fields.issueDate),
        total_amount_fen: row.fields.amountFen,
        amount_includes_tax: row.fields.amountIncludesTax,
        seller_tax_id: row.fields.sellerTaxId ?? null,
        seller_name: row.fields.sellerName ?? null,
        buyer_name: row.fields.buyerName ?? null,
        status: 'REJECTED',
        reasons: JSON.stringify(row.reasons),
        sources: JSON.stringify(row.sources),
        entry: row.fields.entry,
        request_id: row.requestId,
        file_sha256: row.fileSha256 ?? null,
      })
      .execute();
  }

  /** Whether any invoice names this stored file (the same bytes may have been accepted from another upload). */
  async isFileReferenced(db: Db, fileSha256: string): Promise<boolean> {
    const row = await db.selectFrom('invoices').select('invoice_id').where('file_sha256', '=', fileSha256).limit(1).executeTakeFirst();
    return Boolean(row);
  }

  /** A seller's invoices issued since `sinceDate` (any submitter; `sameUser` marks the given user's), for fraud signals. */
  async recentFromSeller(db: Db, sellerTaxId: string, userId: string, sinceDate: string): Promise<RecordedInvoice[]> {
    const rows = await db
      .selectFrom('invoices')
      .select(['invoice_number', sql<string>`to_char(issue_date, 'YYYY-MM-DD')`.as('issue_date'), 'total_amount_fen', 'seller_tax_id', 'user_id', 'status', 'reasons'])
      .where('seller_tax_id', '=', sellerTaxId)
      .where('issue_date', '>=', sinceDate)
      .orderBy('invoice_id', 'desc')
      .limit(500)
      .execute();
    return rows.map((r) => ({
      number: r.invoice_number,
      issueDate: r.issue_date,
      amountFen: BigInt(r.total_amount_fen ?? 0),
      sellerTaxId: r.seller_tax_id,
      sameUser: String(r.user_id) === userId,
      status: r.status,
      reasons: r.reasons,
    }));
  }

  async insertSignals(db: Db, invoiceId: string, signals: readonly FraudSignal[]): Promise<void> {
    if (signals.length === 0) return;
    await db.insertInto('invoice_fraud_signals').values(signals.map((s) => ({ invoice_id: invoiceId, code: s.code, details: JSON.stringify(s.details) }))).execute();
  }

  async ofUser(db: Db, userId: string, limit: number) {
    return db
      .selectFrom('invoices')
      .select([
        sql<string>`invoice_id::text`.as('invoice_id'), 'kind', 'invoice_number', 'invoice_code', sql<string | null>`to_char(issue_date, 'YYYY-MM-DD')`.as('issue_date'),
        'total_amount_fen', 'seller_name', 'status', 'reasons', 'entry', 'created_at',
      ])
      .where('user_id', '=', userId)
      .orderBy('invoice_id', 'desc')
      .limit(limit)
      .execute();
  }
}

function validDateOrNull(date: string): string | null {
  try {
    startOfBusinessDay(date); // throws unless a real calendar date
    return date;
  } catch {
    return null;
  }
}
