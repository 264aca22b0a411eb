import { createHash } from 'node:crypto';
import { ChaChaStream, selectWinners, type Winner } from './random/index.js';

/** Names the weekly algorithm of docs/draw-spec.md §6; a verifier refuses a version it does not implement. */
export const WEEKLY_ALGORITHM = 'quanyi-weekly/v1';

/** One chance of one invoice in a weekly draw: the public form is `<invoice_commit hex>:<chance>`. */
export interface WeeklyEntry {
  readonly invoiceCommit: string;
  readonly chance: number;
}

/** The entry's leaf bytes in the entry set's Merkle tree: ASCII `<64 hex>:<chance>`. */
export function weeklyLeafText(entry: WeeklyEntry): string {
  return `${entry.invoiceCommit}:${entry.chance}`;
}

export function parseWeeklyLeaf(text: string): WeeklyEntry {
  const match = /^([0-9a-f]{64}):([1-9]\d{0,5})$/.exec(text);
  if (!match) throw new RangeError(`not a weekly entry: ${JSON.stringify(text.slice(0, 80))}`);
  return { invoiceCommit: match[1]!, chance: Number(match[2]) };
}

/** The set is ordered by commitment, then chance: an order nobody chooses, fixed by the entries alone. */
export function compareWeeklyEntries(a: WeeklyEntry, b: WeeklyEntry): number {
  return a.invoiceCommit < b.invoiceCommit ? -1 : a.invoiceCommit > b.invoiceCommit ? 1 : a.chance - b.chance;
}

export interface WeeklySeedInput {
  readonly beaconId: string;
  readonly round: number;
  readonly randomness: Uint8Array;
  readonly entriesRoot: Uint8Array;
  readonly entryCount: number;
  readonly drawId: string;
}

/**
 * seed = SHA-256("quanyi/weekly/v1" ‖ str(beacon id) ‖ u64be(round) ‖ randomness ‖ root ‖ u64be(size) ‖ str(draw id)),
 * where str(s) = u16be(byte length) ‖ UTF-8(s). The beacon's randomness did not exist when the root was logged,
 * so nobody could aim the entry set at it; binding the root and the draw id makes each draw's stream its own.
 */
export function weeklySeed(input: WeeklySeedInput): Uint8Array {
  // Plain Uint8Arrays rather than Buffer, so the browser's verifier (the public fairness page) runs this as is.
  const str = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    if (bytes.length > 0xffff) throw new RangeError(`${bytes.length} bytes do not fit a u16 length`);
    const out = new Uint8Array(2 + bytes.length);
    new DataView(out.buffer).setUint16(0, bytes.length);
    out.set(bytes, 2);
    return out;
  };
  const u64 = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n));
    return b;
  };
  return createHash('sha256')
    .update(new TextEncoder().encode('quanyi/weekly/v1'))
    .update(str(input.beaconId))
    .update(u64(input.round))
    .update(input.randomness)
    .update(input.entriesRoot)
    .update(u64(input.entryCount))
    .update(str(input.drawId))
    .digest();
}

/** Winners, top tier first, one prize per invoice: entries of the same invoice share its commitment. */
export function drawWeeklyWinners(seed: Uint8Array, entries: readonly WeeklyEntry[], tiers: readonly { tier: string; count: number }[]): readonly Winner[] {
  return selectWinners(new ChaChaStream(seed), { entryCount: entries.length, keyOf: (i) => entries[i]!.invoiceCommit, tiers });
}

/** Monday–Friday in Asia/Shanghai; public holidays come with the settlement calendar (#7). */
export function addWorkingDays(from: Date, days: number): Date {
  const dayMs = 86_400_000;
  let at = from.getTime();
  let left = days;
  while (left > 0) {
    at += dayMs;
    const weekday = new Date(at + 8 * 3_600_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return new Date(at);
}
