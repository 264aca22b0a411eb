import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Secrets } from '../config/secrets.js';
import { secretsFromFile } from '../config/secrets.js';
import { EnvKeyProvider, LocalFileKeyProvider } from './key-provider.js';
import { PiiVault } from './vault.js';

describe('LocalFileKeyProvider', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-key-provider-test-'));
    file = path.join(dir, 'secrets.json');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the keys of the secrets file, creating it on first use', async () => {
    const loaded = await new LocalFileKeyProvider(file).load();
    const secrets = secretsFromFile(file);
    expect(loaded.keys).toEqual(secrets.piiKeys);
    expect(loaded.blindIndexKey.equals(secrets.blindIndexKey)).toBe(true);
    expect(() => new PiiVault(loaded.keys, loaded.blindIndexKey)).not.toThrow();
  });

  it('adds a new active key, keeps the old ones and leaves the token signing keys untouched', async () => {
    const provider = new LocalFileKeyProvider(file);
    const before = await provider.load();
    const signingBefore = secretsFromFile(file).tokenSigningKeys;
    const oldVault = new PiiVault(before.keys, before.blindIndexKey);
    const oldCiphertext = oldVault.encrypt('11010519491231002X', 'id_number');

    const added = await provider.addKey();
    expect(added.key).toHaveLength(32);
    expect(added.id).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(before.keys.map((k) => k.id)).not.toContain(added.id);

    const after = await provider.load();
    expect(after.keys.map((k) => k.id)).toEqual([added.id, ...before.keys.map((k) => k.id)]);
    expect(after.keys[0]!.key.equals(added.key)).toBe(true);
    expect(after.keys[1]!.key.equals(before.keys[0]!.key)).toBe(true);
    expect(after.blindIndexKey.equals(before.blindIndexKey)).toBe(true);
    expect(secretsFromFile(file).tokenSigningKeys).toEqual(signingBefore);

    const newVault = new PiiVault(after.keys, after.blindIndexKey);
    expect(newVault.activeKeyId).toBe(added.id);
    expect(newVault.needsReencryption(oldCiphertext)).toBe(true);
    expect(newVault.decrypt(newVault.reencrypt(oldCiphertext, 'id_number'), 'id_number')).toBe('11010519491231002X');
    expect(newVault.blindIndex('phone', '13800138000')).toBe(oldVault.blindIndex('phone', '13800138000'));
  });

  it('persists: a new provider on the same file loads the same keys', async () => {
    await new LocalFileKeyProvider(file).load();
    const first = await new LocalFileKeyProvider(file).addKey();
    const second = await new LocalFileKeyProvider(file).addKey();
    expect(second.id).not.toBe(first.id);

    const a = await new LocalFileKeyProvider(file).load();
    const b = await new LocalFileKeyProvider(file).load();
    expect(a.keys).toHaveLength(3);
    expect(a.keys.map((k) => k.id).slice(0, 2)).toEqual([second.id, first.id]);
    expect(b.keys).toEqual(a.keys);
    expect(b.blindIndexKey.equals(a.blindIndexKey)).toBe(true);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['secrets.json']);
  });
});

describe('EnvKeyProvider', () => {
  const secrets: Secrets = {
    tokenSigningKeys: [],
    piiKeys: [
      { id: 'k2', key: randomBytes(32) },
      { id: 'k1', key: randomBytes(32) },
    ],
    blindIndexKey: randomBytes(32),
  };

  it('loads the keys from the parsed environment, active first', async () => {
    const loaded = await new EnvKeyProvider(secrets).load();
    expect(loaded.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(loaded.blindIndexKey.equals(secrets.blindIndexKey)).toBe(true);
  });

  it('refuses to add a key and points at the secret manager', async () => {
    await expect(new EnvKeyProvider(secrets).addKey()).rejects.toThrow(/secret manager.*QUANYI_PII_KEYS/);
  });
});
