import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, LeafHashTree, MerkleAccumulator, leafHash, nodeHash, rootOf, splitPoint } from './merkle.js';
import { verifyConsistency, verifyInclusion } from './merkle-proofs.js';

/*
 * Known-answer vectors, copied (data only) from transparency-dev/merkle:
 *   - testonly/constants.go @ 582a6ad1: LeafInputs, NodeHashes, RootHashes, CompactTrees
 *   - testonly/reference_test.go @ 141d627e: TestRefInclusionProof, TestRefConsistencyProof
 *   - proof/verify_test.go @ 02194e9a: inclusionProofs (1-based leaf numbers there), consistencyProofs
 *   - proof/proof_test.go @ 02a3e202: TestInclusion / TestConsistency node IDs (level, index), resolved through
 *     NodeHashes; the cases that need a rehash (a node outside NodeHashes) are left out
 *   - rfc6962/rfc6962_test.go @ 78493b07: TestRFC6962Hasher
 * The leaves, roots, paths and consistency proofs are the same as in google/certificate-transparency
 * cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs).
 */
const h = (hex: string): Uint8Array => hexToBytes(hex);
const hex = (bytes: Uint8Array): string => bytesToHex(bytes);
const hexAll = (list: readonly Uint8Array[]): string[] => list.map(hex);

const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];

const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** Indexed by tree size, 0..8. */
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** NodeHashes[level][index]. */
const N = (level: number, index: number): string => NODE_HASHES[level]![index]!;

/** CompactTrees: the frontier after each size, 0..8. */
const FRONTIERS = [[], [N(0, 0)], [N(1, 0)], [N(1, 0), N(0, 2)], [N(2, 0)], [N(2, 0), N(0, 4)], [N(2, 0), N(1, 2)], [N(2, 0), N(1, 2), N(0, 6)], [N(3, 0)]];

type InclusionVector = { index: number; size: number; proof: string[] };
type ConsistencyVector = { first: number; second: number; proof: string[] };

const INCLUSION_VECTORS: InclusionVector[] = [
  // reference_test.go (verify_test.go holds (0,8), (5,8), (2,3), (1,5) again, 1-based).
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 2, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  // proof_test.go TestInclusion, node IDs resolved through NodeHashes.
  { index: 1, size: 3, proof: [N(0, 0), N(0, 2)] },
  { index: 4, size: 7, proof: [N(0, 5), N(0, 6), N(2, 0)] },
  { index: 5, size: 7, proof: [N(0, 4), N(0, 6), N(2, 0)] },
  { index: 6, size: 7, proof: [N(1, 2), N(2, 0)] },
  { index: 2, size: 4, proof: [N(0, 3), N(1, 0)] },
  { index: 3, size: 5, proof: [N(0, 2), N(1, 0), N(0, 4)] },
  { index: 3, size: 6, proof: [N(0, 2), N(1, 0), N(1, 2)] },
  { index: 4, size: 6, proof: [N(0, 5), N(2, 0)] },
];

const CONSISTENCY_VECTORS: ConsistencyVector[] = [
  // verify_test.go consistencyProofs (a superset of reference_test.go's).
  { first: 1, second: 1, proof: [] },
  {
    first: 1,
    second: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 2,
    second: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 6,
    second: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  // proof_test.go TestConsistency, node IDs resolved through NodeHashes.
  { first: 1, second: 2, proof: [N(0, 1)] },
  { first: 1, second: 4, proof: [N(0, 1), N(1, 1)] },
  { first: 1, second: 6, proof: [N(0, 1), N(1, 1), N(1, 2)] },
  { first: 2, second: 3, proof: [N(0, 2)] },
  { first: 2, second: 8, proof: [N(1, 1), N(2, 1)] },
  { first: 5, second: 7, proof: [N(0, 4), N(0, 5), N(0, 6), N(2, 0)] },
  { first: 6, second: 7, proof: [N(1, 2), N(0, 6), N(2, 0)] },
  { first: 7, second: 8, proof: [N(0, 6), N(0, 7), N(1, 2), N(2, 0)] },
  { first: 2, second: 4, proof: [N(1, 1)] },
  { first: 3, second: 5, proof: [N(0, 2), N(0, 3), N(1, 0), N(0, 4)] },
  { first: 3, second: 6, proof: [N(0, 2), N(0, 3), N(1, 0), N(1, 2)] },
  { first: 4, second: 6, proof: [N(1, 2)] },
  ...[2, 3, 4, 5, 7, 8].map((size) => ({ first: size, second: size, proof: [] })),
];

const VECTOR_LEAF_HASHES = LEAF_INPUTS.map((input) => leafHash(h(input)));

function vectorTree(): LeafHashTree {
  const tree = new LeafHashTree();
  VECTOR_LEAF_HASHES.forEach((leaf) => tree.append(leaf));
  return tree;
}

/** Distinct, deterministic leaf hashes for the property tests. */
function leaves(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
}

/*
 * RFC 6962 §2.1 transcribed literally (recursive, slicing) as an independent oracle for sizes the vectors do
 * not reach. Too slow for real use, which is the point: it shares no code path with merkle.ts but the hashes.
 */
function refRoot(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return d[0]!;
  const k = splitPoint(d.length);
  return nodeHash(refRoot(d.slice(0, k)), refRoot(d.slice(k)));
}

function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const k = splitPoint(d.length);
  return m < k ? [...refPath(m, d.slice(0, k)), refRoot(d.slice(k))] : [...refPath(m - k, d.slice(k)), refRoot(d.slice(0, k))];
}

function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refRoot(d)];
  const k = splitPoint(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refRoot(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refRoot(d.slice(0, k))];
}

describe('hashing (rfc6962_test.go known answers)', () => {
  it('hashes the empty tree, leaves and nodes with the RFC 6962 prefixes', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(leafHash(new TextEncoder().encode('L123456')))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    const node = nodeHash(new TextEncoder().encode('N123'), new TextEncoder().encode('N456'));
    expect(hex(node)).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
  });

  it('hashes 32-byte children (the reused-buffer path) the same as any others', () => {
    expect(hex(nodeHash(h(N(0, 0)), h(N(0, 1))))).toBe(N(1, 0));
    expect(hex(nodeHash(h(N(2, 0)), h(N(2, 1))))).toBe(N(3, 0));
    expect(hex(nodeHash(h(N(0, 1)), h(N(0, 0))))).not.toBe(N(1, 0));
  });
});

describe('roots of the reference tree', () => {
  it('matches the leaf hashes of the inputs', () => {
    expect(hexAll(VECTOR_LEAF_HASHES)).toEqual(NODE_HASHES[0]);
  });

  it('rootOf, LeafHashTree and MerkleAccumulator give RootHashes for every size 0..8', () => {
    const accumulator = new MerkleAccumulator();
    const tree = new LeafHashTree();
    expect(hex(rootOf([]))).toBe(ROOTS[0]);
    expect(hex(accumulator.root())).toBe(ROOTS[0]);
    expect(hex(tree.root())).toBe(ROOTS[0]);
    for (let size = 1; size <= 8; size++) {
      accumulator.append(VECTOR_LEAF_HASHES[size - 1]!);
      tree.append(VECTOR_LEAF_HASHES[size - 1]!);
      expect(hex(rootOf(VECTOR_LEAF_HASHES.slice(0, size))), `rootOf ${size}`).toBe(ROOTS[size]);
      expect(hex(accumulator.root()), `accumulator ${size}`).toBe(ROOTS[size]);
      expect(hex(tree.root()), `tree ${size}`).toBe(ROOTS[size]);
      expect(accumulator.size).toBe(size);
      expect(tree.size).toBe(size);
    }
    for (let size = 0; size <= 8; size++) expect(hex(tree.root(size)), `tree.root(${size})`).toBe(ROOTS[size]);
  });

  it('keeps the NodeHashes of every perfect subtree per level', () => {
    const tree = vectorTree();
    expect(tree.height).toBe(4);
    NODE_HASHES.forEach((level, k) => expect(hexAll(tree.levelNodes(k))).toEqual(level));
    expect(tree.levelSize(4)).toBe(0);
    expect(hexAll(tree.levelNodes(1, 1, 3))).toEqual([N(1, 1), N(1, 2)]);
  });

  it('accumulator frontiers are the CompactTrees of every size 0..8', () => {
    const accumulator = new MerkleAccumulator();
    expect(hexAll(accumulator.frontier())).toEqual(FRONTIERS[0]);
    VECTOR_LEAF_HASHES.forEach((leaf, i) => {
      accumulator.append(leaf);
      expect(hexAll(accumulator.frontier()), `size ${i + 1}`).toEqual(FRONTIERS[i + 1]);
    });
  });
});

describe('proofs of the reference tree', () => {
  it.each(INCLUSION_VECTORS)('inclusion of leaf $index in size $size: generated and verified', ({ index, size, proof }) => {
    const tree = vectorTree();
    expect(hexAll(tree.inclusionProof(index, size))).toEqual(proof);
    expect(() => verifyInclusion(VECTOR_LEAF_HASHES[index]!, index, size, proof.map(h), h(ROOTS[size]!))).not.toThrow();
  });

  it.each(CONSISTENCY_VECTORS)('consistency $first → $second: generated and verified', ({ first, second, proof }) => {
    const tree = vectorTree();
    expect(hexAll(tree.consistencyProof(first, second))).toEqual(proof);
    expect(() => verifyConsistency(first, second, h(ROOTS[first]!), h(ROOTS[second]!), proof.map(h))).not.toThrow();
  });

  it('verify_test.go probes: wrong index, size, leaf or root and padded or cut proofs are rejected', () => {
    const someHash = h('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const { index, size, proof: hexProof } of INCLUSION_VECTORS) {
      const proof = hexProof.map(h);
      const root = h(ROOTS[size]!);
      const leaf = VECTOR_LEAF_HASHES[index]!;
      const probes: [Uint8Array, number, number, Uint8Array[], Uint8Array][] = [
        [leaf, index - 1, size, proof, root],
        [leaf, index + 1, size, proof, root],
        [leaf, index ^ 2, size, proof, root],
        [leaf, index, size * 2, proof, root],
        [leaf, index, Math.floor(size / 2), proof, root],
        [leafHash(new TextEncoder().encode('WrongLeaf')), index, size, proof, root],
        [leaf, index, size, proof, EMPTY_ROOT],
        [leaf, index, size, proof, someHash],
        [leaf, index, size, [...proof, new Uint8Array(0)], root],
        [leaf, index, size, [...proof, root], root],
        [leaf, index, size, [new Uint8Array(0), ...proof], root],
        [leaf, index, size, [root, ...proof], root],
        ...proof.map((_, i): [Uint8Array, number, number, Uint8Array[], Uint8Array] => [leaf, index, size, proof.with(i, EMPTY_ROOT), root]),
      ];
      if (proof.length > 0) probes.push([leaf, index, size, proof.slice(0, -1), root]);
      if (proof.length > 1) probes.push([leaf, index, size, [proof[0]!, someHash, ...proof.slice(1)], root]);
      for (const [l, i, s, p, r] of probes) {
        expect(() => verifyInclusion(l, i, s, p, r), `${index}/${size} probed as ${i}/${s}, ${p.length} hashes`).toThrow();
      }
    }
  });

  it('verify_test.go probes: wrong sizes or roots and padded, cut or altered proofs are rejected', () => {
    for (const { first, second, proof: hexProof } of CONSISTENCY_VECTORS) {
      if (hexProof.length === 0) continue; // trivial proofs have nothing to corrupt
      const proof = hexProof.map(h);
      const [root1, root2] = [h(ROOTS[first]!), h(ROOTS[second]!)];
      const wrongRoot = leafHash(new TextEncoder().encode('WrongRoot'));
      const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [first - 1, second, root1, root2, proof],
        [first + 1, second, root1, root2, proof],
        [first ^ 2, second, root1, root2, proof],
        [first, second * 2, root1, root2, proof],
        [first, Math.floor(second / 2), root1, root2, proof],
        [first, second, wrongRoot, root2, proof],
        [first, second, root1, wrongRoot, proof],
        [first, second, root2, root1, proof],
        [first, second, root1, root2, []],
        [first, second, root1, root2, [...proof, new Uint8Array(0)]],
        [first, second, root1, root2, [...proof, root1]],
        [first, second, root1, root2, [...proof, root2]],
        [first, second, root1, root2, [new Uint8Array(0), ...proof]],
        [first, second, root1, root2, [root1, ...proof]],
        [first, second, root1, root2, [root2, ...proof]],
        [first, second, root1, root2, [proof[0]!, ...proof]],
        [first, second, root1, root2, proof.slice(0, -1)],
        ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [first, second, root1, root2, proof.with(i, EMPTY_ROOT)]),
      ];
      for (const [f, s, r1, r2, p] of probes) {
        expect(() => verifyConsistency(f, s, r1, r2, p), `${first}→${second} probed as ${f}→${s}, ${p.length} hashes`).toThrow();
      }
    }
  });
});

describe('properties for sizes 1..64', () => {
  const all = leaves(64);
  const tree = new LeafHashTree();
  all.forEach((leaf) => tree.append(leaf));

  it('every implementation agrees with the literal RFC recursion at every size', () => {
    const accumulator = new MerkleAccumulator();
    for (let size = 1; size <= 64; size++) {
      accumulator.append(all[size - 1]!);
      const expected = hex(refRoot(all.slice(0, size)));
      expect(hex(rootOf(all.slice(0, size))), `rootOf ${size}`).toBe(expected);
      expect(hex(tree.root(size)), `tree ${size}`).toBe(expected);
      expect(hex(accumulator.root()), `accumulator ${size}`).toBe(expected);
    }
  });

  it('the accumulator survives a round trip through its frontier at every size', () => {
    for (let size = 0; size <= 64; size++) {
      const original = new MerkleAccumulator();
      all.slice(0, size).forEach((leaf) => original.append(leaf));
      const restored = MerkleAccumulator.fromFrontier(original.size, original.frontier());
      expect(restored.size).toBe(size);
      expect(hex(restored.root())).toBe(hex(original.root()));
      all.slice(size).forEach((leaf) => restored.append(leaf));
      expect(hex(restored.root()), `restored at ${size}`).toBe(hex(tree.root()));
    }
  });

  it('every inclusion proof is PATH and verifies against rootOf', () => {
    for (let size = 1; size <= 64; size++) {
      const prefix = all.slice(0, size);
      const root = rootOf(prefix);
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size);
        expect(hexAll(proof), `${index}/${size}`).toEqual(hexAll(refPath(index, prefix)));
        verifyInclusion(all[index]!, index, size, proof, root);
      }
    }
  });

  it('every consistency proof is PROOF and verifies between rootOf roots', () => {
    for (let second = 1; second <= 64; second++) {
      const prefix = all.slice(0, second);
      for (let first = 1; first <= second; first++) {
        const proof = tree.consistencyProof(first, second);
        expect(hexAll(proof), `${first}→${second}`).toEqual(hexAll(refSubproof(first, prefix, true)));
        verifyConsistency(first, second, rootOf(all.slice(0, first)), rootOf(prefix), proof);
      }
      verifyConsistency(0, second, EMPTY_ROOT, rootOf(prefix), tree.consistencyProof(0, second));
    }
  });
});

describe('a 100,000-leaf tree', () => {
  it('rootOf, the accumulator and LeafHashTree agree', () => {
    const all = leaves(100_000);
    const accumulator = new MerkleAccumulator();
    const tree = new LeafHashTree();
    for (const leaf of all) {
      accumulator.append(leaf);
      tree.append(leaf);
    }
    const root = hex(rootOf(all));
    expect(hex(accumulator.root())).toBe(root);
    expect(hex(tree.root())).toBe(root);
    expect(accumulator.frontier()).toHaveLength(6); // 100000 = 0b11000011010100000
    verifyInclusion(all[77_777]!, 77_777, 100_000, tree.inclusionProof(77_777, 100_000), h(root));
    verifyConsistency(65_537, 100_000, tree.root(65_537), h(root), tree.consistencyProof(65_537, 100_000));
  });
});

describe('misuse is refused', () => {
  const tree = vectorTree();

  it('rootOf and append reject leaf hashes that are not 32 bytes', () => {
    expect(() => rootOf([...VECTOR_LEAF_HASHES, new Uint8Array(31)])).toThrow(RangeError);
    expect(() => new MerkleAccumulator().append(new Uint8Array(33))).toThrow(RangeError);
    expect(() => new LeafHashTree().append(new Uint8Array(0))).toThrow(RangeError);
  });

  it('fromFrontier rejects a frontier that cannot belong to the size', () => {
    const frontier = FRONTIERS[7]!.map(h);
    expect(() => MerkleAccumulator.fromFrontier(6, frontier)).toThrow(RangeError);
    expect(() => MerkleAccumulator.fromFrontier(7, frontier.slice(1))).toThrow(RangeError);
    expect(() => MerkleAccumulator.fromFrontier(7, [...frontier.slice(1), new Uint8Array(32).subarray(1)])).toThrow(RangeError);
    expect(() => MerkleAccumulator.fromFrontier(-1, [])).toThrow(RangeError);
    expect(() => MerkleAccumulator.fromFrontier(1.5, [])).toThrow(RangeError);
    expect(hex(MerkleAccumulator.fromFrontier(7, frontier).root())).toBe(ROOTS[7]);
  });

  it('fromFrontier and frontier() copy, so callers cannot corrupt the state', () => {
    const persisted = [h(N(0, 0))];
    const accumulator = MerkleAccumulator.fromFrontier(1, persisted);
    persisted[0]!.fill(0);
    accumulator.frontier()[0]!.fill(0);
    expect(hex(accumulator.root())).toBe(ROOTS[1]);

    accumulator.append(h(N(0, 1)));
    const leaf = h(N(0, 2)); // at an even size the appended hash itself becomes part of the frontier
    accumulator.append(leaf);
    leaf.fill(0);
    expect(hex(accumulator.root())).toBe(ROOTS[3]);

    const tree = vectorTree();
    tree.levelNodes(0)[0]!.fill(0);
    tree.levelNodes(3)[0]!.fill(0);
    expect(hex(tree.root())).toBe(ROOTS[8]);
    expect(hex(tree.root(1))).toBe(ROOTS[1]);
  });

  it('hashRange serves only subtree ranges inside the tree', () => {
    expect(hex(tree.hashRange(4, 7))).toBe(hex(nodeHash(h(N(1, 2)), h(N(0, 6)))));
    expect(hex(tree.hashRange(6, 8))).toBe(N(1, 3));
    expect(() => tree.hashRange(1, 3)).toThrow(RangeError); // straddles two subtrees
    expect(() => tree.hashRange(2, 5)).toThrow(RangeError);
    expect(() => tree.hashRange(0, 9)).toThrow(RangeError);
    expect(() => tree.hashRange(3, 2)).toThrow(RangeError);
    expect(() => tree.hashRange(3, 3)).toThrow(RangeError);
    tree.hashRange(4, 5).fill(0);
    expect(tree.levelNodes(0, 4, 5).map(hex)).toEqual([N(0, 4)]);
  });

  it('proofs are refused for leaves or sizes the tree does not have', () => {
    expect(() => tree.inclusionProof(8, 8)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 9)).toThrow(RangeError);
    expect(() => tree.inclusionProof(8, 9)).toThrow(RangeError); // would otherwise "prove" a ninth leaf with root8
    expect(() => tree.inclusionProof(0, 0)).toThrow(RangeError);
    expect(() => tree.inclusionProof(-1, 4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(1, 9)).toThrow(RangeError);
    expect(() => tree.consistencyProof(9, 9)).toThrow(RangeError);
    expect(() => tree.consistencyProof(0, 9)).toThrow(RangeError);
    expect(() => tree.root(9)).toThrow(RangeError);
    expect(() => tree.levelNodes(0, 3, 9)).toThrow(RangeError);
  });
});
