import type { Config, KeyProviderConfig } from '../config/config.js';
import type { Secrets } from '../config/secrets.js';
import type { VaultKeys } from '../privacy/key-provider.js';
import { Pkcs11KeyProvider } from '../privacy/pkcs11-key-provider.js';
import { HsmError } from './hsm-error.js';
import { Pkcs11Token, type KeyPurpose, type TokenKey } from './pkcs11-token.js';

/** An Ed25519 key whose private half stays in the token: `sign` runs C_Sign there. */
export interface HsmSigningKey {
  readonly label: string;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

/** The signing keys of a process that uses the HSM, newest (active) first; older ones still verify. */
export interface HsmSigners {
  readonly tokenLabel: string;
  readonly tokenSigningKeys: readonly HsmSigningKey[];
  readonly logSigningKeys: readonly HsmSigningKey[];
  close(): void;
}

type Pkcs11Config = Extract<KeyProviderConfig, { kind: 'pkcs11' }>;

export function openToken(config: Pkcs11Config): Pkcs11Token {
  return Pkcs11Token.open({ module: config.module, slot: config.slot, tokenLabel: config.tokenLabel, pin: config.pin });
}

export function signingKeys(token: Pkcs11Token, purpose: 'token-signing' | 'tlog-signing'): HsmSigningKey[] {
  return token.keys(purpose).map((key) => ({
    label: key.label,
    publicKey: token.ed25519PublicKey(key),
    sign: (data: Uint8Array) => token.signEd25519(key, data),
  }));
}

/**
 * KEY_PROVIDER=pkcs11: opens the token, unwraps the personal-data key ring and finds the signing keys. The returned
 * Secrets has no software signing key; `hsm` carries the token's signers and closes the session.
 */
export async function loadHsmSecrets(config: Config): Promise<Secrets> {
  if (config.keyProvider.kind !== 'pkcs11') throw new Error('loadHsmSecrets needs KEY_PROVIDER=pkcs11');
  const token = openToken(config.keyProvider);
  try {
    const ring = await new Pkcs11KeyProvider(token, config.dataDir).load();
    const tokenSigningKeys = signingKeys(token, 'token-signing');
    const logSigningKeys = signingKeys(token, 'tlog-signing');
    for (const [purpose, keys] of [['token-signing', tokenSigningKeys], ['tlog-signing', logSigningKeys]] as const) {
      if (keys.length === 0) throw new HsmError('KEYS', 'PKCS11_TOKEN_LABEL', `token "${token.label}" holds no quanyi/${purpose} key; run: quanyi keys hsm init`);
    }
    return {
      tokenSigningKeys: [],
      piiKeys: ring.keys,
      blindIndexKey: ring.blindIndexKey,
      hsm: { tokenLabel: token.label, tokenSigningKeys, logSigningKeys, close: () => token.close() },
    };
  } catch (error) {
    token.close();
    throw error;
  }
}

export interface HsmInitResult {
  /** Labels of the keys generated now (keys already in the token are kept). */
  readonly generated: readonly string[];
  /** Whether the wrapped ring file was written now. */
  readonly ringWritten: boolean;
}

/**
 * Prepares a token: generates whichever of the three keys it lacks, and writes the wrapped personal-data ring when
 * DATA_DIR has none, importing `importRing` (the software provider's keys) so data encrypted before stays readable.
 * Running it again changes nothing.
 */
export function initialiseToken(token: Pkcs11Token, dataDir: string, importRing?: VaultKeys): HsmInitResult {
  const generated: string[] = [];
  if (token.keys('pii-kek').length === 0) generated.push(token.generateWrappingKey().label);
  if (token.keys('token-signing').length === 0) generated.push(token.generateEd25519('token-signing').label);
  if (token.keys('tlog-signing').length === 0) generated.push(token.generateEd25519('tlog-signing').label);
  const provider = new Pkcs11KeyProvider(token, dataDir);
  const ringWritten = !provider.exists();
  if (ringWritten) provider.initialise(importRing);
  return { generated, ringWritten };
}

export type RotatableKey = 'pii-kek' | 'token-signing' | 'tlog-signing';

/**
 * A new key of that purpose in the token, which becomes the active one; older keys stay in the token, so old
 * signatures still verify and data keys wrapped under an old key-encryption key still unwrap. Rotating the
 * key-encryption key also adds a new data key wrapped under it, so new personal data is protected by the new key.
 */
export async function rotateTokenKey(token: Pkcs11Token, dataDir: string, purpose: RotatableKey): Promise<{ key: TokenKey; dataKeyId?: string }> {
  if (purpose === 'pii-kek') {
    const key = token.generateWrappingKey();
    const added = await new Pkcs11KeyProvider(token, dataDir).addKey();
    return { key, dataKeyId: added.id };
  }
  return { key: token.generateEd25519(purpose) };
}

export type { KeyPurpose };
