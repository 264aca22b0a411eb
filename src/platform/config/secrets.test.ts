import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { ConfigError } from './config-error.js';
import { secretsFromEnv, secretsFromFile, writeSecretsFile } from './secrets.js';

type Env = Record<string, string | undefined>;

function ed25519Pem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function validEnv(): Env {
  return {
    QUANYI_TOKEN_SIGNING_KEY: ed25519Pem(),
    QUANYI_PII_KEYS: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
    QUANYI_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  };
}

function configError(env: Env): ConfigError {
  try {
    secretsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  return expect.fail('secretsFromEnv did not throw');
}

describe('secretsFromFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-secrets-test-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates secrets.json with mode 0600 on first use, creating the directory', () => {
    const file = path.join(dir, 'nested', 'data', 'secrets.json');
    const secrets = secretsFromFile(file);

    expect(fs.existsSync(file)).toBe(true);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    expect(secrets.piiKeys).toHaveLength(1);
    expect(secrets.piiKeys[0]!.key).toHaveLength(32);
    expect(secrets.piiKeys[0]!.id).toMatch(/^k[0-9a-z]+$/);
    expect(secrets.blindIndexKey).toHaveLength(32);
    expect(secrets.blindIndexKey.equals(secrets.piiKeys[0]!.key)).toBe(false);

    expect(secrets.tokenSigningKeys).toHaveLength(1);
    const { kid, privateKeyPem } = secrets.tokenSigningKeys[0]!;
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/);
    const key = createPrivateKey(privateKeyPem);
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(kid).toMatch(/^[A-Za-z0-9_-]{16}$/);

    // The key actually signs and verifies.
    const message = Buffer.from('quanyi');
    expect(verify(null, message, createPublicKey(key), sign(null, message, key))).toBe(true);

    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number };
    expect(onDisk.version).toBe(1);
  });

  it('returns the same keys on a second call', () => {
    const file = path.join(dir, 'secrets.json');
    const first = secretsFromFile(file);
    const before = fs.readFileSync(file, 'utf8');
    const second = secretsFromFile(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(second.tokenSigningKeys).toEqual(first.tokenSigningKeys);
    expect(second.piiKeys[0]!.id).toBe(first.piiKeys[0]!.id);
    expect(second.piiKeys[0]!.key.equals(first.piiKeys[0]!.key)).toBe(true);
    expect(second.blindIndexKey.equals(first.blindIndexKey)).toBe(true);
  });

  it('generates different secrets for different installs', () => {
    const a = secretsFromFile(path.join(dir, 'a', 'secrets.json'));
    const b = secretsFromFile(path.join(dir, 'b', 'secrets.json'));
    expect(a.piiKeys[0]!.key.equals(b.piiKeys[0]!.key)).toBe(false);
    expect(a.blindIndexKey.equals(b.blindIndexKey)).toBe(false);
    expect(a.tokenSigningKeys[0]!.kid).not.toBe(b.tokenSigningKeys[0]!.kid);
  });

  it('derives the key id from the key the same way secretsFromEnv does', () => {
    const fromFile = secretsFromFile(path.join(dir, 'secrets.json'));
    const signing = fromFile.tokenSigningKeys[0]!;
    const fromEnv = secretsFromEnv({ ...validEnv(), QUANYI_TOKEN_SIGNING_KEY: signing.privateKeyPem });
    expect(fromEnv.tokenSigningKeys[0]!.kid).toBe(signing.kid);
  });

  it('reads back what writeSecretsFile wrote, including rotated keys', () => {
    const file = path.join(dir, 'secrets.json');
    const original = secretsFromFile(file);
    const rotated = {
      ...original,
      piiKeys: [{ id: 'knew', key: randomBytes(32) }, ...original.piiKeys],
    };
    writeSecretsFile(file, rotated);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const reread = secretsFromFile(file);
    expect(reread.piiKeys.map((k) => k.id)).toEqual(['knew', original.piiKeys[0]!.id]);
    expect(reread.piiKeys[0]!.key.equals(rotated.piiKeys[0]!.key)).toBe(true);
    expect(reread.tokenSigningKeys).toEqual(original.tokenSigningKeys);
    expect(fs.readdirSync(dir)).toEqual(['secrets.json']); // no temp file left behind
  });

  it('refuses a corrupt secrets file instead of replacing it', () => {
    const file = path.join(dir, 'secrets.json');
    fs.writeFileSync(file, '{ not json');
    let caught: unknown;
    try {
      secretsFromFile(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe('DATA_DIR');
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
  });
});

describe('secretsFromEnv', () => {
  it('refuses a signing key that is not Ed25519 (an RSA key loads fine but would sign the wrong tokens)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const env = {
      QUANYI_TOKEN_SIGNING_KEY: rsa,
      QUANYI_PII_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      QUANYI_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    };
    expect(() => secretsFromEnv(env)).toThrow(ConfigError);
    expect(() => secretsFromEnv(env)).toThrow(/^QUANYI_TOKEN_SIGNING_KEY /);
  });

  it('parses a valid environment', () => {
    const env = validEnv();
    const secrets = secretsFromEnv(env);
    expect(secrets.tokenSigningKeys).toHaveLength(1);
    expect(secrets.tokenSigningKeys[0]!.privateKeyPem).toBe(env.QUANYI_TOKEN_SIGNING_KEY!.trim());
    expect(secrets.tokenSigningKeys[0]!.kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(secrets.piiKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
    const [k2, k1] = env.QUANYI_PII_KEYS!.split(',').map((part) => Buffer.from(part.split(':')[1]!, 'base64'));
    expect(secrets.piiKeys[0]!.key.equals(k2!)).toBe(true);
    expect(secrets.piiKeys[1]!.key.equals(k1!)).toBe(true);
    expect(secrets.blindIndexKey.equals(Buffer.from(env.QUANYI_BLIND_INDEX_KEY!, 'base64'))).toBe(true);
  });

  it('gives the same key the same id and different keys different ids', () => {
    const pem = ed25519Pem();
    const a = secretsFromEnv({ ...validEnv(), QUANYI_TOKEN_SIGNING_KEY: pem });
    const b = secretsFromEnv({ ...validEnv(), QUANYI_TOKEN_SIGNING_KEY: pem });
    const c = secretsFromEnv(validEnv());
    expect(a.tokenSigningKeys[0]!.kid).toBe(b.tokenSigningKeys[0]!.kid);
    expect(c.tokenSigningKeys[0]!.kid).not.toBe(a.tokenSigningKeys[0]!.kid);
  });

  it('accepts a PEM whose newlines are escaped as \\n (single-line env files)', () => {
    const pem = ed25519Pem();
    const secrets = secretsFromEnv({ ...validEnv(), QUANYI_TOKEN_SIGNING_KEY: pem.trim().replaceAll('\n', '\\n') });
    expect(secrets.tokenSigningKeys[0]!.privateKeyPem).toBe(pem.trim());
    expect(createPrivateKey(secrets.tokenSigningKeys[0]!.privateKeyPem).asymmetricKeyType).toBe('ed25519');
  });

  it.each([undefined, '', '   '])('requires QUANYI_TOKEN_SIGNING_KEY (value %j)', (value) => {
    const error = configError({ ...validEnv(), QUANYI_TOKEN_SIGNING_KEY: value });
    expect(error.variable).toBe('QUANYI_TOKEN_SIGNING_KEY');
    expect(error.message.startsWith('QUANYI_TOKEN_SIGNING_KEY ')).toBe(true);
  });

  it('rejects a signing key that is not an Ed25519 PKCS#8 PEM', () => {
    expect(configError({ ...validEnv(), QUANYI_TOKEN_SIGNING_KEY: 'not a key' }).variable).toBe('QUANYI_TOKEN_SIGNING_KEY');
  });

  it('requires QUANYI_PII_KEYS', () => {
    expect(configError({ ...validEnv(), QUANYI_PII_KEYS: undefined }).variable).toBe('QUANYI_PII_KEYS');
  });

  it.each([
    ['a 16-byte key', () => `k1:${randomBytes(16).toString('base64')}`],
    ['a 33-byte key', () => `k1:${randomBytes(33).toString('base64')}`],
    ['a short second key', () => `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(31).toString('base64')}`],
    ['a missing id', () => `:${randomBytes(32).toString('base64')}`],
    ['a missing key', () => 'k1'],
  ])('rejects QUANYI_PII_KEYS with %s', (_label, value) => {
    expect(configError({ ...validEnv(), QUANYI_PII_KEYS: value() }).variable).toBe('QUANYI_PII_KEYS');
  });

  it('requires a blind index key of at least 32 bytes', () => {
    expect(configError({ ...validEnv(), QUANYI_BLIND_INDEX_KEY: undefined }).variable).toBe('QUANYI_BLIND_INDEX_KEY');
    expect(configError({ ...validEnv(), QUANYI_BLIND_INDEX_KEY: randomBytes(31).toString('base64') }).variable).toBe(
      'QUANYI_BLIND_INDEX_KEY',
    );
    expect(secretsFromEnv({ ...validEnv(), QUANYI_BLIND_INDEX_KEY: randomBytes(64).toString('base64') }).blindIndexKey).toHaveLength(64);
  });
});
