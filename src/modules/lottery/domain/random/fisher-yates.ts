import { uniformBelow, type U64Source } from './uniform.js';

const MAX_LENGTH = 2 ** 32;

/**
 * A uniformly random permutation of 0..n−1: from the identity, for i = n−1 down to 1 swap a[i] with a[j],
 * j = uniformBelow(source, i + 1). j may equal i (Fisher–Yates, not Sattolo, whose j < i allows only cycles).
 */
export function shufflePermutation(source: U64Source, n: number): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_LENGTH) {
    throw new RangeError(`shufflePermutation: n must be an integer in [0, 2^32], got ${n}`);
  }
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i >= 1; i--) {
    const j = uniformBelow(source, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
