import { randomBytes } from 'node:crypto';
import type { DataKey, Secrets } from '../config/secrets.js';
import { newDataKeyId, secretsFromFile, writeSecretsFile } from '../config/secrets.js';

export interface VaultKeys {
  /** Active key first: it encrypts; every key decrypts. */
  readonly keys: readonly DataKey[];
  readonly blindIndexKey: Buffer;
}

/**
 * Where the vault's keys live. Local files (development) and the environment (production, fed by a secret
 * manager) are implemented here; an HSM or cloud KMS adapter implements the same port, so the vault never
 * learns where its keys come from.
 */
export interface KeyProvider {
  load(): Promise<VaultKeys>;
  /**
   * Creates a new 32-byte key with a new id, makes it the active (first) key, keeps the older keys for decryption
   * and persists the result. A running PiiVault keeps its keys: build a new one from `load()` afterwards.
   */
  addKey(): Promise<DataKey>;
}

/** The development secrets file in DATA_DIR, which also holds the token signing keys: those are kept as they are. */
export class LocalFileKeyProvider implements KeyProvider {
  constructor(private readonly file: string) {}

  async load(): Promise<VaultKeys> {
    const { piiKeys, blindIndexKey } = secretsFromFile(this.file);
    return { keys: piiKeys, blindIndexKey };
  }

  // Read-modify-write without a lock: two processes rotating at the same instant could lose one key. Rotation is
  // a deliberate operator action on a development install, so this is accepted rather than locked.
  async addKey(): Promise<DataKey> {
    const secrets = secretsFromFile(this.file);
    const taken = new Set(secrets.piiKeys.map((k) => k.id));
    let id = newDataKeyId();
    while (taken.has(id)) id = newDataKeyId();
    const added: DataKey = { id, key: randomBytes(32) };
    writeSecretsFile(this.file, { ...secrets, piiKeys: [added, ...secrets.piiKeys] });
    return added;
  }
}

/** Production: keys come from QUANYI_PII_KEYS / QUANYI_BLIND_INDEX_KEY and are read-only to the process. */
export class EnvKeyProvider implements KeyProvider {
  constructor(private readonly secrets: Secrets) {}

  async load(): Promise<VaultKeys> {
    return { keys: this.secrets.piiKeys, blindIndexKey: this.secrets.blindIndexKey };
  }

  async addKey(): Promise<DataKey> {
    throw new Error(
      'PII keys cannot be added from inside the process in production: rotate them in the secret manager by ' +
        'prepending a new id:base64 key to QUANYI_PII_KEYS (keep the old ones after it), then restart.',
    );
  }
}
