import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The slice of node:crypto that the shared verification code (src/modules/lottery/verify, src/modules/audit/domain)
 * uses, for the browser: SHA-256 from @noble/hashes, randomness from Web Crypto. Anything else throws, so a new use
 * of node:crypto in shared code shows up at once rather than computing something different.
 */
class Sha256Hash {
  private readonly hasher = sha256.create();

  /** Strings are UTF-8, the only encoding the shared code passes. */
  update(data: Uint8Array | string, _encoding?: 'utf8'): this {
    this.hasher.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }

  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
  digest(encoding?: 'hex'): Uint8Array | string {
    const bytes = this.hasher.digest();
    return encoding === 'hex' ? Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') : bytes;
  }
}

export function createHash(algorithm: string): Sha256Hash {
  if (algorithm.toLowerCase() !== 'sha256') throw new Error(`createHash(${algorithm}) is not available in the browser`);
  return new Sha256Hash();
}

/**
 * node:crypto's one-shot hash. 'binary' (latin1, one char per byte) is what the Merkle tree asks for on the server,
 * where it is the fastest way out of node:crypto; here it is just another spelling of the bytes.
 */
export function hash(algorithm: string, data: Uint8Array | string, encoding?: 'hex' | 'binary'): string;
export function hash(algorithm: string, data: Uint8Array | string, encoding: 'buffer'): Uint8Array;
export function hash(algorithm: string, data: Uint8Array | string, encoding: 'hex' | 'binary' | 'buffer' = 'hex'): string | Uint8Array {
  const h = createHash(algorithm).update(data);
  if (encoding === 'hex') return h.digest('hex');
  const bytes = h.digest();
  return encoding === 'binary' ? String.fromCharCode(...bytes) : bytes;
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export default { createHash, hash, randomBytes };
