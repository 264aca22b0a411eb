import { hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 §2.1 / RFC 9162 §2.1 with SHA-256, so that any CT tooling (and auditors who know
 * it) can check our log's roots and proofs. Proof verification lives in merkle-proofs.ts.
 *
 * Sizes and indexes are plain numbers: every helper below uses arithmetic rather than 32-bit operators so that
 * they stay exact up to Number.MAX_SAFE_INTEGER.
 */

export const HASH_LENGTH = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/**
 * SHA-256 through node:crypto's one-shot digest, which is most of a 10^7-entry draw's time (bench:lottery). The
 * digest comes back as a latin1 ("binary") string, one char per byte, and is copied into a plain Uint8Array:
 * about three times as fast as a JavaScript SHA-256 on these short inputs, and twice as fast as asking for a
 * Buffer, whose external backing store costs the GC dearly when millions are made.
 */
function sha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'binary'); // 'binary' is Node's name for latin1
  const out = new Uint8Array(HASH_LENGTH);
  for (let i = 0; i < HASH_LENGTH; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** SHA-256(0x00 ‖ entry): the prefix keeps a leaf from ever hashing like an interior node (second preimages). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

// One scratch buffer for every interior hash: rootOf runs ~n of them and would otherwise allocate n buffers.
// hash() does not keep its input, so reuse is safe (JavaScript is single-threaded).
const nodeInput = new Uint8Array(1 + 2 * HASH_LENGTH);
nodeInput[0] = NODE_PREFIX;

/**
 * SHA-256(0x01 ‖ left ‖ right). Children of any length are hashed as the RFC writes it (its known-answer tests use
 * short ones); callers that take hashes from outside check their length first.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_LENGTH || right.length !== HASH_LENGTH) {
    const input = new Uint8Array(1 + left.length + right.length);
    input[0] = NODE_PREFIX;
    input.set(left, 1);
    input.set(right, 1 + left.length);
    return sha256(input);
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_LENGTH);
  return sha256(nodeInput);
}

/** The largest power of two strictly smaller than n (n ≥ 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The smallest power of two ≥ n (n ≥ 1). */
function bitCeil(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/** Number of set bits: the number of perfect subtrees a tree of that size decomposes into. */
export function popCount(n: number): number {
  let count = 0;
  for (let m = n; m > 0; m = Math.floor(m / 2)) count += m % 2;
  return count;
}

function assertSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}

function assertHash(name: string, hash: Uint8Array): void {
  if (hash.length !== HASH_LENGTH) throw new RangeError(`${name} must be ${HASH_LENGTH} bytes, got ${hash.length}`);
}

/**
 * Folds the roots of a tree's perfect subtrees (left to right, strictly decreasing sizes) into MTH. Because the
 * RFC's split point is always the largest power of two, MTH of such a tree is exactly this right-to-left fold.
 */
function foldFrontier(frontier: readonly Uint8Array[]): Uint8Array {
  let root = frontier[frontier.length - 1];
  if (root === undefined) return EMPTY_ROOT;
  for (let i = frontier.length - 2; i >= 0; i--) root = nodeHash(frontier[i]!, root);
  return root;
}

/**
 * MTH(D[n]) over leaf hashes (RFC 6962 §2.1), in one pass with a stack of at most log2(n)+1 perfect-subtree
 * roots: n-1 node hashes, no recursion and no slicing, so it copes with 10^7 leaves.
 */
export function rootOf(leafHashes: readonly Uint8Array[]): Uint8Array {
  const stack: Uint8Array[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    const leaf = leafHashes[i]!;
    assertHash('leaf hash', leaf);
    let node = leaf;
    // Each trailing one bit of i closes a perfect subtree that the new leaf completes.
    for (let m = i; m % 2 === 1; m = (m - 1) / 2) node = nodeHash(stack.pop()!, node);
    stack.push(node);
  }
  return foldFrontier(stack);
}

/**
 * Append-only compact range: the O(log n) state a log needs to keep producing roots. Persist `size` and
 * `frontier()`; restore with `fromFrontier`.
 */
export class MerkleAccumulator {
  #size = 0;
  readonly #frontier: Uint8Array[] = [];

  static fromFrontier(size: number, frontier: readonly Uint8Array[]): MerkleAccumulator {
    assertSize('size', size);
    if (frontier.length !== popCount(size)) {
      throw new RangeError(`a tree of size ${size} has ${popCount(size)} frontier hashes, got ${frontier.length}`);
    }
    frontier.forEach((hash) => assertHash('frontier hash', hash));
    const accumulator = new MerkleAccumulator();
    accumulator.#size = size;
    accumulator.#frontier.push(...frontier.map((hash) => hash.slice()));
    return accumulator;
  }

  get size(): number {
    return this.#size;
  }

  append(leafHash: Uint8Array): void {
    assertHash('leaf hash', leafHash);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let node: Uint8Array = leafHash.slice();
    for (let m = this.#size; m % 2 === 1; m = (m - 1) / 2) node = nodeHash(this.#frontier.pop()!, node);
    this.#frontier.push(node);
    this.#size++;
  }

  root(): Uint8Array {
    return foldFrontier(this.#frontier);
  }

  /** Roots of the perfect subtrees, largest (leftmost) first; copies, so callers cannot corrupt the state. */
  frontier(): readonly Uint8Array[] {
    return this.#frontier.map((hash) => hash.slice());
  }
}

/** One level of LeafHashTree as a flat, growable byte array: 10^7 separate Uint8Arrays would cost gigabytes. */
class HashLevel {
  #bytes = new Uint8Array(HASH_LENGTH * 16);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  push(hash: Uint8Array): void {
    if ((this.#count + 1) * HASH_LENGTH > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#bytes.set(hash, this.#count * HASH_LENGTH);
    this.#count++;
  }

  /** A view, not a copy: internal use only. */
  view(index: number): Uint8Array {
    return this.#bytes.subarray(index * HASH_LENGTH, (index + 1) * HASH_LENGTH);
  }
}

/**
 * In-memory tree keeping every perfect subtree's hash: level 0 holds the leaf hashes and node j of level k is
 * MTH of leaves [j·2^k, (j+1)·2^k). Any range the proofs need is then a fold of at most log2(n) stored nodes.
 */
export class LeafHashTree {
  readonly #levels: HashLevel[] = [new HashLevel()];

  get size(): number {
    return this.#levels[0]!.count;
  }

  /** Number of levels with at least one node (0 for an empty tree). */
  get height(): number {
    return this.size === 0 ? 0 : this.#levels.length;
  }

  append(leafHash: Uint8Array): void {
    assertHash('leaf hash', leafHash);
    let level = 0;
    this.#levels[0]!.push(leafHash);
    // A node with an odd index is a right child, so its parent became complete.
    for (let index = this.size - 1; index % 2 === 1; index = (index - 1) / 2) {
      const nodes = this.#levels[level]!;
      const parent = nodeHash(nodes.view(index - 1), nodes.view(index));
      level++;
      if (this.#levels.length === level) this.#levels.push(new HashLevel());
      this.#levels[level]!.push(parent);
    }
  }

  /** How many perfect subtrees of 2^level leaves are complete. */
  levelSize(level: number): number {
    return this.#levels[level]?.count ?? 0;
  }

  /** Copies of the hashes at one level, [start, end): what a repository would persist. */
  levelNodes(level: number, start = 0, end = this.levelSize(level)): readonly Uint8Array[] {
    assertSize('start', start);
    if (end > this.levelSize(level) || start > end) throw new RangeError(`no nodes [${start}, ${end}) at level ${level}`);
    const nodes = this.#levels[level];
    const out: Uint8Array[] = [];
    for (let i = start; i < end; i++) out.push(nodes!.view(i).slice());
    return out;
  }

  /** MTH of the first `size` leaves. */
  root(size: number = this.size): Uint8Array {
    return this.hashRange(0, size);
  }

  /**
   * MTH(D[start:end]) for a range the RFC recursion can produce: start must be a multiple of the power of two
   * that covers end - start. Other ranges have no node in any tree, so asking for one is a bug.
   */
  hashRange(start: number, end: number): Uint8Array {
    assertSize('start', start);
    assertSize('end', end);
    if (end > this.size || start > end) throw new RangeError(`range [${start}, ${end}) is outside a tree of ${this.size}`);
    if (start === end) {
      if (start !== 0) throw new RangeError('only the whole empty tree has a hash');
      return EMPTY_ROOT;
    }
    if (start % bitCeil(end - start) !== 0) throw new RangeError(`range [${start}, ${end}) is not a subtree`);
    // Decompose into aligned perfect blocks, largest first, then fold right to left.
    const blocks: Uint8Array[] = [];
    let position = start;
    let width = bitCeil(end - start);
    for (let level = Math.round(Math.log2(width)); position < end; level--, width /= 2) {
      if (position + width > end) continue;
      blocks.push(this.#levels[level]!.view(position / width));
      position += width;
    }
    return foldFrontier(blocks).slice();
  }

  /** PATH(index, D[size]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf up to the root. */
  inclusionProof(index: number, size: number = this.size): readonly Uint8Array[] {
    assertSize('index', index);
    assertSize('size', size);
    if (size > this.size || index >= size) throw new RangeError(`no leaf ${index} in a tree of ${size} (have ${this.size})`);
    // Walk down from the root; each step's sibling belongs after the deeper part of the path.
    const topDown: Uint8Array[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        topDown.push(this.hashRange(lo + k, hi));
        hi = lo + k;
      } else {
        topDown.push(this.hashRange(lo, lo + k));
        lo += k;
      }
    }
    return topDown.reverse();
  }

  /** PROOF(first, D[second]) = SUBPROOF(first, D[second], true) of RFC 9162 §2.1.4.1. */
  consistencyProof(first: number, second: number = this.size): readonly Uint8Array[] {
    assertSize('first', first);
    assertSize('second', second);
    if (second > this.size || first > second) throw new RangeError(`no proof from ${first} to ${second} (have ${this.size})`);
    // Both are trivially consistent; the RFC defines PROOF only for 0 < first < second.
    if (first === 0 || first === second) return [];
    const topDown: Uint8Array[] = [];
    let lo = 0;
    let hi = second;
    let m = first;
    let wholeOldTree = true; // SUBPROOF's b: is D[lo:lo+m] the entire first tree?
    while (m !== hi - lo) {
      const k = splitPoint(hi - lo);
      if (m <= k) {
        topDown.push(this.hashRange(lo + k, hi));
        hi = lo + k;
      } else {
        topDown.push(this.hashRange(lo, lo + k));
        lo += k;
        m -= k;
        wholeOldTree = false;
      }
    }
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b = true the verifier already knows that hash.
    const deepest = wholeOldTree ? [] : [this.hashRange(lo, hi)];
    return [...deepest, ...topDown.reverse()];
  }
}
