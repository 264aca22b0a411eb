import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChaChaStream } from './chacha-stream.js';
import { shufflePermutation } from './fisher-yates.js';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);

/** SHA-256 over the permutation as 4-byte big-endian values, as reference.py prints it. */
function digest(permutation: Uint32Array): string {
  const bytes = Buffer.alloc(permutation.length * 4);
  permutation.forEach((value, i) => bytes.writeUInt32BE(value, i * 4));
  return createHash('sha256').update(bytes).digest('hex');
}

describe('shufflePermutation known answers', () => {
  // From docs/draw-spec/reference.py (independent pure-Python ChaCha20 + the same rules), seed 000102…1f.
  it('n = 10', () => {
    const stream = new ChaChaStream(SEED);
    const permutation = shufflePermutation(stream, 10);
    expect([...permutation]).toEqual([0, 3, 2, 7, 6, 5, 1, 9, 4, 8]);
    expect(digest(permutation)).toBe('3bbcfb7029de4d176a23554ed382071ea41dcc345d010edf00bc90267d05a3c2');
    expect(stream.bytesConsumed).toBe(9 * 8);
  });

  it('n = 52', () => {
    const stream = new ChaChaStream(SEED);
    const permutation = shufflePermutation(stream, 52);
    expect([...permutation]).toEqual([
      2, 16, 24, 20, 19, 42, 1, 37, 50, 9, 25, 8, 6, 30, 7, 35, 39, 27, 23, 3, 47, 0, 45, 12, 14, 13, 40, 28, 22, 10,
      49, 4, 15, 21, 18, 33, 32, 44, 5, 46, 38, 36, 17, 41, 51, 31, 29, 11, 43, 48, 34, 26,
    ]);
    expect(digest(permutation)).toBe('f66a51d2d9cfeaaef8b0a78bd750a298cda97585259a0ba8a309dc045cdac332');
    expect(stream.bytesConsumed).toBe(51 * 8);
  });

  it('n = 1000', () => {
    const stream = new ChaChaStream(SEED);
    const permutation = shufflePermutation(stream, 1000);
    expect([...permutation.subarray(0, 20)]).toEqual([
      302, 872, 459, 468, 896, 873, 188, 714, 966, 850, 426, 374, 400, 745, 218, 196, 881, 166, 207, 375,
    ]);
    expect([...permutation.subarray(995)]).toEqual([503, 242, 796, 355, 658]);
    expect(digest(permutation)).toBe('4d3fff1bb8a98f64ee2ed1bf471c283b0d018ac3368f5cd5cf8f9144bdf4b1e6');
    expect(stream.bytesConsumed).toBe(999 * 8);
  });
});

describe('shufflePermutation', () => {
  it('returns a permutation of 0..n−1', () => {
    const permutation = shufflePermutation(new ChaChaStream(SEED), 100_000);
    expect([...permutation].sort((a, b) => a - b)).toEqual(Array.from({ length: 100_000 }, (_, i) => i));
  });

  it('n = 0 and n = 1 draw nothing', () => {
    const stream = new ChaChaStream(SEED);
    expect([...shufflePermutation(stream, 0)]).toEqual([]);
    expect([...shufflePermutation(stream, 1)]).toEqual([0]);
    expect(stream.bytesConsumed).toBe(0);
  });

  it('reaches all 6 orders of 3 items (Sattolo would reach only the 2 three-cycles)', () => {
    const stream = new ChaChaStream(SEED);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(shufflePermutation(stream, 3).join(''));
    expect([...seen].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
  });

  it('rejects a negative, fractional or too large n', () => {
    const stream = new ChaChaStream(SEED);
    for (const n of [-1, 2.5, Number.NaN, 2 ** 32 + 1]) expect(() => shufflePermutation(stream, n)).toThrow(RangeError);
  });
});
