import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, LeafHashTree, leafHash } from './merkle.js';
import { MerkleProofError, type MerkleProofFailure, verifyConsistency, verifyInclusion } from './merkle-proofs.js';

// Known-answer vectors live in merkle.test.ts; this file drives every rejection branch of the verifiers and
// tampers with every proof of every tree up to 64 leaves.

const MAX = 64;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
const tree = new LeafHashTree();
leaves.forEach((leaf) => tree.append(leaf));
const roots = Array.from({ length: MAX + 1 }, (_, size) => tree.root(size));
const foreign = leafHash(new TextEncoder().encode('not in the tree'));

function rejection(verify: () => void): MerkleProofFailure | 'accepted' {
  try {
    verify();
    return 'accepted';
  } catch (error) {
    if (error instanceof MerkleProofError) return error.reason;
    throw error; // anything else (a TypeError, a RangeError from nodeHash) is a verifier bug
  }
}

/** A copy of the proof with one byte of one hash changed. */
function flipped(proof: readonly Uint8Array[], hashIndex: number, byteIndex: number): Uint8Array[] {
  return proof.map((hash, i) => {
    if (i !== hashIndex) return hash;
    const copy = hash.slice();
    copy[byteIndex] = copy[byteIndex]! ^ (1 << (byteIndex % 8));
    return copy;
  });
}

/** Exhaustive byte flips for small trees; one (rotating) byte per hash beyond, to keep the run short. */
function bytesToFlip(size: number, hashIndex: number): number[] {
  return size <= 16 ? Array.from({ length: 32 }, (_, b) => b) : [(size * 7 + hashIndex * 13) % 32];
}

describe('verifyInclusion', () => {
  const proof = tree.inclusionProof(5, 13);
  const verify = (p: readonly Uint8Array[] = proof, leaf = leaves[5]!, index = 5, size = 13, root = roots[13]!) => () =>
    verifyInclusion(leaf, index, size, p, root);

  it('accepts the genuine proof', () => {
    expect(rejection(verify())).toBe('accepted');
  });

  it('rejects each failure with its reason', () => {
    expect(rejection(verify(proof, leaves[5], -1))).toBe('invalid argument');
    expect(rejection(verify(proof, leaves[5], 5, 13.5))).toBe('invalid argument');
    expect(rejection(verify(proof, leaves[5], 5, Number.MAX_SAFE_INTEGER + 1))).toBe('invalid argument');
    expect(rejection(verify(proof, new Uint8Array(31)))).toBe('invalid hash length');
    expect(rejection(verify(proof, leaves[5], 5, 13, new Uint8Array(0)))).toBe('invalid hash length');
    expect(rejection(verify([...proof.slice(0, -1), new Uint8Array(33)]))).toBe('invalid hash length');
    expect(rejection(verify(proof, leaves[5], 13, 13))).toBe('index out of range');
    expect(rejection(verify(proof, leaves[5], 14, 13))).toBe('index out of range');
    expect(rejection(verify([], leaves[0], 0, 0, EMPTY_ROOT))).toBe('index out of range');
    expect(rejection(verify([...proof, foreign]))).toBe('proof too long');
    expect(rejection(verify(proof.slice(0, -1)))).toBe('proof too short');
    expect(rejection(verify([]))).toBe('proof too short');
    expect(rejection(verify(proof, foreign))).toBe('root mismatch');
    expect(rejection(verify(proof, leaves[5], 5, 13, roots[12]))).toBe('root mismatch');
  });

  it('treats a one-leaf tree as the leaf itself, with an empty proof', () => {
    expect(rejection(() => verifyInclusion(leaves[0]!, 0, 1, [], leaves[0]!))).toBe('accepted');
    expect(rejection(() => verifyInclusion(leaves[0]!, 0, 1, [], foreign))).toBe('root mismatch');
    expect(rejection(() => verifyInclusion(leaves[0]!, 0, 1, [leaves[1]!], leaves[0]!))).toBe('proof too long');
  });

  it('rejects an entry built from two child hashes (second preimage): leaves and nodes hash differently', () => {
    // Without the 0x00/0x01 prefixes, entry l0 ‖ l1 would hash to the node above l0 and l1, and a proof with l2
    // would lead to the root of the 3-leaf tree.
    const forged = leafHash(new Uint8Array([...leaves[0]!, ...leaves[1]!]));
    expect(rejection(() => verifyInclusion(forged, 0, 2, [leaves[2]!], roots[3]!))).toBe('root mismatch');
  });

  it(`rejects every tampered inclusion proof for sizes 1..${MAX}`, () => {
    for (let size = 1; size <= MAX; size++) {
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        const leaf = leaves[index]!;
        const root = roots[size]!;
        const accepted: string[] = [];
        const probe = (what: string, f: () => void) => {
          if (rejection(f) === 'accepted') accepted.push(what);
        };
        proof.forEach((_, i) => {
          for (const b of bytesToFlip(size, i)) probe(`byte ${b} of hash ${i}`, () => verifyInclusion(leaf, index, size, flipped(proof, i, b), root));
        });
        for (const wrong of [index - 1, index + 1, index ^ 1, index ^ 2, size]) {
          probe(`index ${wrong}`, () => verifyInclusion(leaf, wrong, size, proof, root));
        }
        // Against the root a client trusts for that size: a proof of one shape must not pass as another's.
        for (const wrong of [size - 1, size + 1, size * 2, Math.floor(size / 2)]) {
          if (wrong !== size) probe(`size ${wrong}`, () => verifyInclusion(leaf, index, wrong, proof, roots[wrong] ?? root));
        }
        probe('wrong leaf', () => verifyInclusion(foreign, index, size, proof, root));
        probe('neighbour leaf', () => verifyInclusion(leaves[index + 1] ?? foreign, index, size, proof, root));
        probe('trailing hash', () => verifyInclusion(leaf, index, size, [...proof, foreign], root));
        probe('trailing root', () => verifyInclusion(leaf, index, size, [...proof, root], root));
        probe('leading hash', () => verifyInclusion(leaf, index, size, [foreign, ...proof], root));
        if (proof.length > 0) {
          probe('repeated hash', () => verifyInclusion(leaf, index, size, [...proof, ...proof.slice(-1)], root));
          probe('missing last', () => verifyInclusion(leaf, index, size, proof.slice(0, -1), root));
          probe('missing first', () => verifyInclusion(leaf, index, size, proof.slice(1), root));
          probe('empty', () => verifyInclusion(leaf, index, size, [], root));
        }
        if (proof.length > 1) probe('reversed', () => verifyInclusion(leaf, index, size, [...proof].reverse(), root));
        expect(accepted, `leaf ${index} of ${size}`).toEqual([]);
      }
    }
  });
});

describe('verifyConsistency', () => {
  const proof = tree.consistencyProof(6, 13);
  const verify = (p: readonly Uint8Array[] = proof, first = 6, second = 13, r1 = roots[6]!, r2 = roots[13]!) => () =>
    verifyConsistency(first, second, r1, r2, p);

  it('accepts the genuine proof', () => {
    expect(rejection(verify())).toBe('accepted');
  });

  it('rejects each failure with its reason', () => {
    expect(rejection(verify(proof, -1))).toBe('invalid argument');
    expect(rejection(verify(proof, 6, 0.5))).toBe('invalid argument');
    expect(rejection(verify(proof, 6, 13, new Uint8Array(0)))).toBe('invalid hash length');
    expect(rejection(verify(proof, 6, 13, roots[6], new Uint8Array(64)))).toBe('invalid hash length');
    expect(rejection(verify([...proof, new Uint8Array(0)]))).toBe('invalid hash length');
    expect(rejection(verify(proof, 13, 6, roots[13], roots[6]))).toBe('first greater than second');
    expect(rejection(verify([]))).toBe('proof too short');
    expect(rejection(verify(proof.slice(0, -1)))).toBe('proof too short');
    expect(rejection(verify([...proof, foreign]))).toBe('proof too long');
    expect(rejection(verify(proof, 6, 13, roots[5]))).toBe('first root mismatch');
    expect(rejection(verify(proof, 6, 13, roots[6], roots[12]))).toBe('second root mismatch');
  });

  it('requires equal sizes to have equal roots and an empty proof', () => {
    expect(rejection(() => verifyConsistency(7, 7, roots[7]!, roots[7]!, []))).toBe('accepted');
    expect(rejection(() => verifyConsistency(7, 7, roots[7]!, roots[8]!, []))).toBe('root mismatch');
    expect(rejection(() => verifyConsistency(7, 7, roots[7]!, roots[7]!, [roots[7]!]))).toBe('proof not empty');
    expect(rejection(() => verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, []))).toBe('accepted');
    expect(rejection(() => verifyConsistency(0, 0, EMPTY_ROOT, foreign, []))).toBe('root mismatch');
  });

  it('accepts any tree after the empty one, but only from the empty root and with an empty proof', () => {
    expect(rejection(() => verifyConsistency(0, 9, EMPTY_ROOT, roots[9]!, []))).toBe('accepted');
    expect(rejection(() => verifyConsistency(0, 9, roots[1]!, roots[9]!, []))).toBe('first root mismatch');
    expect(rejection(() => verifyConsistency(0, 9, EMPTY_ROOT, roots[9]!, [EMPTY_ROOT]))).toBe('proof not empty');
  });

  it('does not let the prover supply the first root itself when first is a power of two', () => {
    // RFC 9162 step 2 prepends first_hash; a proof that already starts with it has one hash too many.
    const genuine = tree.consistencyProof(8, 13);
    expect(rejection(() => verifyConsistency(8, 13, roots[8]!, roots[13]!, genuine))).toBe('accepted');
    expect(rejection(() => verifyConsistency(8, 13, roots[8]!, roots[13]!, [roots[8]!, ...genuine]))).not.toBe('accepted');
  });

  it(`rejects every tampered consistency proof for sizes 1..${MAX}`, () => {
    for (let second = 2; second <= MAX; second++) {
      for (let first = 1; first < second; first++) {
        const proof = tree.consistencyProof(first, second);
        const [r1, r2] = [roots[first]!, roots[second]!];
        const accepted: string[] = [];
        const probe = (what: string, f: () => void) => {
          if (rejection(f) === 'accepted') accepted.push(what);
        };
        proof.forEach((_, i) => {
          for (const b of bytesToFlip(second, i)) probe(`byte ${b} of hash ${i}`, () => verifyConsistency(first, second, r1, r2, flipped(proof, i, b)));
        });
        // Wrong sizes, each with the root a client would hold for it.
        for (const wrong of [first - 1, first + 1, first ^ 1, first ^ 2]) {
          if (wrong !== first && wrong >= 0) probe(`first ${wrong}`, () => verifyConsistency(wrong, second, roots[wrong] ?? r1, r2, proof));
        }
        for (const wrong of [second - 1, second + 1, second * 2, Math.floor(second / 2)]) {
          if (wrong !== second) probe(`second ${wrong}`, () => verifyConsistency(first, wrong, r1, roots[wrong] ?? r2, proof));
        }
        probe('wrong first root', () => verifyConsistency(first, second, foreign, r2, proof));
        probe('wrong second root', () => verifyConsistency(first, second, r1, foreign, proof));
        probe('swapped roots', () => verifyConsistency(first, second, r2, r1, proof));
        probe('empty proof', () => verifyConsistency(first, second, r1, r2, []));
        probe('trailing hash', () => verifyConsistency(first, second, r1, r2, [...proof, foreign]));
        probe('trailing root', () => verifyConsistency(first, second, r1, r2, [...proof, r2]));
        probe('leading first root', () => verifyConsistency(first, second, r1, r2, [r1, ...proof]));
        probe('leading repeat', () => verifyConsistency(first, second, r1, r2, [proof[0]!, ...proof]));
        probe('missing last', () => verifyConsistency(first, second, r1, r2, proof.slice(0, -1)));
        probe('missing first', () => verifyConsistency(first, second, r1, r2, proof.slice(1)));
        if (proof.length > 1) probe('reversed', () => verifyConsistency(first, second, r1, r2, [...proof].reverse()));
        expect(accepted, `${first} → ${second}`).toEqual([]);
      }
    }
  });
});
