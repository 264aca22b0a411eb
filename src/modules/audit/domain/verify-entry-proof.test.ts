import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './base64.js';
import { LeafHashTree, leafHash } from './merkle.js';
import { verifyEntryProof } from './verify-entry-proof.js';

describe('verifyEntryProof (the consumer app\'s "was I in it?")', () => {
  const entries = Array.from({ length: 13 }, (_, i) => `${(i + 1).toString(16).padStart(64, '0')}:${(i % 3) + 1}`);
  const tree = new LeafHashTree();
  for (const e of entries) tree.append(leafHash(new TextEncoder().encode(e)));
  const root = bytesToHex(tree.root());
  const proof = (index: number) => tree.inclusionProof(index).map(encodeBase64);

  it('accepts every entry at its index, with the root in either case', () => {
    for (const [index, entry] of entries.entries()) expect(verifyEntryProof(entry, index, entries.length, proof(index), index % 2 ? root : root.toUpperCase())).toBe(true);
  });

  it('refuses another entry, index, root or proof, a size the proof does not fit, and malformed input, without throwing', () => {
    expect(verifyEntryProof(entries[1]!, 0, entries.length, proof(0), root)).toBe(false);
    expect(verifyEntryProof(entries[0]!, 1, entries.length, proof(0), root)).toBe(false);
    expect(verifyEntryProof(entries[0]!, 0, 8, proof(0), root)).toBe(false); // a proof of another shape
    expect(verifyEntryProof(entries[12]!, 12, 12, proof(12), root)).toBe(false); // index out of range
    expect(verifyEntryProof(entries[0]!, 0, entries.length, proof(0), '0'.repeat(64))).toBe(false);
    expect(verifyEntryProof(entries[0]!, 0, entries.length, proof(0).slice(1), root)).toBe(false);
    expect(verifyEntryProof(entries[0]!, 0, entries.length, [...proof(0), proof(0)[0]!], root)).toBe(false);
    expect(verifyEntryProof(entries[0]!, 0, entries.length, ['not base64!', ...proof(0).slice(1)], root)).toBe(false);
    expect(verifyEntryProof(entries[0]!, 0, entries.length, proof(0), 'zz')).toBe(false);
    expect(verifyEntryProof(entries[0]!, -1, entries.length, proof(0), root)).toBe(false);
  });
});
