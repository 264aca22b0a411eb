import { describe, expect, it } from 'vitest';
import { checkBankCard } from './bank-card.js';

describe('checkBankCard', () => {
  it('accepts the published UnionPay vector 6222600260001072444 as Luhn-valid', () => {
    expect(checkBankCard('6222600260001072444')).toEqual({
      ok: true,
      normalized: '6222600260001072444',
      bin: '622260',
      last4: '2444',
      luhnValid: true,
    });
  });

  it('reports a Luhn failure without rejecting the card', () => {
    expect(checkBankCard('6222600260001072445')).toEqual({
      ok: true,
      normalized: '6222600260001072445',
      bin: '622260',
      last4: '2445',
      luhnValid: false,
    });
  });

  it.each([
    // Published Luhn-valid test numbers of odd and even lengths, so doubling from the wrong end would show.
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['4222222222222', true],
    ['4222222222223', false],
    ['6222600260001060001', true],
    ['6222600260001060002', false],
    ['5555555555554444', true],
    ['5555555555554445', false],
  ])('computes Luhn for %s as %s', (card, expected) => {
    expect(checkBankCard(card)).toMatchObject({ ok: true, luhnValid: expected });
  });

  it('ignores spaces and dashes between digit groups', () => {
    const result = checkBankCard(' 6222 6002-6000 1072 444 ');
    expect(result.ok && result.normalized).toBe('6222600260001072444');
  });

  it('accepts 12 and 19 digits, the ends of the range', () => {
    expect(checkBankCard('622260026000').ok).toBe(true);
    expect(checkBankCard('6222600260001072444').ok).toBe(true);
  });

  it.each([
    ['11 digits', '62226002600'],
    ['20 digits', '62226002600010724440'],
    ['a letter', '622260026000107244A'],
    ['dots', '6222.6002.6000.1072'],
    ['full-width digits', '６２２２６００２６０００１０７２'],
    ['empty', ''],
  ])('rejects %s', (_label, input) => {
    expect(checkBankCard(input)).toEqual({ ok: false, reason: 'BANK_CARD_FORMAT' });
  });
});
