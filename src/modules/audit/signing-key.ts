import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../platform/config/config.js';
import { AppError } from '../../platform/errors/app-error.js';
import { HsmOperationError } from '../../platform/hsm/hsm-error.js';
import type { HsmSigningKey } from '../../platform/hsm/hsm-keys.js';
import { ed25519NoteKeyId, ed25519VerifierKey, generateEd25519NoteKey, verifierKeyOf, type NoteSigner } from './domain/signed-note.js';

export interface LogKeys {
  /** `PRIVATE+KEY+<origin>+<id>+<key>`: signs checkpoints. Absent when the key lives in the HSM (`signer` signs). */
  readonly signerKey?: string;
  /** KEY_PROVIDER=pkcs11: signs in the token; the private key never leaves it. */
  readonly signer?: NoteSigner;
  /** `<origin>+<id>+<key>`: what verifiers pin. Published at /api/v1/transparency/key. */
  readonly verifierKey: string;
}

/**
 * The log's key: from the environment in production, else generated once into DATA_DIR. Losing it does not
 * lose the log (entries and signed checkpoints stay verifiable with the old public key), but new checkpoints
 * would need a new key that verifiers must be told about — so it is kept like the other secrets.
 */
export function loadLogKeys(config: Config, hsmKeys?: readonly HsmSigningKey[]): LogKeys {
  const { origin, signingKey } = config.transparencyLog;
  if (hsmKeys) return hsmLogKeys(origin, hsmKeys);
  if (signingKey) return { signerKey: signingKey, verifierKey: verifierKeyOf(signingKey) };
  const file = path.join(config.dataDir, 'tlog-signing-key.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    const generated = generateEd25519NoteKey(origin);
    try {
      // 'wx': when several processes start at once, one file wins and all use it.
      fs.writeFileSync(file, JSON.stringify({ signer_key: generated.signerKey }), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const signerKey = (JSON.parse(fs.readFileSync(file, 'utf8')) as { signer_key: string }).signer_key;
  if (!signerKey.startsWith(`PRIVATE+KEY+${origin}+`)) {
    throw new Error(`${file} holds a key for another origin than TLOG_ORIGIN=${origin}; move it away to start a new log`);
  }
  return { signerKey, verifierKey: verifierKeyOf(signerKey) };
}

/**
 * The log's key in the HSM: the newest signs. Older keys stay in the token and their verifier keys are listed by
 * `quanyi keys hsm list`, so checkpoints signed before a rotation stay checkable by anyone who pinned them.
 */
export function hsmLogKeys(origin: string, hsmKeys: readonly HsmSigningKey[]): LogKeys {
  const active = hsmKeys[0];
  if (!active) throw new Error('no transparency-log signing key in the HSM');
  const sign = (msg: Uint8Array): Uint8Array => {
    try {
      return active.sign(msg);
    } catch (error) {
      if (error instanceof HsmOperationError) throw new AppError('KEY_STORE_UNAVAILABLE');
      throw error;
    }
  };
  const signer: NoteSigner = { name: origin, keyId: ed25519NoteKeyId(origin, active.publicKey), sign };
  return { signer, verifierKey: ed25519VerifierKey(origin, active.publicKey) };
}
