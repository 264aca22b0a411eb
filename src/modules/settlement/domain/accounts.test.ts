import { describe, expect, it } from 'vitest';
import {
  accountDefinition,
  balanceOf,
  BANK,
  brandFunding,
  channelPayable,
  GIFT_CARD_LIABILITY,
  merchantPayable,
  PLATFORM_FUNDING,
  PLATFORM_REVENUE,
  REDEMPTION_CLEARING,
} from './accounts.js';
import type { AccountDefinition } from './accounts.js';

/** The chart in accounts.ts's comment, written out by hand. */
const CHART: AccountDefinition[] = [
  { code: 'bank', kind: 'BANK', normalSide: 'debit', mayGoNegative: false, ownerKind: 'platform', ownerId: null },
  { code: 'funding:platform', kind: 'FUNDING', normalSide: 'credit', mayGoNegative: true, ownerKind: 'platform', ownerId: null },
  { code: 'funding:brand:42', kind: 'FUNDING', normalSide: 'credit', mayGoNegative: true, ownerKind: 'merchant', ownerId: '42' },
  { code: 'liability:gift-cards', kind: 'GIFT_CARD_LIABILITY', normalSide: 'credit', mayGoNegative: true, ownerKind: 'platform', ownerId: null },
  { code: 'clearing:redemptions', kind: 'CLEARING', normalSide: 'credit', mayGoNegative: false, ownerKind: 'platform', ownerId: null },
  { code: 'revenue:platform', kind: 'PLATFORM_REVENUE', normalSide: 'credit', mayGoNegative: false, ownerKind: 'platform', ownerId: null },
  { code: 'payable:merchant:1001', kind: 'MERCHANT_PAYABLE', normalSide: 'credit', mayGoNegative: true, ownerKind: 'merchant', ownerId: '1001' },
  { code: 'payable:channel:7', kind: 'CHANNEL_PAYABLE', normalSide: 'credit', mayGoNegative: true, ownerKind: 'channel', ownerId: '7' },
];

describe('accountDefinition', () => {
  for (const expected of CHART) {
    it(`defines ${expected.code}`, () => {
      expect(accountDefinition(expected.code)).toEqual(expected);
    });
  }

  it('defines the codes the constants and helpers build', () => {
    expect(accountDefinition(BANK)?.kind).toBe('BANK');
    expect(accountDefinition(PLATFORM_FUNDING)?.kind).toBe('FUNDING');
    expect(accountDefinition(GIFT_CARD_LIABILITY)?.kind).toBe('GIFT_CARD_LIABILITY');
    expect(accountDefinition(REDEMPTION_CLEARING)?.kind).toBe('CLEARING');
    expect(accountDefinition(PLATFORM_REVENUE)?.kind).toBe('PLATFORM_REVENUE');
    expect(brandFunding('5')).toBe('funding:brand:5');
    expect(merchantPayable('5')).toBe('payable:merchant:5');
    expect(channelPayable('5')).toBe('payable:channel:5');
    expect(accountDefinition(brandFunding('5'))).toMatchObject({ kind: 'FUNDING', ownerKind: 'merchant', ownerId: '5' });
    expect(accountDefinition(merchantPayable('5'))).toMatchObject({ kind: 'MERCHANT_PAYABLE', ownerKind: 'merchant', ownerId: '5' });
    expect(accountDefinition(channelPayable('5'))).toMatchObject({ kind: 'CHANNEL_PAYABLE', ownerKind: 'channel', ownerId: '5' });
  });

  it('takes numeric owner ids of 1 to 20 digits', () => {
    expect(accountDefinition(merchantPayable('9'.repeat(20)))?.ownerId).toBe('9'.repeat(20));
    expect(accountDefinition(merchantPayable('9'.repeat(21)))).toBeUndefined();
    // The largest bigint id (2^63 − 1) fits.
    expect(accountDefinition(channelPayable('9223372036854775807'))?.ownerId).toBe('9223372036854775807');
  });

  it('knows nothing of codes outside the chart', () => {
    for (const code of [
      'payable:merchant:abc',
      'cash',
      '',
      'payable:merchant:',
      'payable:merchant:-1',
      'payable:merchant:1.5',
      'payable:merchant:12 ',
      ' bank',
      'bank ',
      'BANK',
      'bank\n',
      'funding:brand:',
      'funding:brand:x1',
      'funding:platform:1',
      'payable:channel:abc',
      'payable:partner:1',
      'revenue:platform:1',
      'clearing:refunds',
      'liability:gift-card',
    ]) {
      expect(accountDefinition(code), JSON.stringify(code)).toBeUndefined();
    }
  });
});

describe('balanceOf', () => {
  const totals = (t: Partial<{ debitsPending: bigint; creditsPending: bigint; debitsPosted: bigint; creditsPosted: bigint }>) => ({
    debitsPending: 0n,
    creditsPending: 0n,
    debitsPosted: 0n,
    creditsPosted: 0n,
    ...t,
  });

  it('is zero for an untouched account', () => {
    expect(balanceOf('credit', totals({}))).toEqual({ posted: 0n, available: 0n });
    expect(balanceOf('debit', totals({}))).toEqual({ posted: 0n, available: 0n });
  });

  it('counts credits minus debits on a credit-normal account, and reserved debits against what is available', () => {
    // 1000 credited, 300 debited: 700 posted; 200 reserved to leave: 500 available. Pending credits (500) have not
    // arrived and add nothing.
    expect(balanceOf('credit', totals({ creditsPosted: 1000n, debitsPosted: 300n, debitsPending: 200n, creditsPending: 500n }))).toEqual({
      posted: 700n,
      available: 500n,
    });
  });

  it('counts debits minus credits on a debit-normal account, and reserved credits against what is available', () => {
    expect(balanceOf('debit', totals({ debitsPosted: 1000n, creditsPosted: 300n, creditsPending: 200n, debitsPending: 500n }))).toEqual({
      posted: 700n,
      available: 500n,
    });
  });

  it('goes negative when the other side outweighs the normal side', () => {
    expect(balanceOf('credit', totals({ creditsPosted: 100n, debitsPosted: 250n }))).toEqual({ posted: -150n, available: -150n });
    expect(balanceOf('debit', totals({ creditsPosted: 100n }))).toEqual({ posted: -100n, available: -100n });
    expect(balanceOf('credit', totals({ creditsPosted: 100n, debitsPending: 100n }))).toEqual({ posted: 100n, available: 0n });
    expect(balanceOf('credit', totals({ creditsPosted: 100n, debitsPending: 101n }))).toEqual({ posted: 100n, available: -1n });
  });
});
