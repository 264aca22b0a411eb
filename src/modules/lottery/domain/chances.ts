import { addCalendarDays, businessDate } from '../../../platform/time/clock.js';
import { buyerRuleOf, type CampaignRules, type InvoiceKind } from './campaign-rules.js';

export interface AcceptedInvoice {
  readonly kind: InvoiceKind;
  readonly amountFen: number;
  /** YYYY-MM-DD, the invoice's issue date. */
  readonly issueDate: string;
  readonly acceptedAt: Date;
  /** Issued to a company (invoices intake says so on invoice.accepted): counts only where eligibility.buyer is ANY. */
  readonly buyerCompany?: boolean;
}

export type IneligibleReason = 'OUTSIDE_PERIOD' | 'KIND_EXCLUDED' | 'BELOW_MINIMUM' | 'TOO_OLD' | 'BUYER_COMPANY';

/**
 * How many draw chances an accepted invoice earns in one campaign: none with the reasons why, or 1, or one per
 * full amount step. Invoices count when issued inside the campaign's period (business dates, Asia/Shanghai) and
 * accepted before it ends; the campaign's own floor and age limit apply on top of intake's.
 */
export function chancesFor(rules: CampaignRules, invoice: AcceptedInvoice): { granted: number; reasons: IneligibleReason[] } {
  const reasons: IneligibleReason[] = [];
  const firstDay = businessDate(new Date(rules.starts_at));
  const lastDay = businessDate(new Date(rules.ends_at));
  const acceptedOn = businessDate(invoice.acceptedAt);
  if (invoice.issueDate < firstDay || invoice.issueDate > lastDay || invoice.acceptedAt >= new Date(rules.ends_at) || invoice.acceptedAt < new Date(rules.starts_at)) {
    reasons.push('OUTSIDE_PERIOD');
  }
  if (!rules.eligibility.invoice_kinds.includes(invoice.kind)) reasons.push('KIND_EXCLUDED');
  if (invoice.amountFen < rules.eligibility.min_amount_fen) reasons.push('BELOW_MINIMUM');
  if (addCalendarDays(invoice.issueDate, rules.eligibility.max_age_days) < acceptedOn) reasons.push('TOO_OLD');
  if (invoice.buyerCompany === true && buyerRuleOf(rules) !== 'ANY') reasons.push('BUYER_COMPANY');
  if (reasons.length > 0) return { granted: 0, reasons };
  if (rules.chances.mode === 'PER_INVOICE') return { granted: 1, reasons };
  const steps = Math.floor(invoice.amountFen / rules.chances.step_fen);
  return { granted: Math.min(rules.chances.max_per_invoice, Math.max(1, steps)), reasons };
}
