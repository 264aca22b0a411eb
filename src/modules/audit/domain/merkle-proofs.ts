import { EMPTY_ROOT, HASH_LENGTH, nodeHash } from './merkle.js';

/**
 * Verifiers for RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), step for step. These are what stand
 * between a forged proof and an auditor's trust (immudb once accepted forged proofs), so they validate every
 * input before hashing and fail closed on anything the RFC does not explicitly accept.
 */

export type MerkleProofFailure =
  | 'invalid argument'
  | 'invalid hash length'
  | 'index out of range'
  | 'first greater than second'
  | 'proof too long'
  | 'proof too short'
  | 'proof not empty'
  | 'root mismatch'
  | 'first root mismatch'
  | 'second root mismatch';

export class MerkleProofError extends Error {
  override readonly name = 'MerkleProofError';

  constructor(readonly reason: MerkleProofFailure) {
    super(`Merkle proof rejected: ${reason}`);
  }
}

function checkSize(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new MerkleProofError('invalid argument');
}

function checkHashes(...hashes: readonly Uint8Array[]): void {
  if (hashes.some((hash) => hash.length !== HASH_LENGTH)) throw new MerkleProofError('invalid hash length');
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** Throws MerkleProofError unless `proof` shows that `leafHash` is leaf `index` of the tree of `size` with `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkSize(index);
  checkSize(size);
  checkHashes(leafHash, root, ...proof);
  // 1. leaf_index ≥ tree_size fails (this also rejects every proof for the empty tree).
  if (index >= size) throw new MerkleProofError('index out of range');
  // 2–3.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // 4.
  for (const p of proof) {
    // 4a. The path already reached the root: extra hashes are never harmless padding.
    if (sn === 0) throw new MerkleProofError('proof too long');
    // 4b.
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Skip the levels where this node is the lone rightmost child and so was never hashed with a sibling.
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  if (sn !== 0) throw new MerkleProofError('proof too short');
  if (!sameHash(r, root)) throw new MerkleProofError('root mismatch');
}

/**
 * Throws MerkleProofError unless `proof` shows that the tree of size `first` with `firstRoot` is a prefix of the
 * tree of size `second` with `secondRoot`.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkSize(first);
  checkSize(second);
  checkHashes(firstRoot, secondRoot, ...proof);
  if (first > second) throw new MerkleProofError('first greater than second');
  // Outside the RFC's 0 < first < second: equal trees need equal roots and nothing else.
  if (first === second) {
    if (proof.length > 0) throw new MerkleProofError('proof not empty');
    if (!sameHash(firstRoot, secondRoot)) throw new MerkleProofError('root mismatch');
    return;
  }
  // The empty tree is a prefix of every tree, but only the empty tree has the empty root: a client that holds
  // anything else for size 0 has corrupt state, which should surface rather than pass.
  if (first === 0) {
    if (proof.length > 0) throw new MerkleProofError('proof not empty');
    if (!sameHash(firstRoot, EMPTY_ROOT)) throw new MerkleProofError('first root mismatch');
    return;
  }
  // 1.
  if (proof.length === 0) throw new MerkleProofError('proof too short');
  // 2. When first is a power of two its root is a node of the second tree that the proof leaves out.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  // 3.
  let fn = first - 1;
  let sn = second - 1;
  // 4. Climb past the levels where the first tree's last node is a right child: its left siblings are shared.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    // 6a.
    if (sn === 0) throw new MerkleProofError('proof too long');
    // 6b.
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    // 6c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  if (sn !== 0) throw new MerkleProofError('proof too short');
  if (!sameHash(fr, firstRoot)) throw new MerkleProofError('first root mismatch');
  if (!sameHash(sr, secondRoot)) throw new MerkleProofError('second root mismatch');
}

/** Inputs are public, so timing does not matter; lengths were checked on entry. */
function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}
