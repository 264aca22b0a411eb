import { describe, expect, it } from 'vitest';
import { ChaChaStream } from './chacha-stream.js';
import { selectWinners, type Winner } from './select-winners.js';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
// Invoice k holds the 2k+1 entries k², …, (k+1)²−1: unequal chances, so repeat keys really are redrawn.
const keyByIsqrt = (index: number) => `INV-${Math.floor(Math.sqrt(index))}`;
const winner = (tier: string, index: number, draw: number): Winner => ({ tier, index, draw });

describe('selectWinners known answers', () => {
  // From docs/draw-spec/reference.py (independent pure-Python ChaCha20 + the same rules), seed 000102…1f.
  it('1,000 entries over 32 invoices, tiers 1 + 3 + 10', () => {
    const stream = new ChaChaStream(SEED);
    const winners = selectWinners(stream, {
      entryCount: 1000,
      keyOf: keyByIsqrt,
      tiers: [
        { tier: 'first', count: 1 },
        { tier: 'second', count: 3 },
        { tier: 'third', count: 10 },
      ],
    });
    expect(winners).toEqual([
      winner('first', 658, 0),
      winner('second', 193, 1),
      winner('second', 348, 2),
      winner('second', 370, 3),
      winner('third', 467, 4),
      winner('third', 36, 5),
      winner('third', 701, 6),
      winner('third', 556, 7),
      winner('third', 241, 8),
      winner('third', 988, 11),
      winner('third', 589, 12),
      winner('third', 429, 15),
      winner('third', 893, 16),
      winner('third', 935, 18),
    ]);
    expect(stream.bytesConsumed).toBe(19 * 8);
  });

  it('10 entries over 4 invoices, 6 prizes: stops after 4 winners', () => {
    const stream = new ChaChaStream(SEED);
    const winners = selectWinners(stream, {
      entryCount: 10,
      keyOf: keyByIsqrt,
      tiers: [
        { tier: 'first', count: 1 },
        { tier: 'second', count: 5 },
      ],
    });
    expect(winners).toEqual([winner('first', 8, 0), winner('second', 3, 1), winner('second', 0, 3), winner('second', 9, 9)]);
    expect(stream.bytesConsumed).toBe(10 * 8);
  });
});

describe('selectWinners', () => {
  it('gives one prize per key however many entries the key holds', () => {
    const keyOf = (index: number) => `INV-${index % 7}`;
    const winners = selectWinners(new ChaChaStream(SEED), {
      entryCount: 500,
      keyOf,
      tiers: [
        { tier: 'a', count: 3 },
        { tier: 'b', count: 20 },
      ],
    });
    expect(winners).toHaveLength(7);
    expect(new Set(winners.map((w) => keyOf(w.index))).size).toBe(7);
    expect(winners.slice(0, 3).every((w) => w.tier === 'a')).toBe(true);
    const draws = winners.map((w) => w.draw);
    expect(draws).toEqual([...draws].sort((a, b) => a - b));
  });

  it('stops at once when fewer distinct keys than prizes, leaving later tiers empty', () => {
    const stream = new ChaChaStream(SEED);
    const winners = selectWinners(stream, {
      entryCount: 1000,
      keyOf: () => 'ONLY',
      tiers: [
        { tier: 'first', count: 2 },
        { tier: 'second', count: 1_000_000 },
      ],
    });
    expect(winners).toEqual([winner('first', 658, 0)]);
    expect(stream.bytesConsumed).toBe(8);
  });

  it('no entries, no winners and no draws', () => {
    const stream = new ChaChaStream(SEED);
    expect(selectWinners(stream, { entryCount: 0, keyOf: keyByIsqrt, tiers: [{ tier: 'first', count: 3 }] })).toEqual([]);
    expect(stream.bytesConsumed).toBe(0);
  });

  it('a tier with count 0 awards nothing and draws nothing', () => {
    const stream = new ChaChaStream(SEED);
    const winners = selectWinners(stream, {
      entryCount: 1000,
      keyOf: keyByIsqrt,
      tiers: [
        { tier: 'first', count: 0 },
        { tier: 'second', count: 1 },
      ],
    });
    expect(winners).toEqual([winner('second', 658, 0)]);
  });

  it('rejects a bad entry count or prize count', () => {
    const stream = new ChaChaStream(SEED);
    for (const entryCount of [-1, 1.5, Number.NaN]) {
      expect(() => selectWinners(stream, { entryCount, keyOf: keyByIsqrt, tiers: [] })).toThrow(RangeError);
    }
    for (const count of [-1, 0.5]) {
      expect(() => selectWinners(stream, { entryCount: 10, keyOf: keyByIsqrt, tiers: [{ tier: 'x', count }] })).toThrow(RangeError);
    }
  });
});
