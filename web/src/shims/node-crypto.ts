import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The slice of node:crypto that the shared verification code (src/modules/lottery/verify, src/modules/audit/domain)
 * uses, for the browser: SHA-256 from @noble/hashes, randomness from Web Crypto. Anything else throws, so a new use
 * of node:crypto in shared code shows up at once rather than computing something different.
 */
class Sha256Hash {
  private readonly hasher = sha256.create();

  update(data: Uint8Array | string): this {
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

export function hash(algorithm: string, data: Uint8Array | string, encoding: 'hex' | 'buffer' = 'hex'): string | Uint8Array {
  const h = createHash(algorithm).update(data);
  return encoding === 'hex' ? h.digest('hex') : h.digest();
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export default { createHash, hash, randomBytes };
