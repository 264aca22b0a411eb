import { sha256 } from '@noble/hashes/sha2.js';

/**
 * "Was I in it?": checks a weekly draw's inclusion proof in the browser, with RFC 6962 hashing (leaf = SHA-256 of
 * 0x00 ‖ entry, node = SHA-256 of 0x01 ‖ left ‖ right) and the RFC 9162 §2.1.3.2 verification algorithm, so the
 * answer does not depend on trusting the server's "yes".
 */

export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), entry));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The root the proof leads to, or null if the proof is malformed for this index and size. */
export function rootFromInclusionProof(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array | null {
  if (index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** Whether `entryText` (`<invoice_commit>:<chance>`) is at `index` of the set whose root is `rootHex`. */
export function verifyEntryProof(entryText: string, index: number, size: number, hashesBase64: readonly string[], rootHex: string): boolean {
  const proof = hashesBase64.map(fromBase64);
  const root = rootFromInclusionProof(leafHash(new TextEncoder().encode(entryText)), index, size, proof);
  return root !== null && toHex(root) === rootHex.toLowerCase();
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
