import type { Fen } from '../../../platform/money/money.js';
import { businessDaysBetween, startOfBusinessDay } from '../../../platform/time/clock.js';
import type { TaxStatus } from '../tax-authority/port.js';
import { buyerRefusal, type BuyerRule, type InvoiceBuyer } from './buyer.js';

/** Why an invoice does not count, in the order they are reported (the first is the answer's `error`). */
export const REASON_CODES = [
  'INVOICE_FORMAT_INVALID',
  'INVOICE_SIGNATURE_INVALID',
  'INVOICE_SIGNATURE_MISSING',
  'INVOICE_SIGNATURE_UNTRUSTED',
  'INVOICE_NOT_FOUND',
  'INVOICE_VOID',
  'INVOICE_RED_FLUSHED',
  'INVOICE_ABNORMAL',
  'SELLER_NOT_REGISTERED',
  'INVOICE_AMOUNT_TOO_LOW',
  'INVOICE_EXPIRED',
  'REAL_NAME_REQUIRED',
  'INVOICE_BUYER_COMPANY',
  'INVOICE_BUYER_MISMATCH',
  'INVOICE_DUPLICATE',
  /** The authority refused the query itself (recorded alone: no other rule could be checked). */
  'TAX_QUERY_REFUSED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A campaign's terms for invoices (lottery specification §2.1, FAQ Q1): defaults 10.00 yuan and 90 days. */
export interface EligibilityPolicy {
  readonly minAmountFen: Fen;
  readonly maxAgeDays: number;
  /** Whose invoices count: individuals only (default) or also companies' (`eligibility.buyer` of the campaigns). */
  readonly buyer?: BuyerRule;
}

export const DEFAULT_POLICY: EligibilityPolicy = { minAmountFen: 1_000n, maxAgeDays: 90, buyer: 'PERSON' };

export interface EligibilityFacts {
  /**
   * 'absent' for a typed entry or a file that carries no XML (the tax authority's answer is then the only proof);
   * for an XML: valid, 'missing' (unsigned: no signature block or an empty value), 'invalid' (does not verify) or
   * 'untrusted' (verifies, with a certificate no trust anchor issued).
   */
  readonly signature: 'valid' | 'invalid' | 'missing' | 'untrusted' | 'absent';
  readonly taxStatus: TaxStatus;
  readonly sellerRegistered: boolean | undefined;
  /** What the invoice is worth: the tax-inclusive total, or what is left after a partial red-flush. */
  readonly amountFen: Fen;
  readonly issueDate: string;
  /** Today's business date (Asia/Shanghai). */
  readonly today: string;
  readonly buyerRealNameVerified: boolean;
  /** Whom the invoice was issued to (the authority's answer, else the file), and the user's verified real name. */
  readonly buyer?: InvoiceBuyer;
  readonly verifiedName?: string | null;
  readonly alreadyRegistered: boolean;
}

/**
 * Every rule an invoice must pass to count (lottery specification §2.1 and FAQ Q1), checked all at once so the consumer
 * learns every problem in one answer. Pure: the facts are gathered by the service.
 */
export function eligibilityReasons(facts: EligibilityFacts, policy: EligibilityPolicy = DEFAULT_POLICY): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  const age = ageInDays(facts.issueDate, facts.today);
  if (age === undefined || age < 0) reasons.push('INVOICE_FORMAT_INVALID');
  if (facts.signature === 'invalid') reasons.push('INVOICE_SIGNATURE_INVALID');
  if (facts.signature === 'missing') reasons.push('INVOICE_SIGNATURE_MISSING');
  if (facts.signature === 'untrusted') reasons.push('INVOICE_SIGNATURE_UNTRUSTED');
  switch (facts.taxStatus) {
    case 'NOT_FOUND':
      reasons.push('INVOICE_NOT_FOUND');
      break;
    case 'VOID':
      reasons.push('INVOICE_VOID');
      break;
    case 'RED_FLUSHED':
      reasons.push('INVOICE_RED_FLUSHED');
      break;
    case 'OUT_OF_CONTROL':
    case 'ABNORMAL':
      reasons.push('INVOICE_ABNORMAL');
      break;
    case 'NORMAL':
    case 'PARTIALLY_RED_FLUSHED':
      break;
  }
  if (facts.taxStatus !== 'NOT_FOUND' && facts.sellerRegistered === false) reasons.push('SELLER_NOT_REGISTERED');
  if (facts.amountFen < policy.minAmountFen) reasons.push('INVOICE_AMOUNT_TOO_LOW');
  if (age !== undefined && age > policy.maxAgeDays) reasons.push('INVOICE_EXPIRED');
  if (!facts.buyerRealNameVerified) reasons.push('REAL_NAME_REQUIRED');
  if (facts.buyer) {
    const refusal = buyerRefusal(facts.buyer, policy.buyer ?? 'PERSON', facts.buyerRealNameVerified ? (facts.verifiedName ?? null) : null);
    if (refusal) reasons.push(refusal);
  }
  if (facts.alreadyRegistered) reasons.push('INVOICE_DUPLICATE');
  return reasons;
}

/** Calendar days from the issue date to today (Asia/Shanghai); undefined for a date that does not exist. */
function ageInDays(issueDate: string, today: string): number | undefined {
  try {
    return businessDaysBetween(startOfBusinessDay(issueDate), startOfBusinessDay(today));
  } catch {
    return undefined;
  }
}
