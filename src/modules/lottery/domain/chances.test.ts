import { describe, expect, it } from 'vitest';
import { normaliseCampaign, type CampaignInput } from './campaign-rules.js';
import { chancesFor } from './chances.js';

const input: CampaignInput = {
  name: 'test',
  starts_at: '2026-12-01T00:00:00+08:00',
  ends_at: '2027-01-01T00:00:00+08:00',
  eligibility: { min_amount: '50.00', max_age_days: 10, invoice_kinds: ['DIGITAL'] },
  chances: { mode: 'PER_AMOUNT_STEP', step: '100.00', max_per_invoice: 3 },
};
const rules = normaliseCampaign(input).rules!;
const accepted = new Date('2026-12-15T12:00:00+08:00');

describe('chances an accepted invoice earns', () => {
  it('one per full step, at least one, capped', () => {
    const earn = (amountFen: number) => chancesFor(rules, { kind: 'DIGITAL', amountFen, issueDate: '2026-12-14', acceptedAt: accepted }).granted;
    expect([5_000, 9_999, 10_000, 25_000, 30_000, 99_900].map(earn)).toEqual([1, 1, 1, 2, 3, 3]);
  });

  it("an invoice issued to a company counts only where eligibility.buyer is ANY (PERSON by default and for older campaigns' rules)", () => {
    const invoice = { kind: 'DIGITAL' as const, amountFen: 5_000, issueDate: '2026-12-14', acceptedAt: accepted };
    expect(rules.eligibility.buyer).toBe('PERSON');
    expect(chancesFor(rules, { ...invoice, buyerCompany: true })).toEqual({ granted: 0, reasons: ['BUYER_COMPANY'] });
    expect(chancesFor(rules, { ...invoice, buyerCompany: false }).granted).toBe(1);
    const older = { ...rules, eligibility: { min_amount_fen: 5_000, max_age_days: 10, invoice_kinds: ['DIGITAL' as const] } };
    expect(chancesFor(older, { ...invoice, buyerCompany: true }).reasons).toEqual(['BUYER_COMPANY']);
    const any = normaliseCampaign({ ...input, eligibility: { ...input.eligibility, buyer: 'ANY' } }).rules!;
    expect(chancesFor(any, { ...invoice, buyerCompany: true }).granted).toBe(1);
  });

  it('none, with every reason, outside the rules', () => {
    expect(chancesFor(rules, { kind: 'LEGACY', amountFen: 4_999, issueDate: '2026-11-30', acceptedAt: accepted })).toEqual({
      granted: 0,
      reasons: ['OUTSIDE_PERIOD', 'KIND_EXCLUDED', 'BELOW_MINIMUM', 'TOO_OLD'],
    });
    // Business dates are Shanghai dates: 2026-12-01 00:30 in Shanghai is still Nov 30 in UTC.
    expect(chancesFor(rules, { kind: 'DIGITAL', amountFen: 5_000, issueDate: '2026-12-01', acceptedAt: new Date('2026-12-01T00:30:00+08:00') }).granted).toBe(1);
    expect(chancesFor(rules, { kind: 'DIGITAL', amountFen: 5_000, issueDate: '2026-12-25', acceptedAt: new Date('2027-01-01T00:00:00+08:00') }).reasons).toEqual(['OUTSIDE_PERIOD']);
    expect(chancesFor(rules, { kind: 'DIGITAL', amountFen: 5_000, issueDate: '2026-12-04', acceptedAt: accepted }).reasons).toEqual(['TOO_OLD']);
    expect(chancesFor(rules, { kind: 'DIGITAL', amountFen: 5_000, issueDate: '2026-12-05', acceptedAt: accepted }).granted).toBe(1);
  });

  it('rules keep money in fen and refuse what cannot hold together', () => {
    expect(rules.eligibility).toEqual({ min_amount_fen: 5_000, max_age_days: 10, invoice_kinds: ['DIGITAL'], buyer: 'PERSON' });
    const bad = normaliseCampaign({ ...input, eligibility: { min_amount: '1.005' }, instant: { tickets: 1, prizes: [{ name: 'x', kind: 'CASH', amount: '1.00', count: 2 }] } });
    expect(bad.problems.map((p) => p.field)).toEqual(['eligibility.min_amount', 'instant.prizes']);
  });
});
