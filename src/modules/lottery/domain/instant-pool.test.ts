import { describe, expect, it } from 'vitest';
import { poolPermutation, prizeOfTicket, seedCommitment } from './instant-pool.js';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);

describe('instant pool', () => {
  it('is the Fisher–Yates permutation of docs/draw-spec/random.md keyed by the seed itself', () => {
    // The n = 10 vector of random.md, computed by docs/draw-spec/reference.py.
    expect([...poolPermutation(SEED, 10)]).toEqual([0, 3, 2, 7, 6, 5, 1, 9, 4, 8]);
  });

  it('lays prizes out in order from ticket 0, the rest blank', () => {
    const prizes = [{ count: 2 }, { count: 3 }];
    expect([0, 1, 2, 4, 5, 9].map((t) => prizeOfTicket(prizes, t))).toEqual([0, 0, 1, 1, null, null]);
    expect(prizeOfTicket([], 0)).toBeNull();
    expect(prizeOfTicket([{ count: 0 }, { count: 1 }], 0)).toBe(1);
  });

  it('pays out exactly the inventory over a whole pool', () => {
    const prizes = [{ count: 7 }, { count: 93 }];
    const counts = [0, 0];
    for (const ticket of poolPermutation(SEED, 10_000)) {
      const prize = prizeOfTicket(prizes, ticket);
      if (prize !== null) counts[prize]!++;
    }
    expect(counts).toEqual([7, 93]);
  });

  it('commits to the seed with its SHA-256', () => {
    expect(Buffer.from(seedCommitment(new Uint8Array(32))).toString('hex')).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
  });
});
