import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error.js';
import type { HsmSigners } from '../hsm/hsm-keys.js';
import type { Config } from './config.js';

export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface Secrets {
  /** Ed25519 private keys in PKCS#8 PEM; the first signs, the rest still verify (rotation). */
  readonly tokenSigningKeys: readonly { readonly kid: string; readonly privateKeyPem: string }[];
  /** AES-256-GCM data keys for personal data; the first encrypts, all decrypt. */
  readonly piiKeys: readonly DataKey[];
  /** HMAC-SHA256 key for blind indexes (lookup of encrypted values) and one-time-code hashes. */
  readonly blindIndexKey: Buffer;
  /**
   * KEY_PROVIDER=pkcs11: the signing keys live in the HSM and sign there (`tokenSigningKeys` is then empty, and the
   * transparency log signs with these rather than QUANYI_TLOG_SIGNING_KEY). Closed with the platform.
   */
  readonly hsm?: HsmSigners;
}

interface SecretsFile {
  readonly version: 1;
  readonly token_signing_keys: { kid: string; private_key_pem: string }[];
  readonly pii_keys: { id: string; key: string }[];
  readonly blind_index_key: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Development installs generate their secrets into DATA_DIR on first start so `npm start` needs nothing;
 * production must bring them from the environment (a secret manager), and refuses to start without them.
 */
export function loadSecrets(config: Config, env: Env): Secrets {
  if (config.nodeEnv === 'production') return secretsFromEnv(env);
  return secretsFromFile(path.join(config.dataDir, 'secrets.json'));
}

export function secretsFromEnv(env: Env): Secrets {
  const signing = required(env, 'QUANYI_TOKEN_SIGNING_KEY').replaceAll('\\n', '\n');
  let kid: string;
  try {
    if (createPrivateKey(signing).asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    kid = keyIdOf(signing);
  } catch {
    throw new ConfigError('QUANYI_TOKEN_SIGNING_KEY', 'must be an Ed25519 private key in PKCS#8 PEM form');
  }
  const piiKeys = required(env, 'QUANYI_PII_KEYS')
    .split(',')
    .map((part) => {
      const [id, b64] = part.trim().split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || key.length !== 32) {
        throw new ConfigError('QUANYI_PII_KEYS', 'must be a comma-separated list of id:base64 with 32-byte keys, active key first');
      }
      return { id, key };
    });
  const blindIndexKey = Buffer.from(required(env, 'QUANYI_BLIND_INDEX_KEY'), 'base64');
  if (blindIndexKey.length < 32) throw new ConfigError('QUANYI_BLIND_INDEX_KEY', 'must be at least 32 bytes, base64-encoded');
  return { tokenSigningKeys: [{ kid, privateKeyPem: signing }], piiKeys, blindIndexKey };
}

export function secretsFromFile(file: string): Secrets {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    try {
      // 'wx' makes first-start generation safe when several processes start at once: one file wins.
      fs.writeFileSync(file, JSON.stringify(generateSecretsFile(), null, 2), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let parsed: SecretsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as SecretsFile;
  } catch {
    throw new ConfigError('DATA_DIR', `holds an unreadable secrets file ${file}; restore it from backup (deleting it loses encrypted data)`);
  }
  return {
    tokenSigningKeys: parsed.token_signing_keys.map((k) => ({ kid: k.kid, privateKeyPem: k.private_key_pem })),
    piiKeys: parsed.pii_keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    blindIndexKey: Buffer.from(parsed.blind_index_key, 'base64'),
  };
}

export function writeSecretsFile(file: string, secrets: Secrets): void {
  const body: SecretsFile = {
    version: 1,
    token_signing_keys: secrets.tokenSigningKeys.map((k) => ({ kid: k.kid, private_key_pem: k.privateKeyPem })),
    pii_keys: secrets.piiKeys.map((k) => ({ id: k.id, key: k.key.toString('base64') })),
    blind_index_key: secrets.blindIndexKey.toString('base64'),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(body, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function generateSecretsFile(): SecretsFile {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    version: 1,
    token_signing_keys: [{ kid: keyIdOf(pem), private_key_pem: pem }],
    pii_keys: [{ id: newDataKeyId(), key: randomBytes(32).toString('base64') }],
    blind_index_key: randomBytes(32).toString('base64'),
  };
}

export function newDataKeyId(): string {
  return `k${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A key id derived from the public key, so the same key always gets the same id. */
function keyIdOf(privateKeyPem: string): string {
  const spki = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64url').slice(0, 16);
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required when NODE_ENV=production');
  return value;
}
