import { describe, expect, it } from 'vitest';
import { ChaChaStream } from './chacha-stream.js';
import { uniformBelow, type U64Source } from './uniform.js';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const TWO_64 = 1n << 64n;
const wordsUsed = (stream: ChaChaStream) => stream.bytesConsumed / 8;

/** Replays given words, so tests can put a word exactly at the rejection limit. */
class ScriptedWords implements U64Source {
  used = 0;
  constructor(private readonly words: readonly bigint[]) {}
  nextU64(): bigint {
    const word = this.words[this.used++];
    if (word === undefined) throw new Error('script exhausted');
    return word;
  }
  nextU64Halves(out: Uint32Array): void {
    const word = this.nextU64();
    out[0] = Number(word >> 32n);
    out[1] = Number(word & 0xffffffffn);
  }
}

/** The rule in its plainest form, as the spec states it. */
function referenceBelow(words: readonly bigint[], n: bigint): { value: bigint; used: number } {
  const limit = TWO_64 - (TWO_64 % n);
  for (let used = 1; used <= words.length; used++) {
    const x = words[used - 1]!;
    if (x < limit) return { value: x % n, used };
  }
  throw new Error('no accepted word');
}

describe('uniformBelow known answers', () => {
  // From docs/draw-spec/reference.py (independent pure-Python ChaCha20 + the same rule), seed 000102…1f,
  // ten draws from a fresh stream each.
  const cases: [number | bigint, (number | bigint)[]][] = [
    [1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    [2, [0, 1, 0, 0, 1, 0, 1, 0, 1, 1]],
    [10, [8, 3, 8, 0, 7, 6, 1, 6, 1, 9]],
    [37, [10, 22, 17, 32, 29, 36, 17, 27, 15, 21]],
    [1000, [658, 193, 348, 370, 467, 36, 701, 556, 241, 239]],
    [10_000_000, [4167658, 3589193, 1382348, 356370, 9495467, 232036, 134701, 7964556, 3436241, 3571239]],
    [2 ** 32, [3653572970, 3101444681, 3168692940, 3639223442, 2724209579, 986218340, 2985796397, 1213939980, 2917574353, 2940423719]],
    [
      Number.MAX_SAFE_INTEGER,
      [
        8210593849088825, 8166587062046390, 6148948932587293, 3515468730739240, 1069720163853572, 4203884910772572,
        622232077837401, 2078765385205533, 6828180579461014, 383049598717634,
      ],
    ],
    [
      TWO_64,
      [
        4178543848794167658n, 10213323342683589193n, 9959104125421382348n, 12883810403010356370n, 3108553463049495467n,
        4543832309300232036n, 2702782008500134701n, 13990259207997964556n, 1781246433763436241n, 1396498934083571239n,
      ],
    ],
  ];
  for (const [n, expected] of cases) {
    it(`n = ${n}`, () => {
      const stream = new ChaChaStream(SEED);
      expect(Array.from({ length: 10 }, () => uniformBelow(stream, n))).toEqual(expected);
      expect(wordsUsed(stream)).toBe(10);
    });
  }

  it('n = 2^63 + 1 rejects about half the words, consuming exactly the reference count', () => {
    const n = (1n << 63n) + 1n;
    const stream = new ChaChaStream(SEED);
    const values: bigint[] = [];
    const cumulativeWords: number[] = [];
    for (let i = 0; i < 16; i++) {
      values.push(uniformBelow(stream, n));
      cumulativeWords.push(wordsUsed(stream));
    }
    expect(values).toEqual([
      4178543848794167658n, 3108553463049495467n, 4543832309300232036n, 2702782008500134701n, 1781246433763436241n,
      1396498934083571239n, 8216826787903978589n, 948652581668084429n, 4823968576589959893n, 7829379237005914683n,
      6927520522937482935n, 5616826276872705204n, 5389675153713113032n, 493175670913776428n, 2160201811696252660n,
      857935342375807292n,
    ]);
    expect(cumulativeWords).toEqual([1, 5, 6, 7, 9, 10, 13, 16, 17, 18, 19, 29, 31, 32, 39, 41]);
    for (let i = 16; i < 1000; i++) uniformBelow(stream, n);
    expect(wordsUsed(stream)).toBe(1978);
  });
});

describe('uniformBelow edge cases', () => {
  it('n = 1 is always 0 and still consumes one word per call', () => {
    const stream = new ChaChaStream(SEED);
    for (let i = 1; i <= 100; i++) {
      expect(uniformBelow(stream, 1)).toBe(0);
      expect(uniformBelow(stream, 1n)).toBe(0n);
      expect(wordsUsed(stream)).toBe(2 * i);
    }
  });

  it('rejects n outside [1, 2^64] or not an integer', () => {
    const stream = new ChaChaStream(SEED);
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => uniformBelow(stream, n)).toThrow(RangeError);
    }
    for (const n of [0n, -1n, TWO_64 + 1n]) expect(() => uniformBelow(stream, n)).toThrow(RangeError);
    expect(wordsUsed(stream)).toBe(0);
  });

  it('returns the type it was given', () => {
    const stream = new ChaChaStream(SEED);
    expect(typeof uniformBelow(stream, 10)).toBe('number');
    expect(typeof uniformBelow(stream, 10n)).toBe('bigint');
    expect(typeof uniformBelow(stream, 2 ** 40)).toBe('number');
  });
});

describe('the number fast path is the BigInt rule', () => {
  const ns = [
    1, 2, 3, 7, 10, 37, 1000, 10_000_000, 2 ** 26 - 1, 2 ** 26, 2 ** 26 + 1, 94_906_267, 2 ** 27 + 1,
    123_456_789, 2 ** 28 - 3, 999_999_937, 2 ** 31 - 1, 2 ** 31,
    2 ** 31 + 1, 3 * 2 ** 30, 2 ** 32 - 5, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER,
  ];

  it('at and around the rejection limit', () => {
    for (const n of ns) {
      const big = BigInt(n);
      const limit = TWO_64 - (TWO_64 % big);
      const edges = [0n, 1n, (1n << 32n) - 1n, 1n << 32n, limit - 1n, limit, limit + 1n, TWO_64 - 1n, 0xffffffff00000000n]
        // When n divides 2^64 the limit is 2^64 itself, which is no word.
        .filter((word) => word < TWO_64);
      for (const first of edges) {
        for (const second of edges) {
          const words = [first, second, limit - 1n];
          const expected = referenceBelow(words, big);
          const source = new ScriptedWords(words);
          expect({ n, words, value: uniformBelow(source, n) }).toEqual({ n, words, value: Number(expected.value) });
          expect(source.used).toBe(expected.used);
        }
      }
    }
  });

  it('over 20,000 stream words for each n', () => {
    for (const n of ns) {
      const numbers = new ChaChaStream(SEED);
      const bigints = new ChaChaStream(SEED);
      for (let i = 0; i < 20_000; i++) {
        const got = uniformBelow(numbers, n);
        const want = uniformBelow(bigints, BigInt(n));
        if (BigInt(got) !== want) expect({ n, i, got }).toEqual({ n, i, got: Number(want) });
      }
      expect(numbers.bytesConsumed).toBe(bigints.bytesConsumed);
    }
  });
});

/** Upper 1% point of χ²(ν), Wilson–Hilferty: ν·(1 − 2/(9ν) + z·√(2/(9ν)))³ with z the 99% normal quantile. */
function chiSquareCritical99(nu: number): number {
  const z = 2.3263478740408408;
  const a = 2 / (9 * nu);
  return nu * (1 - a + z * Math.sqrt(a)) ** 3;
}

function chiSquare(observed: ArrayLike<number>, expected: (bin: number) => number): number {
  let statistic = 0;
  for (let bin = 0; bin < observed.length; bin++) {
    const e = expected(bin);
    statistic += (observed[bin]! - e) ** 2 / e;
  }
  return statistic;
}

const DRAWS = 1_000_000;

describe('chi-square goodness of fit (fixed seed, so deterministic)', () => {
  it('Wilson–Hilferty is within 0.2% of the exact 99% points, and errs high', () => {
    // Exact values: NIST/SEMATECH e-Handbook §1.3.6.7.4 for ν = 9 and 36; scipy.stats.chi2.ppf(0.99, 999).
    for (const [nu, exact] of [[9, 21.666], [36, 58.619], [999, 1105.917]] as const) {
      const approx = chiSquareCritical99(nu);
      expect(approx).toBeGreaterThanOrEqual(exact);
      expect(approx / exact).toBeLessThan(1.002);
    }
  });

  for (const k of [10, 37, 1000]) {
    it(`uniformBelow(stream, ${k}) over 10^6 draws`, () => {
      const stream = new ChaChaStream(SEED);
      const counts = new Float64Array(k);
      for (let i = 0; i < DRAWS; i++) counts[uniformBelow(stream, k)]! += 1;
      const statistic = chiSquare(counts, () => DRAWS / k);
      expect(statistic).toBeLessThan(chiSquareCritical99(k - 1));
    });
  }

  // n ≈ 2^64 / 1.5: x mod n maps two words onto each value below 2^64 − n (about n/2) and one word onto the rest,
  // so plain reduction favours the lower half 2:1; rejection must remove exactly that.
  const n = (TWO_64 * 2n) / 3n;
  const bins = 10;
  const binOf = (value: bigint) => Number((value * BigInt(bins)) / n);
  // Bin b holds the values v with ⌊v·10/n⌋ = b, i.e. ⌈b·n/10⌉ ≤ v < ⌈(b+1)·n/10⌉.
  const binStart = (b: number) => (BigInt(b) * n + BigInt(bins) - 1n) / BigInt(bins);
  const expectedInBin = (b: number) => (DRAWS * Number(binStart(b + 1) - binStart(b))) / Number(n);

  function binnedStatistic(draw: () => bigint): number {
    const counts = new Float64Array(bins);
    for (let i = 0; i < DRAWS; i++) counts[binOf(draw())]! += 1;
    return chiSquare(counts, expectedInBin);
  }

  it(`uniformBelow(stream, ⌊2^65/3⌋) binned into ${bins} passes`, () => {
    const stream = new ChaChaStream(SEED);
    expect(binnedStatistic(() => uniformBelow(stream, n))).toBeLessThan(chiSquareCritical99(bins - 1));
    // About a third of the words are rejected: the check above really ran through the rejection loop.
    expect(wordsUsed(stream) / DRAWS).toBeCloseTo(1.5, 1);
  });

  it('a deliberately biased sampler (x mod n, no rejection) fails the same check', () => {
    const stream = new ChaChaStream(SEED);
    expect(binnedStatistic(() => stream.nextU64() % n)).toBeGreaterThan(chiSquareCritical99(bins - 1));
  });
});
