import { describe, expect, it } from 'vitest';
import { COUPON_CODE_ALPHABET, COUPON_CODE_PATTERN, generateCouponCode, normalizeCouponCode } from './coupon-code.js';

describe('COUPON_CODE_ALPHABET', () => {
  it('has 31 distinct characters and none of the look-alikes 0 O 1 I L', () => {
    expect(COUPON_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(COUPON_CODE_ALPHABET).size).toBe(31);
    for (const char of '01OIL') expect(COUPON_CODE_ALPHABET).not.toContain(char);
    expect(31n ** 8n).toBe(852_891_037_441n);
  });

  it('is exactly what the pattern accepts', () => {
    const accepted = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((c) => COUPON_CODE_PATTERN.test(`${c.repeat(4)}-2222`));
    expect(accepted.join('')).toBe(COUPON_CODE_ALPHABET);
  });
});

describe('generateCouponCode', () => {
  it('maps draws to the alphabet in order (known answer)', () => {
    const draws = [5, 28, 17, 7, 9, 0, 24, 2]; // the specification's 7XK9-B2T4
    const maxes: number[] = [];
    const code = generateCouponCode((max) => {
      maxes.push(max);
      return draws[maxes.length - 1] ?? 0;
    });
    expect(code).toBe('7XK9-B2T4');
    expect(maxes).toEqual(Array(8).fill(31));
    expect(generateCouponCode(() => 0)).toBe('2222-2222');
    expect(generateCouponCode(() => 30)).toBe('ZZZZ-ZZZZ');
  });

  it('generates 10,000 codes that match the pattern and normalize to themselves', () => {
    const seen = new Set<string>();
    const perPosition = Array.from({ length: 8 }, () => new Set<string>());
    for (let i = 0; i < 10_000; i++) {
      const code = generateCouponCode();
      expect(code).toMatch(COUPON_CODE_PATTERN);
      expect(normalizeCouponCode(code)).toBe(code);
      seen.add(code);
      [...code.replace('-', '')].forEach((c, p) => perPosition[p]?.add(c));
    }
    // A collision among 10,000 draws from 8.5e11 has probability ~6e-5; a broken generator collides at once.
    expect(seen.size).toBe(10_000);
    // ~322 draws per character per position: every character shows up everywhere unless the draw is broken.
    for (const chars of perPosition) expect(chars.size).toBe(31);
  });
});

describe('normalizeCouponCode', () => {
  it.each([
    ['7XK9-B2T4', '7XK9-B2T4'],
    ['7xk9-b2t4', '7XK9-B2T4'],
    ['7XK9B2T4', '7XK9-B2T4'],
    [' 7XK9 B2T4 ', '7XK9-B2T4'],
    ['7X-K9-B2-T4', '7XK9-B2T4'],
    ['7XK9\tB2T4\n', '7XK9-B2T4'],
    ['７ＸＫ９－Ｂ２Ｔ４', '7XK9-B2T4'], // full-width, as typed on a Chinese keyboard
    ['7XK9–B2T4', '7XK9-B2T4'], // en dash, as pasted from a document
    ['7XK9\u3000B2T4', '7XK9-B2T4'], // ideographic space
  ])('%j → %s', (input, expected) => {
    expect(normalizeCouponCode(input)).toBe(expected);
  });

  it.each([
    [''],
    ['7XK9-B2T'],
    ['7XK9-B2T45'],
    ['0XK9-B2T4'],
    ['OXK9-B2T4'],
    ['1XK9-B2T4'],
    ['IXK9-B2T4'],
    ['LXK9-B2T4'],
    ['lXK9-B2T4'],
    ['7XK9_B2T4'],
    ['7XK9.B2T4'],
    ['7XK9-B2T😀'],
    ['7XK9-B2TÀ'],
  ])('refuses %j', (input) => {
    expect(normalizeCouponCode(input)).toBeNull();
  });
});
