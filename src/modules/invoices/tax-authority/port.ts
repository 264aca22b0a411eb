import type { Fen } from '../../../platform/money/money.js';

/**
 * What a verification platform answers about an invoice (reference/einvoice-and-identity-formats.md §2):
 * normal, void (作废), red-flushed in full or in part (红冲), out of control (失控), abnormal (异常), not found.
 */
export type TaxStatus = 'NORMAL' | 'VOID' | 'RED_FLUSHED' | 'PARTIALLY_RED_FLUSHED' | 'OUT_OF_CONTROL' | 'ABNORMAL' | 'NOT_FOUND';

export const TAX_STATUSES: readonly TaxStatus[] = ['NORMAL', 'VOID', 'RED_FLUSHED', 'PARTIALLY_RED_FLUSHED', 'OUT_OF_CONTROL', 'ABNORMAL', 'NOT_FOUND'];

/**
 * A 数电 invoice is checked by its 20-digit number, its issue date and its tax-inclusive total (价税合计).
 * A legacy invoice (增值税电子普通发票/专用发票) by its 发票代码, 8-digit 发票号码 and issue date, plus the last 6 digits
 * of its 校验码 (普票) or, without a 校验码 (专票), its pre-tax 合计金额: `totalAmountFen` then.
 */
export interface TaxStatusQuery {
  readonly number: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  readonly issueDate: string;
  /** 价税合计 (tax-inclusive) for 数电; for legacy invoices the pre-tax 合计金额 (the amount the QR carries). */
  readonly totalAmountFen: Fen;
  /** Legacy invoices only: 10/12-digit 发票代码 and the 20-digit 校验码 (only its last 6 digits are sent). */
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
  /** The amount the query is made in: 数电 价税合计; legacy the pre-tax 合计金额. */
  readonly totalAmountFen?: Fen;
  /** Legacy invoices: 价税合计, when the authority says it. */
  readonly amountWithTaxFen?: Fen;
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

/**
 * The authority answered, and refused this query: a malformed request, a kind of invoice it does not check, a
 * field it needs missing (→ 422 TAX_QUERY_REFUSED with its reason). Not an outage: asking again will not help.
 */
export class TaxQueryRefusedError extends Error {
  constructor(
    /** The authority's machine code, when it gave one (e.g. VALIDATION_FAILED). */
    readonly authorityCode: string | undefined,
    /** The authority's own words, for the user and the invoice history. */
    readonly reason: string,
    readonly httpStatus: number,
  ) {
    super(`tax authority refused the query: HTTP ${httpStatus}${authorityCode ? ` ${authorityCode}` : ''}: ${reason}`);
    this.name = 'TaxQueryRefusedError';
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
