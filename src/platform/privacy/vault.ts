import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DataKey } from '../config/secrets.js';

export type VaultErrorReason = 'UNKNOWN_KEY' | 'MALFORMED' | 'TAMPERED';

/**
 * A stored value that cannot be opened. Always a fault (lost key, corrupt row, value copied between columns),
 * never a client mistake, so it is not an AppError. The message never contains the value itself.
 */
export class VaultError extends Error {
  constructor(
    readonly reason: VaultErrorReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
    this.name = 'VaultError';
  }
}

const VERSION = 'v1';
const KEY_BYTES = 32;
/** 96-bit IVs are GCM's native size; random ones are safe for well under 2^32 encryptions per key. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface Envelope {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly body: Buffer;
  readonly tag: Buffer;
}

/**
 * Encryption at rest for personal data (PIPL): AES-256-GCM, `v1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>`.
 *
 * - The column name is the AAD, so a ciphertext copied into another column (a phone into `id_number_enc`) fails
 *   authentication instead of decrypting to a value in the wrong place.
 * - The key id travels with the value: after a rotation old rows still decrypt, and a background job finds them
 *   with `needsReencryption` and rewrites them with `reencrypt`.
 * - Equality lookups use `blindIndex` (keyed HMAC), because a random IV makes equal values encrypt differently.
 */
export class PiiVault {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly active: string;
  private readonly blindIndexKey: Buffer;

  constructor(keys: readonly DataKey[], blindIndexKey: Buffer) {
    if (keys.length === 0) throw new Error('PiiVault needs at least one data key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`PiiVault key id ${JSON.stringify(id)} must match ${KEY_ID.source}`);
      if (key.length !== KEY_BYTES) throw new Error(`PiiVault key ${id} must be ${KEY_BYTES} bytes, got ${key.length}`);
      if (byId.has(id)) throw new Error(`PiiVault key id ${id} appears twice`);
      // Copies, so a caller that reuses or zeroes its buffers cannot change the vault's keys.
      byId.set(id, Buffer.from(key));
    }
    if (blindIndexKey.length < KEY_BYTES) {
      throw new Error(`PiiVault blind index key must be at least ${KEY_BYTES} bytes, got ${blindIndexKey.length}`);
    }
    this.keys = byId;
    this.active = keys[0]!.id;
    this.blindIndexKey = Buffer.from(blindIndexKey);
  }

  get activeKeyId(): string {
    return this.active;
  }

  encrypt(plaintext: string, field: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.active)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(field));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    return `${VERSION}:${this.active}:${packed}`;
  }

  decrypt(ciphertext: string, field: string): string {
    const { keyId, iv, body, tag } = parse(ciphertext);
    const key = this.keys.get(keyId);
    if (!key) throw new VaultError('UNKNOWN_KEY', `no data key ${keyId} is loaded`);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(field));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError('TAMPERED', `value under key ${keyId} failed authentication as field ${field}`);
    }
  }

  keyIdOf(ciphertext: string): string {
    return parse(ciphertext).keyId;
  }

  needsReencryption(ciphertext: string): boolean {
    return this.keyIdOf(ciphertext) !== this.active;
  }

  /** An already-active value comes back as is (not re-verified), so a rotation job can rerun without churn. */
  reencrypt(ciphertext: string, field: string): string {
    if (!this.needsReencryption(ciphertext)) return ciphertext;
    return this.encrypt(this.decrypt(ciphertext, field), field);
  }

  /**
   * Lowercase hex HMAC-SHA256 of `${kind}\0${normalizedValue}`. `kind` separates domains, so the same digits as a
   * phone and as an ID number index differently; it may not contain NUL, which keeps the encoding unambiguous.
   * Normalising (trimming, upper-casing a trailing X, stripping +86) is the caller's job: the index is exact.
   */
  blindIndex(kind: string, normalizedValue: string): string {
    if (kind.length === 0 || kind.includes('\u0000')) throw new Error('blindIndex kind must be non-empty and contain no NUL');
    return createHmac('sha256', this.blindIndexKey).update(`${kind}\u0000${normalizedValue}`, 'utf8').digest('hex');
  }
}

function aad(field: string): Buffer {
  // An empty field would bind the value to no column at all, which defeats the point of the AAD.
  if (field.length === 0) throw new Error('PiiVault field must be non-empty');
  return Buffer.from(field, 'utf8');
}

function parse(ciphertext: string): Envelope {
  const parts = ciphertext.split(':');
  if (parts.length !== 3) throw new VaultError('MALFORMED', 'expected v1:<keyId>:<payload>');
  const [version, keyId, payload] = parts as [string, string, string];
  if (version !== VERSION) throw new VaultError('MALFORMED', `unsupported version ${JSON.stringify(version.slice(0, 8))}`);
  if (!KEY_ID.test(keyId)) throw new VaultError('MALFORMED', 'invalid key id');
  // Buffer's base64url decoder skips characters it does not know; insist on the canonical form instead.
  const packed = BASE64URL.test(payload) ? Buffer.from(payload, 'base64url') : undefined;
  if (!packed || packed.toString('base64url') !== payload) throw new VaultError('MALFORMED', 'payload is not base64url');
  if (packed.length < IV_BYTES + TAG_BYTES) throw new VaultError('MALFORMED', 'payload is too short');
  return {
    keyId,
    iv: packed.subarray(0, IV_BYTES),
    body: packed.subarray(IV_BYTES, packed.length - TAG_BYTES),
    tag: packed.subarray(packed.length - TAG_BYTES),
  };
}
