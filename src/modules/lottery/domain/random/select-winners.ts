import { uniformBelow, type U64Source } from './uniform.js';

export interface PrizeTier {
  readonly tier: string;
  readonly count: number;
}

export interface Winner {
  readonly tier: string;
  /** The winning entry's position in the Merkle-ordered entry set. */
  readonly index: number;
  /** 0-based ordinal of the uniformBelow(·, entryCount) call that drew it; the gaps are repeat keys redrawn. */
  readonly draw: number;
}

export interface WinnerSelectionInput {
  /** Entries are 0..entryCount−1. */
  readonly entryCount: number;
  /** The invoice an entry belongs to; an invoice with several entries has several chances but wins once. */
  readonly keyOf: (index: number) => string;
  /** Top tier first. */
  readonly tiers: readonly PrizeTier[];
}

/**
 * Tier by tier, prize by prize: draw index = uniformBelow(source, entryCount) until keyOf(index) has not won yet.
 * Once every distinct key has won, the remaining prizes stay unawarded; counting the keys up front is what
 * guarantees the redraw loop ends.
 */
export function selectWinners(source: U64Source, input: WinnerSelectionInput): readonly Winner[] {
  const { entryCount, keyOf, tiers } = input;
  if (!Number.isSafeInteger(entryCount) || entryCount < 0) {
    throw new RangeError(`selectWinners: entryCount must be a non-negative integer, got ${entryCount}`);
  }
  for (const { tier, count } of tiers) {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`selectWinners: tier ${tier} count must be a non-negative integer, got ${count}`);
    }
  }
  const distinctKeys = countDistinctKeys(entryCount, keyOf);
  const won = new Set<string>();
  const winners: Winner[] = [];
  let draw = 0;
  for (const { tier, count } of tiers) {
    for (let prize = 0; prize < count; prize++) {
      if (won.size === distinctKeys) return winners;
      for (;;) {
        const index = uniformBelow(source, entryCount);
        const ordinal = draw++;
        const key = keyOf(index);
        if (won.has(key)) continue;
        won.add(key);
        winners.push({ tier, index, draw: ordinal });
        break;
      }
    }
  }
  return winners;
}

function countDistinctKeys(entryCount: number, keyOf: (index: number) => string): number {
  const keys = new Set<string>();
  for (let i = 0; i < entryCount; i++) keys.add(keyOf(i));
  return keys.size;
}
