import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DataKey } from '../config/secrets.js';
import { PiiVault, VaultError } from './vault.js';

const OLD: DataKey = { id: 'k-old', key: Buffer.alloc(32, 1) };
const NEW: DataKey = { id: 'k_new', key: Buffer.alloc(32, 2) };
const INDEX_KEY = Buffer.alloc(32, 7);

function vaultError(fn: () => unknown): VaultError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultError);
    return error as VaultError;
  }
  return expect.fail('expected a VaultError');
}

function payloadOf(ciphertext: string): Buffer {
  return Buffer.from(ciphertext.split(':')[2]!, 'base64url');
}

describe('PiiVault encryption', () => {
  const vault = new PiiVault([OLD], INDEX_KEY);

  it.each([
    ['phone', '13800138000'],
    ['name', '张三'],
    ['id_number', '11010519491231002X'],
    ['bank_card', '6228480402564890018'],
    ['note', ''],
  ])('round-trips a %s', (field, value) => {
    const ciphertext = vault.encrypt(value, field);
    expect(ciphertext).toMatch(/^v1:k-old:[A-Za-z0-9_-]+$/);
    expect(vault.decrypt(ciphertext, field)).toBe(value);
  });

  it('lays out iv ‖ ciphertext ‖ 16-byte tag (UTF-8 plaintext length)', () => {
    expect(payloadOf(vault.encrypt('张三', 'name'))).toHaveLength(12 + Buffer.byteLength('张三') + 16);
  });

  it('uses a fresh IV: the same value encrypts differently, yet its blind index is stable', () => {
    const a = vault.encrypt('13800138000', 'phone');
    const b = vault.encrypt('13800138000', 'phone');
    expect(a).not.toBe(b);
    expect(payloadOf(a).subarray(0, 12).equals(payloadOf(b).subarray(0, 12))).toBe(false);
    expect(vault.blindIndex('phone', '13800138000')).toBe(vault.blindIndex('phone', '13800138000'));
  });

  it('never shows the plaintext in the output, in any common encoding', () => {
    for (const value of ['13800138000', '张三', '11010519491231002X']) {
      const ciphertext = vault.encrypt(value, 'phone');
      expect(ciphertext).not.toContain(value);
      expect(ciphertext).not.toContain(Buffer.from(value).toString('base64url'));
      expect(payloadOf(ciphertext).includes(Buffer.from(value))).toBe(false);
    }
  });

  it('refuses a value copied into another column (the field is bound as AAD)', () => {
    const ciphertext = vault.encrypt('13800138000', 'phone');
    expect(vaultError(() => vault.decrypt(ciphertext, 'id_number')).reason).toBe('TAMPERED');
  });

  it('refuses any flipped byte: IV, ciphertext or tag', () => {
    const ciphertext = vault.encrypt('11010519491231002X', 'id_number');
    const packed = payloadOf(ciphertext);
    for (const index of [0, 11, 12, packed.length - 17, packed.length - 16, packed.length - 1]) {
      const flipped = Buffer.from(packed);
      flipped[index]! ^= 0x01;
      const forged = `v1:k-old:${flipped.toString('base64url')}`;
      expect(vaultError(() => vault.decrypt(forged, 'id_number')).reason).toBe('TAMPERED');
    }
  });

  it('refuses a value whose key id was swapped for another loaded key', () => {
    const both = new PiiVault([NEW, OLD], INDEX_KEY);
    const relabelled = both.encrypt('13800138000', 'phone').replace('v1:k_new:', 'v1:k-old:');
    expect(vaultError(() => both.decrypt(relabelled, 'phone')).reason).toBe('TAMPERED');
  });

  it('refuses a key id it does not hold with UNKNOWN_KEY', () => {
    const ciphertext = new PiiVault([NEW], INDEX_KEY).encrypt('13800138000', 'phone');
    const error = vaultError(() => vault.decrypt(ciphertext, 'phone'));
    expect(error.reason).toBe('UNKNOWN_KEY');
    expect(error.message).toContain('k_new');
  });

  it.each([
    ['an empty string', ''],
    ['a plain phone number', '13800138000'],
    ['no payload', 'v1:k-old:'],
    ['too many parts', 'v1:k-old:AAAA:AAAA'],
    ['an unknown version', `v2:k-old:${Buffer.alloc(40).toString('base64url')}`],
    ['an invalid key id', `v1:k old:${Buffer.alloc(40).toString('base64url')}`],
    ['a key id over 32 characters', `v1:${'k'.repeat(33)}:${Buffer.alloc(40).toString('base64url')}`],
    ['standard base64 characters', `v1:k-old:${'+/'.repeat(30)}`],
    ['padding', `v1:k-old:${Buffer.alloc(40).toString('base64')}`],
    ['non-canonical trailing bits', `v1:k-old:${Buffer.alloc(40).toString('base64url').slice(0, -1)}B`],
    ['a payload shorter than IV + tag', `v1:k-old:${Buffer.alloc(27).toString('base64url')}`],
  ])('refuses %s with MALFORMED', (_label, garbage) => {
    expect(vaultError(() => vault.decrypt(garbage, 'phone')).reason).toBe('MALFORMED');
    expect(vaultError(() => vault.keyIdOf(garbage)).reason).toBe('MALFORMED');
  });

  it('refuses an empty field name on both sides', () => {
    expect(() => vault.encrypt('13800138000', '')).toThrow(/field/);
    const ciphertext = vault.encrypt('13800138000', 'phone');
    expect(() => vault.decrypt(ciphertext, '')).toThrow(/field/);
  });
});

describe('PiiVault key rotation', () => {
  const before = new PiiVault([OLD], INDEX_KEY);
  const after = new PiiVault([NEW, OLD], INDEX_KEY);

  it('encrypts with the first key', () => {
    expect(before.activeKeyId).toBe('k-old');
    expect(after.activeKeyId).toBe('k_new');
    expect(after.keyIdOf(after.encrypt('张三', 'name'))).toBe('k_new');
  });

  it('still decrypts old values, flags them, and rewrites them under the active key', () => {
    const old = before.encrypt('11010519491231002X', 'id_number');
    expect(after.keyIdOf(old)).toBe('k-old');
    expect(after.decrypt(old, 'id_number')).toBe('11010519491231002X');
    expect(after.needsReencryption(old)).toBe(true);

    const rewritten = after.reencrypt(old, 'id_number');
    expect(after.keyIdOf(rewritten)).toBe('k_new');
    expect(after.needsReencryption(rewritten)).toBe(false);
    expect(after.decrypt(rewritten, 'id_number')).toBe('11010519491231002X');
    expect(after.reencrypt(rewritten, 'id_number')).toBe(rewritten);
  });

  it('keeps the field binding across re-encryption', () => {
    const old = before.encrypt('13800138000', 'phone');
    expect(vaultError(() => after.reencrypt(old, 'bank_phone')).reason).toBe('TAMPERED');
    expect(vaultError(() => after.decrypt(after.reencrypt(old, 'phone'), 'bank_phone')).reason).toBe('TAMPERED');
  });

  it('keeps blind indexes across a data-key rotation (they depend only on the blind index key)', () => {
    expect(after.blindIndex('phone', '13800138000')).toBe(before.blindIndex('phone', '13800138000'));
  });

  it('is not affected when the caller later overwrites its key buffers', () => {
    const key = Buffer.alloc(32, 9);
    const vault = new PiiVault([{ id: 'k1', key }], INDEX_KEY);
    const ciphertext = vault.encrypt('13800138000', 'phone');
    key.fill(0);
    expect(vault.decrypt(ciphertext, 'phone')).toBe('13800138000');
  });
});

describe('PiiVault blind index', () => {
  const vault = new PiiVault([OLD], INDEX_KEY);

  it('matches HMAC-SHA256(key, kind ‖ NUL ‖ value) in lowercase hex (known answer)', () => {
    const expected = createHmac('sha256', Buffer.alloc(32, 7)).update('phone\u000013800138000', 'utf8').digest('hex');
    expect(vault.blindIndex('phone', '13800138000')).toBe(expected);
    expect(vault.blindIndex('phone', '13800138000')).toMatch(/^[0-9a-f]{64}$/);
    const name = createHmac('sha256', Buffer.alloc(32, 7)).update(Buffer.from('name\u0000张三', 'utf8')).digest('hex');
    expect(vault.blindIndex('name', '张三')).toBe(name);
  });

  it('separates domains: the same digits as a phone and as an ID number index differently', () => {
    expect(vault.blindIndex('phone', '110105194912310')).not.toBe(vault.blindIndex('id_number', '110105194912310'));
  });

  it('differs under a different blind index key', () => {
    const other = new PiiVault([OLD], Buffer.alloc(32, 8));
    expect(other.blindIndex('phone', '13800138000')).not.toBe(vault.blindIndex('phone', '13800138000'));
  });

  it('refuses a kind that would make the encoding ambiguous', () => {
    expect(() => vault.blindIndex('', '1')).toThrow(/kind/);
    expect(() => vault.blindIndex('a\u0000b', 'c')).toThrow(/kind/);
  });
});

describe('PiiVault wire format (known answer)', () => {
  it('decrypts a v1 value built by hand with node:crypto', () => {
    const key = Buffer.alloc(32, 0x11);
    const iv = Buffer.from('000102030405060708090a0b', 'hex');
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('id_number', 'utf8'));
    const body = Buffer.concat([cipher.update('11010519491231002X', 'utf8'), cipher.final()]);
    const handmade = `v1:kat1:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;

    const vault = new PiiVault([{ id: 'kat1', key }], INDEX_KEY);
    expect(vault.decrypt(handmade, 'id_number')).toBe('11010519491231002X');
    expect(vaultError(() => vault.decrypt(handmade, 'phone')).reason).toBe('TAMPERED');
  });
});

describe('PiiVault constructor', () => {
  it.each([
    ['no keys', [], INDEX_KEY, /at least one/],
    ['a 16-byte key', [{ id: 'k1', key: Buffer.alloc(16) }], INDEX_KEY, /32 bytes/],
    ['a 33-byte key', [{ id: 'k1', key: Buffer.alloc(33) }], INDEX_KEY, /32 bytes/],
    ['a duplicate id', [OLD, { id: 'k-old', key: Buffer.alloc(32, 3) }], INDEX_KEY, /twice/],
    ['an empty id', [{ id: '', key: Buffer.alloc(32) }], INDEX_KEY, /must match/],
    ['an id with a colon', [{ id: 'k:1', key: Buffer.alloc(32) }], INDEX_KEY, /must match/],
    ['an id over 32 characters', [{ id: 'k'.repeat(33), key: Buffer.alloc(32) }], INDEX_KEY, /must match/],
    ['a short blind index key', [OLD], Buffer.alloc(31), /blind index key/],
  ] as const)('refuses %s', (_label, keys, blindIndexKey, message) => {
    expect(() => new PiiVault(keys, blindIndexKey)).toThrow(message);
  });

  it('accepts a 32-character id and a blind index key longer than 32 bytes', () => {
    const vault = new PiiVault([{ id: 'k'.repeat(32), key: randomBytes(32) }], randomBytes(64));
    expect(vault.decrypt(vault.encrypt('13800138000', 'phone'), 'phone')).toBe('13800138000');
  });
});
