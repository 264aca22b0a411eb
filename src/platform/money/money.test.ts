import { randomInt } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { documentedMoneySchema, formatMoney, isMoneyNumber, MONEY_PATTERN, moneyKeyword, MoneyFormatError, parseMoney, type Fen } from './money.js';

describe('parseMoney', () => {
  it('parses decimal strings into fen', () => {
    expect(parseMoney('150.00')).toBe(15_000n);
    expect(parseMoney('0.01')).toBe(1n);
    expect(parseMoney('19.9')).toBe(1_990n);
    expect(parseMoney('19.99')).toBe(1_999n);
    expect(parseMoney('7')).toBe(700n);
  });

  it('parses JSON numbers from their decimal text, not through float arithmetic', () => {
    // JSON.parse('150.00') is the number 150.
    expect(parseMoney(JSON.parse('150.00'))).toBe(15_000n);
    expect(parseMoney(150)).toBe(15_000n);
    expect(parseMoney(150.5)).toBe(15_050n);
    // 19.99 * 100 === 1998.9999999999998 in floating point; the parse must still give 1999.
    expect(19.99 * 100).not.toBe(1999);
    expect(parseMoney(19.99)).toBe(1_999n);
    expect(parseMoney(0.07)).toBe(7n);
    expect(parseMoney(1.1)).toBe(110n);
  });

  it('takes a string only in the decimal grammar: no whitespace, leading zeros, hex, binary or exponent', () => {
    // ajv once coerced each of these to the number 10 before the parser saw them (#16 item 9); the parser refuses them too.
    for (const input of [' 10 ', '10 ', ' 10', '\t10', '10\n', '1e1', '0x0A', '0b1010', '0o12', '9.999999999999999999', '010', '00.50', '10.', '١٠']) {
      expect(() => parseMoney(input), JSON.stringify(input)).toThrow(MoneyFormatError);
    }
    expect(parseMoney('0.50')).toBe(50n);
    expect(parseMoney('10')).toBe(1_000n);
  });

  it('takes a JSON number only with at most two decimal places, exactly', () => {
    expect(parseMoney(10)).toBe(1_000n);
    expect(parseMoney(10.5)).toBe(1_050n);
    expect(parseMoney(10.25)).toBe(1_025n);
    expect(parseMoney(-0)).toBe(0n);
    expect(parseMoney(999_999_999_999_999)).toBe(99_999_999_999_999_900n);
    for (const input of [10.005, 10.251, 0.1 + 0.2, 1e21, 1e16, 1e-7, 5e-324, Number.MAX_VALUE]) {
      expect(() => parseMoney(input), String(input)).toThrow(MoneyFormatError);
    }
  });

  it('accepts the largest 15-digit yuan amount and rejects 16 digits', () => {
    expect(parseMoney('999999999999999.99')).toBe(99_999_999_999_999_999n);
    expect(() => parseMoney('1000000000000000.00')).toThrow(MoneyFormatError);
  });

  it.each([
    ['three decimal places (number)', 1.005],
    ['three decimal places (string)', '1.005'],
    ['letters', 'abc'],
    ['exponent notation (string)', '1e3'],
    ['exponent notation (number that prints with an exponent)', 1e21],
    ['tiny number that prints with an exponent', 1e-7],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['empty string', ''],
    ['trailing dot', '1.'],
    ['leading dot', '.5'],
    ['explicit plus sign', '+1.00'],
    ['thousands separator', '1,000.00'],
    ['null', null],
    ['undefined', undefined],
    ['object', { amount: '1.00' }],
    ['array', ['1.00']],
    ['boolean', true],
  ])('rejects %s', (_label, input) => {
    expect(() => parseMoney(input)).toThrow(MoneyFormatError);
  });

  it('reports the offending input on the error', () => {
    let caught: unknown;
    try {
      parseMoney('1.005');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MoneyFormatError);
    expect((caught as MoneyFormatError).input).toBe('1.005');
    expect((caught as MoneyFormatError).message).toContain('"1.005"');
    expect((caught as MoneyFormatError).name).toBe('MoneyFormatError');
  });

  it('rejects negative amounts unless allowNegative', () => {
    expect(() => parseMoney('-1.50')).toThrow(MoneyFormatError);
    expect(() => parseMoney(-1.5)).toThrow(MoneyFormatError);
    expect(() => parseMoney('-0.01', { allowNegative: false })).toThrow(MoneyFormatError);
    expect(parseMoney('-1.50', { allowNegative: true })).toBe(-150n);
    expect(parseMoney(-1.5, { allowNegative: true })).toBe(-150n);
    expect(parseMoney('-0.01', { allowNegative: true })).toBe(-1n);
  });

  it('accepts zero by default and rejects it only when allowZero === false', () => {
    expect(parseMoney('0')).toBe(0n);
    expect(parseMoney('0.00')).toBe(0n);
    expect(parseMoney(0)).toBe(0n);
    expect(parseMoney('0.00', { allowZero: true })).toBe(0n);
    expect(() => parseMoney('0.00', { allowZero: false })).toThrow(MoneyFormatError);
    expect(() => parseMoney(0, { allowZero: false })).toThrow(MoneyFormatError);
    expect(() => parseMoney('-0.00', { allowZero: false, allowNegative: true })).toThrow(MoneyFormatError);
    expect(parseMoney('0.01', { allowZero: false })).toBe(1n);
  });
});

describe('formatMoney', () => {
  it('formats fen as yuan with exactly two decimals', () => {
    expect(formatMoney(15_000n)).toBe('150.00');
    expect(formatMoney(1_999n)).toBe('19.99');
    expect(formatMoney(1_990n)).toBe('19.90');
    expect(formatMoney(1n)).toBe('0.01');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(0n)).toBe('0.00');
  });

  it('formats negative amounts with a single leading minus', () => {
    expect(formatMoney(-5n)).toBe('-0.05');
    expect(formatMoney(-150n)).toBe('-1.50');
    expect(formatMoney(-15_000)).toBe('-150.00');
  });

  it('round-trips through parseMoney', () => {
    for (const fen of [0n, 1n, 5n, 10n, 99n, 100n, 101n, 1_999n, 15_000n, 99_999_999_999_999_999n]) {
      expect(parseMoney(formatMoney(fen))).toBe(fen);
      expect(parseMoney(formatMoney(-fen), { allowNegative: true })).toBe(-fen);
    }
  });

  it('round-trips random bigint amounts (property check)', () => {
    const limit = 10n ** 17n; // 15 yuan digits + 2 fen digits
    for (let i = 0; i < 5_000; i++) {
      // Two randomInt draws (each < 2^48) combined so every magnitude from 1 digit to 17 digits is exercised.
      const digits = BigInt(randomInt(1, 18));
      const raw = (BigInt(randomInt(0, 2 ** 47)) << 47n) | BigInt(randomInt(0, 2 ** 47));
      const magnitude: Fen = raw % 10n ** digits;
      expect(magnitude < limit).toBe(true);
      const fen = randomInt(0, 2) === 0 ? magnitude : -magnitude;
      const text = formatMoney(fen);
      expect(text, `fen ${fen}`).toMatch(/^-?\d{1,15}\.\d{2}$/);
      expect(parseMoney(text, { allowNegative: true }), `fen ${fen} → "${text}"`).toBe(fen);
    }
  });
});

describe('the x-money keyword (amount fields at the HTTP edge)', () => {
  const check = (data: unknown) => moneyKeyword.validate(true, data);

  it('accepts the decimal grammar and JSON numbers with at most two places', () => {
    for (const good of ['10', '10.5', '10.25', '0', '0.01', '-5', '999999999999999.99', 10, 10.5, 10.25, 0, -5]) expect(check(good), JSON.stringify(good)).toBe(true);
  });

  it('refuses every other form, saying why in English and Chinese', () => {
    const bad = ['1e1', '0x0A', '0b1010', ' 10 ', '9.999999999999999999', '010', '+1', '1,000', '', 10.005, 1e21, 1e-7, Number.NaN, null, true, ['10.00'], [10], {}];
    for (const input of bad) {
      expect(check(input), JSON.stringify(input)).toBe(false);
      expect(moneyKeyword.validate.errors).toEqual([{ keyword: 'x-money', message: expect.any(String), params: { zh: expect.any(String) } }]);
    }
    expect(check('10.00')).toBe(true);
    expect(moneyKeyword.validate.errors).toBeUndefined();
  });

  it('checks strings exactly as the pattern /openapi.json documents', () => {
    expect(documentedMoneySchema.pattern).toBe(MONEY_PATTERN);
    const documented = new RegExp(MONEY_PATTERN);
    for (const text of ['10', '10.5', '10.25', '0', '-0.01', '999999999999999.99', '1000000000000000', '1e1', '0x0A', ' 10 ', '010', '10.', '.5', '10.005', '', '-', '+1']) {
      expect(check(text), text).toBe(documented.test(text));
    }
  });

  it('agrees with parseMoney on numbers', () => {
    for (const n of [10, 10.5, 10.25, 19.99, 0.07, 10.005, 1e21, 1e-7, 0.1 + 0.2]) {
      let parses = true;
      try {
        parseMoney(n, { allowNegative: true });
      } catch {
        parses = false;
      }
      expect(isMoneyNumber(n), String(n)).toBe(parses);
    }
  });
});
