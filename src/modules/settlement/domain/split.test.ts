import { describe, expect, it } from 'vitest';
import { DEFAULT_SPLIT, refundShares, split, splitRuleProblem } from './split.js';
import type { SplitParts, SplitRule } from './split.js';
import { mulberry32 } from '../../../../test/support/seeded-random.js';

/** A whole number from `min` to `max`, both included. */
function intBetween(next: () => number, min: number, max: number): number {
  return min + Math.floor(next() * (max - min + 1));
}

/** A valid rule: three whole basis-point rates from 0 to 10000 that add up to 10000. */
function randomRule(next: () => number): SplitRule {
  const platformBps = intBetween(next, 0, 10_000);
  const channelBps = intBetween(next, 0, 10_000 - platformBps);
  return { platformBps, channelBps, merchantBps: 10_000 - platformBps - channelBps };
}

/** floor(amount × bps / 10000) in plain number arithmetic, an oracle independent of the bigint code. */
function floorShare(amountFen: number, bps: number): number {
  // amount ≤ 99,999 and bps ≤ 10,000: the product is an exact double, and a non-integer quotient lies at least
  // 1/10000 away from an integer, far more than a rounding error, so Math.floor is exact.
  return Math.floor((amountFen * bps) / 10_000);
}

const parts = (platform: number, merchant: number, channel: number): SplitParts => ({
  platform: BigInt(platform),
  merchant: BigInt(merchant),
  channel: BigInt(channel),
});

describe('split: known answers', () => {
  it('splits 100.00 by the default rule into 10% / 85% / 5%', () => {
    expect(split(10_000n, DEFAULT_SPLIT, true)).toEqual(parts(1000, 8500, 500));
  });

  it('gives a single fen to the merchant: 10% and 5% of it round down to nothing', () => {
    expect(split(1n, DEFAULT_SPLIT, true)).toEqual(parts(0, 1, 0));
  });

  it('rounds the platform and channel parts of 0.19 down and gives the merchant the rest', () => {
    // 10% of 19 = 1.9 → 1; 5% of 19 = 0.95 → 0; merchant 19 − 1 − 0 = 18.
    expect(split(19n, DEFAULT_SPLIT, true)).toEqual(parts(1, 18, 0));
  });

  it('rounds each of the platform and channel parts down separately', () => {
    // 10% of 30 = 3; 5% of 30 = 1.5 → 1; merchant 26.
    expect(split(30n, DEFAULT_SPLIT, true)).toEqual(parts(3, 26, 1));
    // 10% of 99,999 = 9,999.9 → 9,999; 5% = 4,999.95 → 4,999; merchant 99,999 − 14,998 = 85,001.
    expect(split(99_999n, DEFAULT_SPLIT, true)).toEqual(parts(9_999, 85_001, 4_999));
  });

  it('gives the channel share to the platform when the merchant has no channel', () => {
    expect(split(10_000n, DEFAULT_SPLIT, false)).toEqual(parts(1500, 8500, 0));
    // floor(1.9) + floor(0.95) = 1 + 0.
    expect(split(19n, DEFAULT_SPLIT, false)).toEqual(parts(1, 18, 0));
    // floor(3) + floor(1.5) = 3 + 1: the platform gets the two rounded-down parts, not floor(4.5) of the sum.
    expect(split(30n, DEFAULT_SPLIT, false)).toEqual(parts(4, 26, 0));
  });

  it('splits zero into zeros and refuses a negative amount', () => {
    expect(split(0n, DEFAULT_SPLIT, true)).toEqual(parts(0, 0, 0));
    expect(split(0n, DEFAULT_SPLIT, false)).toEqual(parts(0, 0, 0));
    expect(() => split(-1n, DEFAULT_SPLIT, true)).toThrow(RangeError);
  });

  it('follows other rules', () => {
    expect(split(12_345n, { platformBps: 0, merchantBps: 10_000, channelBps: 0 }, true)).toEqual(parts(0, 12_345, 0));
    expect(split(12_345n, { platformBps: 10_000, merchantBps: 0, channelBps: 0 }, true)).toEqual(parts(12_345, 0, 0));
    expect(split(12_345n, { platformBps: 0, merchantBps: 0, channelBps: 10_000 }, true)).toEqual(parts(0, 0, 12_345));
    expect(split(12_345n, { platformBps: 0, merchantBps: 0, channelBps: 10_000 }, false)).toEqual(parts(12_345, 0, 0));
    // 33.33% of 100 = 33.33 → 33 each for platform and channel, merchant 34.
    expect(split(100n, { platformBps: 3333, merchantBps: 3334, channelBps: 3333 }, true)).toEqual(parts(33, 34, 33));
  });
});

describe('split: properties over 1,000 seeded amounts', () => {
  const next = mulberry32(0x5e771e);
  const rules: SplitRule[] = [DEFAULT_SPLIT, ...Array.from({ length: 5 }, () => randomRule(next))];
  const amounts = Array.from({ length: 1000 }, () => intBetween(next, 1, 99_999));

  it('draws valid rules and varied amounts', () => {
    for (const rule of rules) expect(splitRuleProblem(rule)).toBeUndefined();
    expect(new Set(amounts).size).toBeGreaterThan(900);
    expect(Math.min(...amounts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...amounts)).toBeLessThanOrEqual(99_999);
  });

  for (const hasChannel of [true, false]) {
    it(`sums to the amount exactly and rounds platform and channel down (${hasChannel ? 'with' : 'without'} a channel)`, () => {
      let checked = 0;
      for (const rule of rules) {
        for (const amount of amounts) {
          const result = split(BigInt(amount), rule, hasChannel);
          const platform = floorShare(amount, rule.platformBps);
          const channel = floorShare(amount, rule.channelBps);
          expect(result.platform + result.merchant + result.channel).toBe(BigInt(amount));
          expect(result.platform).toBeGreaterThanOrEqual(0n);
          expect(result.merchant).toBeGreaterThanOrEqual(0n);
          expect(result.channel).toBeGreaterThanOrEqual(0n);
          expect(result.platform).toBe(BigInt(hasChannel ? platform : platform + channel));
          expect(result.channel).toBe(BigInt(hasChannel ? channel : 0));
          // The merchant's remainder is its own share plus at most the two rounding fractions (each < 1 fen).
          const merchant = floorShare(amount, rule.merchantBps);
          expect(result.merchant).toBeGreaterThanOrEqual(BigInt(merchant));
          expect(result.merchant).toBeLessThanOrEqual(BigInt(merchant + 2));
          checked += 1;
        }
      }
      expect(checked).toBe(rules.length * 1000);
    });
  }
});

describe('splitRuleProblem', () => {
  it('accepts the default and other rules that add up to 10000', () => {
    expect(splitRuleProblem(DEFAULT_SPLIT)).toBeUndefined();
    expect(splitRuleProblem({ platformBps: 10_000, merchantBps: 0, channelBps: 0 })).toBeUndefined();
    expect(splitRuleProblem({ platformBps: 0, merchantBps: 10_000, channelBps: 0 })).toBeUndefined();
    expect(splitRuleProblem({ platformBps: 3333, merchantBps: 3334, channelBps: 3333 })).toBeUndefined();
  });

  it('looks only at the three rates, not at other fields the rule object carries', () => {
    const row = { ...DEFAULT_SPLIT, merchantId: 'not a rate', updatedAt: 12.5 };
    expect(splitRuleProblem(row)).toBeUndefined();
  });

  it('refuses rates that do not add up to 10000', () => {
    expect(splitRuleProblem({ platformBps: 1000, merchantBps: 8000, channelBps: 500 })).toMatch(/10000/);
    expect(splitRuleProblem({ platformBps: 1000, merchantBps: 8500, channelBps: 501 })).toMatch(/10000/);
    expect(splitRuleProblem({ platformBps: 0, merchantBps: 0, channelBps: 0 })).toBeDefined();
  });

  it('refuses a negative rate even when the sum is 10000', () => {
    expect(splitRuleProblem({ platformBps: -100, merchantBps: 9600, channelBps: 500 })).toMatch(/platform_?bps/i);
    expect(splitRuleProblem({ platformBps: 1000, merchantBps: 9500, channelBps: -500 })).toMatch(/channel_?bps/i);
  });

  it('refuses a non-integer rate even when the sum is 10000', () => {
    expect(splitRuleProblem({ platformBps: 1000.5, merchantBps: 8499.5, channelBps: 500 })).toMatch(/platform_?bps/i);
    expect(splitRuleProblem({ platformBps: Number.NaN, merchantBps: 8500, channelBps: 500 })).toMatch(/platform_?bps/i);
    expect(splitRuleProblem({ platformBps: 1000, merchantBps: Number.POSITIVE_INFINITY, channelBps: 500 })).toMatch(/merchant_?bps/i);
  });

  it('refuses a rate above 10000', () => {
    expect(splitRuleProblem({ platformBps: 10_500, merchantBps: -500, channelBps: 0 })).toBeDefined();
    expect(splitRuleProblem({ platformBps: 0, merchantBps: 10_001, channelBps: 0 })).toMatch(/merchant_?bps/i);
  });
});

describe('refundShares: known answers', () => {
  const hundred = parts(1000, 8500, 500);
  const none = parts(0, 0, 0);

  it('refunds every part whole in a full refund', () => {
    expect(refundShares(hundred, none, 10_000n)).toEqual(hundred);
    expect(refundShares(parts(1, 18, 0), none, 19n)).toEqual(parts(1, 18, 0));
  });

  it('refunds half and then the other half', () => {
    expect(refundShares(hundred, none, 5000n)).toEqual(parts(500, 4250, 250));
    expect(refundShares(hundred, parts(500, 4250, 250), 5000n)).toEqual(parts(500, 4250, 250));
  });

  it('gives the rounding remainder to the part furthest behind, and the last refund what is left', () => {
    // Parts of 0.19: platform 1, merchant 18. Refund 10: ⌊⌋ gives merchant ⌊180/19⌋ = 9, platform 0; the last fen
    // goes to whoever is furthest behind exact: platform (10/19 behind) over merchant (9/19 behind).
    expect(refundShares(parts(1, 18, 0), none, 10n)).toEqual(parts(1, 9, 0));
    // The last 9 are the merchant's.
    expect(refundShares(parts(1, 18, 0), parts(1, 9, 0), 9n)).toEqual(parts(0, 9, 0));
  });

  it('refunds 0.30 (platform 3, merchant 26, channel 1) in three steps of 0.10', () => {
    const p = parts(3, 26, 1);
    // After 10: ⌊⌋ = merchant 8, platform 1, channel 0; remainder to the merchant (20/30 behind; channel 10/30).
    expect(refundShares(p, none, 10n)).toEqual(parts(1, 9, 0));
    // After 20: ⌊⌋ = 17, 2, 0 → merchant +8, platform +1; remainder to the channel (20/30 behind; merchant 10/30).
    expect(refundShares(p, parts(1, 9, 0), 10n)).toEqual(parts(1, 8, 1));
    // After 30: what is left.
    expect(refundShares(p, parts(2, 17, 1), 10n)).toEqual(parts(1, 9, 0));
  });

  it('never refunds a part more than it holds, nor takes a negative share (0.30 refunded as 0.29 + 0.01)', () => {
    const p = split(30n, DEFAULT_SPLIT, true);
    expect(p).toEqual(parts(3, 26, 1));
    // After 29: ⌊⌋ = merchant 25, platform 2, channel 0; remainder to the channel (29/30 behind), then the platform.
    const first = refundShares(p, none, 29n);
    expect(first).toEqual(parts(3, 25, 1));
    expect(refundShares(p, first, 1n)).toEqual(parts(0, 1, 0));
    // 100.00 refunded as 99.99 + 0.01.
    const most = refundShares(hundred, none, 9_999n);
    expect(most.merchant).toBeLessThanOrEqual(8_500n);
    const rest = refundShares(hundred, most, 1n);
    expect([rest.platform, rest.merchant, rest.channel].every((x) => x >= 0n)).toBe(true);
  });

  it('refuses a refund of nothing, a negative refund, one beyond the whole, and impossible history', () => {
    expect(() => refundShares(hundred, none, 0n)).toThrow(RangeError);
    expect(() => refundShares(hundred, none, -1n)).toThrow(RangeError);
    expect(() => refundShares(hundred, none, 10_001n)).toThrow(RangeError);
    expect(() => refundShares(hundred, parts(900, 7650, 450), 1_001n)).toThrow(RangeError);
    expect(() => refundShares(hundred, hundred, 1n)).toThrow(RangeError);
    expect(() => refundShares(hundred, parts(-1, 0, 0), 1n)).toThrow(RangeError);
    expect(() => refundShares(hundred, parts(1001, 0, 0), 1n)).toThrow(RangeError);
    expect(() => refundShares(none, none, 1n)).toThrow(RangeError);
    // The exact remainder is fine.
    expect(refundShares(hundred, parts(900, 7650, 450), 1_000n)).toEqual(parts(100, 850, 50));
  });
});

describe('refundShares: properties over seeded random refund sequences', () => {
  interface Case {
    parts: SplitParts;
    refunds: bigint[];
  }

  /** Seeded split parts (mostly real splits, some arbitrary) and refund sequences that add up to the whole. */
  function cases(seed: number, count: number): Case[] {
    const next = mulberry32(seed);
    const result: Case[] = [];
    for (let i = 0; i < count; i += 1) {
      let p: SplitParts;
      if (i % 5 === 4) {
        p = parts(intBetween(next, 0, 500), intBetween(next, 0, 500), intBetween(next, 0, 500));
        if (p.platform + p.merchant + p.channel === 0n) p = parts(0, 1, 0);
      } else {
        const rule = i % 2 === 0 ? DEFAULT_SPLIT : randomRule(next);
        // Small amounts too, so one-fen steps can walk a whole refund.
        p = split(BigInt(intBetween(next, 1, i % 3 === 0 ? 300 : 99_999)), rule, next() < 0.7);
      }
      const whole = Number(p.platform + p.merchant + p.channel);
      const refunds: bigint[] = [];
      let left = whole;
      // Steps of one to three fen (small wholes only), about a twentieth, about a fifth, or anything that is left,
      // so rounding boundaries are crossed in every way while sequences stay short.
      const style = whole <= 300 ? intBetween(next, 0, 3) : intBetween(next, 1, 3);
      const stepLimit = [3, Math.ceil(whole / 10), Math.ceil(whole / 3), whole][style]!;
      while (left > 0) {
        const max = Math.min(left, stepLimit);
        const step = intBetween(next, 1, max);
        refunds.push(BigInt(step));
        left -= step;
      }
      result.push({ parts: p, refunds });
    }
    return result;
  }

  const all = cases(0x0ddba11, 400);

  it('draws sequences of more than one refund', () => {
    expect(all.filter((c) => c.refunds.length > 1).length).toBeGreaterThan(300);
  });

  it('gives each refund shares that add up to it, and refunds every part exactly once the whole is refunded', () => {
    for (const { parts: p, refunds } of all) {
      const whole = p.platform + p.merchant + p.channel;
      const given = { platform: 0n, merchant: 0n, channel: 0n };
      for (const refund of refunds) {
        const shares = refundShares(p, { ...given }, refund);
        expect(shares.platform + shares.merchant + shares.channel).toBe(refund);
        given.platform += shares.platform;
        given.merchant += shares.merchant;
        given.channel += shares.channel;
      }
      expect(given.platform + given.merchant + given.channel).toBe(whole);
      expect(given).toEqual(p);
    }
  });

  it('never takes a negative share, never refunds a part beyond itself, and stays within 2 fen of exact pro rata', () => {
    for (const { parts: p, refunds } of all) {
      const whole = Number(p.platform + p.merchant + p.channel);
      const given = { platform: 0n, merchant: 0n, channel: 0n };
      let before = 0;
      for (const refund of refunds) {
        const shares = refundShares(p, { ...given }, refund);
        before += Number(refund);
        for (const party of ['platform', 'merchant', 'channel'] as const) {
          expect(shares[party]).toBeGreaterThanOrEqual(0n);
          given[party] += shares[party];
          expect(given[party]).toBeLessThanOrEqual(p[party]);
          // Exact pro rata by Number arithmetic (parts and wholes < 100,000: the products are exact).
          const exact = (Number(p[party]) * before) / whole;
          expect(Math.abs(Number(given[party]) - exact)).toBeLessThan(2);
        }
      }
    }
  });
});
