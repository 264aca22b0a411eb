import { CouponTypeError } from './contract.js';

/**
 * Discount rates are held in basis points of 10000 (折扣 0.80 → 8000), parsed from their decimal text like
 * money, so "0.85" never becomes 0.84999… and the discount is computed in integers.
 */
export const RATE_SCALE = 10_000n;

const RATE = /^0\.(\d{1,4})$/;

/** 0 < rate < 1 with at most 4 decimals ("0.80", 0.8, "0.875"); returns basis points. */
export function parseRate(input: unknown, field: string): bigint {
  let text: string;
  if (typeof input === 'string') text = input.trim();
  // Number#toString gives the shortest round-tripping text: 0.8 → "0.8"; 1e-7 → "1e-7", which is refused.
  else if (typeof input === 'number' && Number.isFinite(input)) text = input.toString();
  else throw new CouponTypeError(field, 'is required as a decimal like "0.80"');
  const match = RATE.exec(text);
  const basisPoints = match ? BigInt((match[1] ?? '').padEnd(4, '0')) : 0n;
  if (basisPoints === 0n) {
    throw new CouponTypeError(field, 'must be greater than 0 and less than 1, with at most 4 decimal places, like "0.80"');
  }
  return basisPoints;
}

/** "0.80", "0.875", "0.8765": at least two decimals, as rates are usually written, and no trailing zeros beyond. */
export function formatRate(basisPoints: bigint): string {
  const digits = basisPoints.toString().padStart(4, '0').replace(/0{1,2}$/, '');
  return `0.${digits.padEnd(2, '0')}`;
}
