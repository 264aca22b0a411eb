import { describe, expect, it } from 'vitest';
import { eligibilityReasons, type EligibilityFacts } from './eligibility.js';

const good: EligibilityFacts = {
  signature: 'valid',
  taxStatus: 'NORMAL',
  sellerRegistered: true,
  amountFen: 65_500n,
  issueDate: '2026-11-01',
  today: '2026-11-29',
  buyerRealNameVerified: true,
  alreadyRegistered: false,
};

describe('eligibilityReasons', () => {
  it('accepts a valid, registered, recent invoice of at least 10 yuan by a verified buyer', () => {
    expect(eligibilityReasons(good)).toEqual([]);
    expect(eligibilityReasons({ ...good, signature: 'absent' })).toEqual([]);
  });

  it.each([
    [{ signature: 'invalid' }, 'INVOICE_SIGNATURE_INVALID'],
    [{ signature: 'missing' }, 'INVOICE_SIGNATURE_MISSING'],
    [{ signature: 'untrusted' }, 'INVOICE_SIGNATURE_UNTRUSTED'],
    [{ taxStatus: 'NOT_FOUND', sellerRegistered: undefined }, 'INVOICE_NOT_FOUND'],
    [{ taxStatus: 'VOID' }, 'INVOICE_VOID'],
    [{ taxStatus: 'RED_FLUSHED' }, 'INVOICE_RED_FLUSHED'],
    [{ taxStatus: 'OUT_OF_CONTROL' }, 'INVOICE_ABNORMAL'],
    [{ taxStatus: 'ABNORMAL' }, 'INVOICE_ABNORMAL'],
    [{ sellerRegistered: false }, 'SELLER_NOT_REGISTERED'],
    [{ amountFen: 999n }, 'INVOICE_AMOUNT_TOO_LOW'],
    [{ issueDate: '2026-08-30' }, 'INVOICE_EXPIRED'],
    [{ buyerRealNameVerified: false }, 'REAL_NAME_REQUIRED'],
    [{ alreadyRegistered: true }, 'INVOICE_DUPLICATE'],
    [{ issueDate: '2026-11-30' }, 'INVOICE_FORMAT_INVALID'],
    [{ issueDate: '2026-02-30' }, 'INVOICE_FORMAT_INVALID'],
  ] as const)('%o → %s', (change, code) => {
    expect(eligibilityReasons({ ...good, ...change })).toEqual([code]);
  });

  it('draws the line exactly at 10.00 yuan and 90 calendar days', () => {
    expect(eligibilityReasons({ ...good, amountFen: 1_000n })).toEqual([]);
    expect(eligibilityReasons({ ...good, issueDate: '2026-08-31' })).toEqual([]); // 90 days before 2026-11-29
    expect(eligibilityReasons({ ...good, issueDate: '2026-08-30' })).toEqual(['INVOICE_EXPIRED']);
    expect(eligibilityReasons({ ...good, amountFen: 2_000n }, { minAmountFen: 5_000n, maxAgeDays: 30 })).toEqual(['INVOICE_AMOUNT_TOO_LOW']);
  });

  it('lists every failing rule, in the documented order', () => {
    const reasons = eligibilityReasons({ ...good, signature: 'invalid', taxStatus: 'VOID', amountFen: 500n, buyerRealNameVerified: false, alreadyRegistered: true });
    expect(reasons).toEqual(['INVOICE_SIGNATURE_INVALID', 'INVOICE_VOID', 'INVOICE_AMOUNT_TOO_LOW', 'REAL_NAME_REQUIRED', 'INVOICE_DUPLICATE']);
  });

  it('a partly red-flushed invoice counts with what is left of it', () => {
    expect(eligibilityReasons({ ...good, taxStatus: 'PARTIALLY_RED_FLUSHED', amountFen: 5_000n })).toEqual([]);
    expect(eligibilityReasons({ ...good, taxStatus: 'PARTIALLY_RED_FLUSHED', amountFen: 800n })).toEqual(['INVOICE_AMOUNT_TOO_LOW']);
  });
});
