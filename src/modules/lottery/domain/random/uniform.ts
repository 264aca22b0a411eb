/** What the samplers read: 64-bit words, as one BigInt or as two 32-bit halves (same bytes, same order). */
export interface U64Source {
  nextU64(): bigint;
  nextU64Halves(out: Uint32Array): void;
}

const TWO_64 = 1n << 64n;
const TWO_32 = 2 ** 32;
const TWO_26 = 2 ** 26;
const HI_MAX = TWO_32 - 1;

// Module-level scratch and caches: JS runs one sampler at a time, and a benchmark or shuffle calls this 10^7 times.
const halves = new Uint32Array(2);
let smallN = 0;
let smallM32 = 0;
let bigN = 0n;
let bigLimit = 0n;
let numberN = 0;
let numberAsBig = 0n;

/**
 * An unbiased integer in [0, n): draw x = nextU64(); reject while x ≥ 2^64 − (2^64 mod n); return x mod n.
 * A number n (a safe integer ≥ 1) gives a number; a bigint n (1 ≤ n ≤ 2^64) gives a bigint.
 */
export function uniformBelow(source: U64Source, n: number): number;
export function uniformBelow(source: U64Source, n: bigint): bigint;
export function uniformBelow(source: U64Source, n: number | bigint): number | bigint;
export function uniformBelow(source: U64Source, n: number | bigint): number | bigint {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`uniformBelow: n must be a safe integer ≥ 1, got ${n}`);
    if (n <= TWO_32) return belowSmall(source, n);
    if (n !== numberN) {
      numberN = n;
      numberAsBig = BigInt(n);
    }
    return Number(belowBig(source, numberAsBig));
  }
  if (n < 1n || n > TWO_64) throw new RangeError(`uniformBelow: n must be in [1, 2^64], got ${n}`);
  return belowBig(source, n);
}

function belowBig(source: U64Source, n: bigint): bigint {
  if (n !== bigN) {
    bigN = n;
    bigLimit = TWO_64 - (TWO_64 % n);
  }
  for (;;) {
    const x = source.nextU64();
    if (x < bigLimit) return x % n;
  }
}

/**
 * The same rule for n ≤ 2^32 in exact double arithmetic. Here 2^64 mod n < 2^32, so x ≥ limit only when the
 * high half is 0xFFFFFFFF and the low half ≥ 2^32 − (2^64 mod n); the limit is worked out only in that rare case,
 * which keeps a shuffle (a new n on every call) cheap. For x mod n every intermediate stays below 2^53: for
 * n ≤ 2^26, (hi mod n)·(2^32 mod n) + lo < 2^52 + 2^32; above that, Horner over two 16-bit steps.
 */
function belowSmall(source: U64Source, n: number): number {
  if (n !== smallN) {
    smallN = n;
    smallM32 = TWO_32 % n;
  }
  for (;;) {
    source.nextU64Halves(halves);
    const hi = halves[0]!;
    const lo = halves[1]!;
    // When n divides 2^64 the bound is 2^32, which no low half reaches: nothing is rejected.
    if (hi === HI_MAX && lo >= TWO_32 - mod64(n)) continue;
    if (n <= TWO_26) return ((hi % n) * smallM32 + lo) % n;
    return ((((hi % n) * 65536) % n) * 65536 + lo) % n;
  }
}

/** 2^64 mod n for n ≤ 2^32, without BigInt. */
function mod64(n: number): number {
  let r = 1 % n;
  for (let i = 0; i < 4; i++) r = (r * 65536) % n;
  return r;
}
