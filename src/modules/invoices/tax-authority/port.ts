import type { Fen } from '../../../platform/money/money.js';

/**
 * What a verification platform answers about an invoice (reference/einvoice-and-identity-formats.md §2):
 * normal, void (作废), red-flushed in full or in part (红冲), out of control (失控), abnormal (异常), not found.
 */
export type TaxStatus = 'NORMAL' | 'VOID' | 'RED_FLUSHED' | 'PARTIALLY_RED_FLUSHED' | 'OUT_OF_CONTROL' | 'ABNORMAL' | 'NOT_FOUND';

export const TAX_STATUSES: readonly TaxStatus[] = ['NORMAL', 'VOID', 'RED_FLUSHED', 'PARTIALLY_RED_FLUSHED', 'OUT_OF_CONTROL', 'ABNORMAL', 'NOT_FOUND'];

/** A 数电 invoice is identified by its 20-digit number, its issue date and its tax-inclusive total. */
export interface TaxStatusQuery {
  readonly number: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  readonly issueDate: string;
  /** 价税合计 (tax-inclusive) for 数电; for legacy invoices the amount the QR carries. */
  readonly totalAmountFen: Fen;
  /** Legacy invoices only: 10/12-digit 发票代码 and the 20-digit 校验码. */
  readonly code?: string;
  readonly checkCode?: string;
}

export interface TaxStatusAnswer {
  readonly status: TaxStatus;
  /** Present unless NOT_FOUND. */
  readonly sellerTaxId?: string;
  readonly sellerName?: string;
  /** Whether the seller is a registered, active taxpayer. */
  readonly sellerRegistered?: boolean;
  readonly buyerName?: string;
  readonly buyerTaxId?: string;
  readonly totalAmountFen?: Fen;
  /** After a partial red-flush: what is left of the invoice. */
  readonly remainingAmountFen?: Fen;
}

/** The tax authority could not be reached or did not answer in time (→ 503 TAX_AUTHORITY_UNAVAILABLE). */
export class TaxAuthorityUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TaxAuthorityUnavailableError';
  }
}

/** The authority allows 5 checks per invoice per day (→ 429 TAX_QUERY_LIMIT_REACHED). */
export class TaxQueryLimitError extends Error {
  constructor() {
    super('the tax authority allows 5 status checks per invoice per day');
    this.name = 'TaxQueryLimitError';
  }
}

/**
 * The platform's only way to the tax authority. The sandbox (`tax-sandbox/`) speaks the same HTTP contract a real
 * provider adapter would be written against; `tax-authority/http-tax-authority.ts` is the client.
 */
export interface TaxAuthority {
  queryStatus(query: TaxStatusQuery): Promise<TaxStatusAnswer>;
  /** The key the authority signs invoice XML with: SM2 public key, uncompressed, hex ("04…"). */
  signingPublicKey(): Promise<string>;
}
