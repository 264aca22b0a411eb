import { describe, expect, it } from 'vitest';
import { fenToItemAmount, formatItemAmount, ItemAmountFormatError, itemAmountToFen, parseItemAmount } from './item-amount.js';

describe('parseItemAmount', () => {
  it('parses up to 6 decimals exactly into millionths of a yuan', () => {
    expect(parseItemAmount('0.120000')).toBe(120_000n);
    expect(parseItemAmount('0.12')).toBe(120_000n);
    expect(parseItemAmount('2.120000')).toBe(2_120_000n);
    expect(parseItemAmount('510.679612')).toBe(510_679_612n);
    expect(parseItemAmount('-0.96')).toBe(-960_000n);
    expect(parseItemAmount('2')).toBe(2_000_000n);
    expect(parseItemAmount('0.000001')).toBe(1n);
    expect(parseItemAmount('0')).toBe(0n);
    // Beyond 2^53 millionths: no float could hold it.
    expect(parseItemAmount('999999999999999.999999')).toBe(999_999_999_999_999_999_999n);
  });

  it('refuses anything outside the grammar: 7 decimals, exponents, spaces, leading zeros, separators', () => {
    for (const text of ['0.1234567', '1e3', ' 1.00', '1.00 ', '01.00', '1,000.00', '.5', '1.', '+1', '--1', '', '1000000000000000', '0x10', '１']) {
      expect(() => parseItemAmount(text), JSON.stringify(text)).toThrow(ItemAmountFormatError);
    }
  });
});

describe('item amount conversions', () => {
  it('goes from fen exactly and back only when the amount is whole fen', () => {
    expect(fenToItemAmount(12n)).toBe(120_000n);
    expect(fenToItemAmount(-96n)).toBe(-960_000n);
    expect(itemAmountToFen(120_000n)).toBe(12n);
    expect(itemAmountToFen(-960_000n)).toBe(-96n);
    expect(itemAmountToFen(510_679_612n)).toBeUndefined();
  });

  it('formats with all 6 decimals and round-trips through the parser', () => {
    expect(formatItemAmount(120_000n)).toBe('0.120000');
    expect(formatItemAmount(-960_000n)).toBe('-0.960000');
    expect(formatItemAmount(510_679_612n)).toBe('510.679612');
    for (const value of [0n, 1n, -1n, 999_999n, 123_456_789_012n, -5_000_000n]) expect(parseItemAmount(formatItemAmount(value))).toBe(value);
  });
});
