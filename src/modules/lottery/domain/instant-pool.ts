import { createHash } from 'node:crypto';
import { ChaChaStream, shufflePermutation } from './random/index.js';
import type { PrizeSpec } from './campaign-rules.js';

/**
 * The instant-win pool (docs/draw-spec.md §Instant): `tickets` tickets, the first `count₀` carrying prize 0, the
 * next `count₁` prize 1, and so on, the rest blank. The pool is that list shuffled by Fisher–Yates driven by
 * ChaCha20 keyed with the 32-byte secret seed; draw n takes ticket permutation[n]. SHA-256(seed) is logged
 * before the first draw and the seed after the last, so anyone can re-derive every result — and the operator
 * could not change the pool after committing to it.
 */
export function seedCommitment(seed: Uint8Array): Uint8Array {
  return createHash('sha256').update(seed).digest();
}

export function poolPermutation(seed: Uint8Array, tickets: number): Uint32Array {
  return shufflePermutation(new ChaChaStream(seed), tickets);
}

/** The prize index a ticket carries, or null for a blank. */
export function prizeOfTicket(prizes: readonly Pick<PrizeSpec, 'count'>[], ticket: number): number | null {
  let end = 0;
  for (let i = 0; i < prizes.length; i++) {
    end += prizes[i]!.count;
    if (ticket < end) return i;
  }
  return null;
}
