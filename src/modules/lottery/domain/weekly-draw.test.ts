import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../audit/domain/merkle.js';
import { addWorkingDays, compareWeeklyEntries, drawWeeklyWinners, parseWeeklyLeaf, weeklyLeafText, weeklySeed } from './weekly-draw.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('weekly draw (docs/draw-spec.md §6)', () => {
  it('derives the seed byte for byte as the spec says', () => {
    // Expected value computed independently with Python's hashlib from the spec's layout:
    // SHA-256("quanyi/weekly/v1" ‖ u16be(len) ‖ beacon ‖ u64be(round) ‖ randomness ‖ root ‖ u64be(size) ‖ u16be(len) ‖ draw id)
    const seed = weeklySeed({
      beaconId: 'drand:quicknet',
      round: 657413,
      randomness: Buffer.from('fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587', 'hex'),
      entriesRoot: createHash('sha256').update('root').digest(),
      entryCount: 100_001,
      drawId: 'weekly-42',
    });
    expect(hex(seed)).toBe('938e97d4188de4a9330999d85d96e409fddd89c531535cc03a030a4f4dd38c9d');
  });

  it('hashes an entry as the RFC 6962 leaf of its ASCII text, and parses only well-formed entries', () => {
    const entry = { invoiceCommit: 'ab'.repeat(32), chance: 1 };
    expect(weeklyLeafText(entry)).toBe(`${'ab'.repeat(32)}:1`);
    // Python: hashlib.sha256(b'\x00' + b'ab'*32 + b':1')
    expect(hex(leafHash(new TextEncoder().encode(weeklyLeafText(entry))))).toBe('26ba962c5b80cf2a397869be947abb44ce18c7bb6da2bac3fee81acbfbb15045');
    expect(parseWeeklyLeaf(weeklyLeafText(entry))).toEqual(entry);
    for (const bad of [`${'AB'.repeat(32)}:1`, `${'ab'.repeat(32)}:0`, `${'ab'.repeat(31)}:1`, `${'ab'.repeat(32)}:01`, `${'ab'.repeat(32)}:1 `]) {
      expect(() => parseWeeklyLeaf(bad), bad).toThrow(RangeError);
    }
  });

  it('orders entries by commitment, then chance', () => {
    const a = { invoiceCommit: '0'.repeat(64), chance: 2 };
    const b = { invoiceCommit: '0'.repeat(64), chance: 10 };
    const c = { invoiceCommit: `${'0'.repeat(63)}1`, chance: 1 };
    expect([c, b, a].sort(compareWeeklyEntries)).toEqual([a, b, c]);
  });

  it('gives an invoice with many chances at most one prize', () => {
    const entries = Array.from({ length: 30 }, (_, i) => ({ invoiceCommit: i < 27 ? 'a'.repeat(64) : `${'b'.repeat(63)}${i}`, chance: i + 1 }));
    const winners = drawWeeklyWinners(new Uint8Array(32), entries, [{ tier: 'A', count: 10 }]);
    const commits = winners.map((w) => entries[w.index]!.invoiceCommit);
    expect(new Set(commits).size).toBe(commits.length);
    expect(winners.length).toBe(4); // four distinct invoices in all
  });

  it('counts 3 working days from a Wednesday to the Monday after, skipping the weekend', () => {
    const wednesday = new Date('2026-12-02T02:03:00Z');
    expect(addWorkingDays(wednesday, 3).toISOString()).toBe('2026-12-07T02:03:00.000Z');
    expect(addWorkingDays(new Date('2026-12-04T02:00:00Z'), 1).toISOString()).toBe('2026-12-07T02:00:00.000Z'); // Friday → Monday
  });
});
