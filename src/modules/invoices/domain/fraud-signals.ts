import type { Fen } from '../../../platform/money/money.js';

/**
 * Patterns receipt lotteries abroad were gamed with (issue #5, item 5). They do not refuse an invoice by
 * themselves: they are recorded with it and sent on `invoice.accepted`, for the risk module to decide.
 */
export type FraudSignalCode = 'SELF_ISSUED' | 'SMALL_INVOICES_SAME_PAIR' | 'JUST_OVER_FLOOR_SAME_DAY' | 'REISSUED_AFTER_VOID';

export interface FraudSignal {
  readonly code: FraudSignalCode;
  /** The evidence: counts and the invoices involved. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface CandidateInvoice {
  readonly number: string;
  readonly issueDate: string;
  readonly amountFen: Fen;
  readonly sellerTaxId: string | undefined;
  readonly sellerName: string | undefined;
  readonly buyerTaxId: string | undefined;
  readonly buyerName: string | undefined;
}

/** Invoices already on record that a signal may involve (the service loads the relevant recent ones). */
export interface RecordedInvoice {
  readonly number: string;
  readonly issueDate: string;
  readonly amountFen: Fen;
  readonly sellerTaxId: string | null;
  /** The submitter is the same user as the candidate's. */
  readonly sameUser: boolean;
  readonly status: 'ACCEPTED' | 'REJECTED';
  readonly reasons: readonly string[];
}

export interface SignalPolicy {
  readonly floorFen: Fen;
  /** "Small": under this many times the floor. */
  readonly smallMultiple: bigint;
  /** How many small invoices between one buyer and one seller (the candidate included) raise a signal. */
  readonly smallPairCount: number;
  /** "Just over the floor": at most this many percent above it. */
  readonly justOverPercent: bigint;
  /** How many such invoices from one seller on one day (the candidate included) raise a signal. */
  readonly justOverSameDayCount: number;
}

export const DEFAULT_SIGNAL_POLICY: SignalPolicy = { floorFen: 1_000n, smallMultiple: 2n, smallPairCount: 5, justOverPercent: 20n, justOverSameDayCount: 3 };

export function fraudSignals(candidate: CandidateInvoice, recorded: readonly RecordedInvoice[], policy: SignalPolicy = DEFAULT_SIGNAL_POLICY): FraudSignal[] {
  const signals: FraudSignal[] = [];
  const seller = candidate.sellerTaxId;
  const sameName = candidate.buyerName && candidate.sellerName && normalize(candidate.buyerName) === normalize(candidate.sellerName);
  if ((seller && candidate.buyerTaxId && seller === candidate.buyerTaxId) || sameName) {
    signals.push({ code: 'SELF_ISSUED', details: { seller_tax_id: seller ?? null } });
  }
  if (!seller) return signals;
  const fromSeller = recorded.filter((r) => r.sellerTaxId === seller && r.number !== candidate.number);

  const isSmall = (amount: Fen) => amount < policy.floorFen * policy.smallMultiple;
  if (isSmall(candidate.amountFen)) {
    const small = fromSeller.filter((r) => r.sameUser && r.status === 'ACCEPTED' && isSmall(r.amountFen));
    if (small.length + 1 >= policy.smallPairCount) {
      signals.push({ code: 'SMALL_INVOICES_SAME_PAIR', details: { seller_tax_id: seller, count: small.length + 1, invoices: small.map((r) => r.number) } });
    }
  }

  const ceiling = (policy.floorFen * (100n + policy.justOverPercent)) / 100n;
  const justOver = (amount: Fen) => amount >= policy.floorFen && amount <= ceiling;
  if (justOver(candidate.amountFen)) {
    const sameDay = fromSeller.filter((r) => r.issueDate === candidate.issueDate && justOver(r.amountFen));
    if (sameDay.length + 1 >= policy.justOverSameDayCount) {
      signals.push({ code: 'JUST_OVER_FLOOR_SAME_DAY', details: { seller_tax_id: seller, issue_date: candidate.issueDate, count: sameDay.length + 1, invoices: sameDay.map((r) => r.number) } });
    }
  }

  const voided = fromSeller.filter((r) => r.sameUser && r.amountFen === candidate.amountFen && r.reasons.includes('INVOICE_VOID'));
  if (voided.length > 0) signals.push({ code: 'REISSUED_AFTER_VOID', details: { seller_tax_id: seller, voided: voided.map((r) => r.number) } });
  return signals;
}

function normalize(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}
