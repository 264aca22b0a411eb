import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Json, Timestamp } from '../../platform/db/schema.js';

export interface InvoiceTables {
  invoices: {
    invoice_id: Int8;
    user_id: Int8;
    kind: 'DIGITAL' | 'LEGACY';
    invoice_number: string;
    invoice_code: Generated<string>;
    identity: string;
    issue_date: string | null;
    total_amount_fen: Int8 | null;
    amount_includes_tax: Generated<boolean>;
    seller_tax_id: string | null;
    seller_name: string | null;
    buyer_name: string | null;
    status: 'ACCEPTED' | 'REJECTED';
    reasons: Json<string[]>;
    sources: Json<Record<string, string>>;
    entry: 'typed' | 'xml' | 'ofd' | 'pdf' | 'image';
    file_sha256: string | null;
    request_id: string | null;
    created_at: CreatedAt;
  };
  invoice_fraud_signals: { invoice_id: Int8; code: string; details: Json; created_at: CreatedAt };
  tax_sandbox_settings: { name: string; value: string };
  tax_sandbox_taxpayers: {
    tax_id: string;
    name: string;
    region_code: string;
    status: Generated<'active' | 'deregistered'>;
    created_at: CreatedAt;
  };
  tax_sandbox_invoices: {
    /** 发票代码 of a legacy invoice; empty for 数电. */
    code: Generated<string>;
    number: string;
    /** 校验码 of a legacy 普票. */
    check_code: string | null;
    issue_date: string;
    issued_at: Timestamp;
    seller_tax_id: string;
    buyer_name: string;
    buyer_tax_id: string | null;
    total_without_tax_fen: Int8;
    total_tax_fen: Int8;
    total_with_tax_fen: Int8;
    remaining_fen: Int8;
    status: Generated<string>;
    /** Absent on invoices imported from files (the sandbox did not issue them). */
    xml: string | null;
    qr: string | null;
    created_at: CreatedAt;
  };
  tax_sandbox_queries: { number: string; day: string; count: number };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends InvoiceTables {}
}
