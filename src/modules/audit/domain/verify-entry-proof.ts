import { hexToBytes } from '@noble/hashes/utils.js';
import { decodeCanonicalBase64 } from './base64.js';
import { leafHash } from './merkle.js';
import { MerkleProofError, verifyInclusion } from './merkle-proofs.js';

/**
 * "Was I in it?": whether `entryText` (`<invoice_commit>:<chance>`) is leaf `index` of the weekly draw's closed set
 * of `size` entries whose root is `rootHex`, by the RFC 6962 inclusion proof GET /lottery/draws/{id}/entry-proof
 * answers (`hashes`, base64). The log's own verifier (RFC 9162 §2.1.3.2) decides, here and in the consumer web app
 * (which bundles this file: node:crypto is replaced there by @noble/hashes, see web/src/shims/node-crypto.ts).
 * Anything malformed in the proof is a proof that does not verify.
 */
export function verifyEntryProof(entryText: string, index: number, size: number, hashesBase64: readonly string[], rootHex: string): boolean {
  const hashes = hashesBase64.map(decodeCanonicalBase64);
  if (hashes.some((h) => h === null) || !/^[0-9a-fA-F]{64}$/.test(rootHex)) return false;
  try {
    verifyInclusion(leafHash(new TextEncoder().encode(entryText)), index, size, hashes as Uint8Array[], hexToBytes(rootHex.toLowerCase()));
    return true;
  } catch (error) {
    if (error instanceof MerkleProofError) return false;
    throw error;
  }
}
