import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataKey } from '../config/secrets.js';
import { newDataKeyId } from '../config/secrets.js';
import { HsmError } from '../hsm/hsm-error.js';
import type { Pkcs11Token, TokenKey } from '../hsm/pkcs11-token.js';
import type { KeyProvider, VaultKeys } from './key-provider.js';

/** The wrapped ring's file name in DATA_DIR. It holds no clear key, so it may be backed up and copied freely. */
export const WRAPPED_RING_FILE = 'pii-keys.wrapped.json';

interface WrappedSecret {
  /** Generation of the token's key-encryption key that wrapped it (label `quanyi/pii-kek/<generation>`). */
  readonly kek: string;
  /** RFC 3394 AES key wrap, base64. */
  readonly wrapped: string;
}

interface WrappedRingFile {
  readonly version: 1;
  /** The token's label when the file was written, for the operator who finds the file. */
  readonly token: string;
  /** Active key first, as in QUANYI_PII_KEYS. */
  readonly pii_keys: readonly ({ readonly id: string } & WrappedSecret)[];
  readonly blind_index_key: WrappedSecret;
}

/**
 * The personal-data key ring kept wrapped by an AES key that never leaves the HSM. `load()` unwraps in the token and
 * hands the clear data keys to the vault, which encrypts in software (envelope encryption: the data keys live in
 * the process's memory, the key that protects them at rest lives only in the token).
 */
export class Pkcs11KeyProvider implements KeyProvider {
  readonly file: string;

  constructor(
    private readonly token: Pkcs11Token,
    dataDir: string,
  ) {
    this.file = path.join(dataDir, WRAPPED_RING_FILE);
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  async load(): Promise<VaultKeys> {
    const ring = this.read();
    const keks = this.token.keys('pii-kek');
    const unwrap = (secret: WrappedSecret): Buffer => {
      const kek = keks.find((k) => k.generation === secret.kek);
      if (!kek) {
        throw new HsmError('KEYS', 'PKCS11_TOKEN_LABEL', `token "${this.token.label}" holds no quanyi/pii-kek/${secret.kek}, which wrapped keys in ${this.file}: use the token that holds it`);
      }
      return this.token.unwrap(kek, Buffer.from(secret.wrapped, 'base64'));
    };
    return {
      keys: ring.pii_keys.map((entry) => ({ id: entry.id, key: unwrap(entry) })),
      blindIndexKey: unwrap(ring.blind_index_key),
    };
  }

  /** A new active data key (random from node:crypto), stored wrapped under the token's newest key-encryption key. */
  async addKey(): Promise<DataKey> {
    const ring = this.read();
    const taken = new Set(ring.pii_keys.map((k) => k.id));
    let id = newDataKeyId();
    while (taken.has(id)) id = newDataKeyId();
    const added: DataKey = { id, key: randomBytes(32) };
    this.write({ ...ring, pii_keys: [{ id, ...this.wrapUnderActive(added.key) }, ...ring.pii_keys] });
    return added;
  }

  /**
   * First set-up: stores `from` (the keys the software provider used, so existing data stays readable) or a fresh
   * ring, wrapped under the token's active key-encryption key. Refuses to replace an existing file.
   */
  initialise(from?: VaultKeys): void {
    if (this.exists()) throw new Error(`${this.file} exists already; rotate with: quanyi keys rotate`);
    const keys = from?.keys ?? [{ id: newDataKeyId(), key: randomBytes(32) }];
    const blindIndexKey = from?.blindIndexKey ?? randomBytes(32);
    this.write({
      version: 1,
      token: this.token.label,
      pii_keys: keys.map((k) => ({ id: k.id, ...this.wrapUnderActive(k.key) })),
      blind_index_key: this.wrapUnderActive(blindIndexKey),
    });
  }

  private wrapUnderActive(secret: Buffer): WrappedSecret {
    const kek: TokenKey | undefined = this.token.keys('pii-kek')[0];
    if (!kek) throw new HsmError('KEYS', 'PKCS11_TOKEN_LABEL', `token "${this.token.label}" holds no personal-data wrapping key; run: quanyi keys hsm init`);
    return { kek: kek.generation, wrapped: this.token.wrap(kek, secret).toString('base64') };
  }

  private read(): WrappedRingFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      throw new HsmError('KEYS', 'DATA_DIR', `holds no ${WRAPPED_RING_FILE} (the personal-data keys wrapped by the HSM); run: quanyi keys hsm init`);
    }
    try {
      const parsed = JSON.parse(text) as WrappedRingFile;
      if (parsed.version !== 1 || !Array.isArray(parsed.pii_keys) || parsed.pii_keys.length === 0 || !parsed.blind_index_key) throw new Error('shape');
      return parsed;
    } catch {
      throw new HsmError('KEYS', 'DATA_DIR', `holds an unreadable ${this.file}; restore it from backup (without it encrypted data is lost)`);
    }
  }

  // Read-modify-write without a lock, as LocalFileKeyProvider: rotation is a deliberate operator action.
  private write(ring: WrappedRingFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(ring, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
