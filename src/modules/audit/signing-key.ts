import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../platform/config/config.js';
import { generateEd25519NoteKey, verifierKeyOf } from './domain/signed-note.js';

export interface LogKeys {
  /** `PRIVATE+KEY+<origin>+<id>+<key>`: signs checkpoints. */
  readonly signerKey: string;
  /** `<origin>+<id>+<key>`: what verifiers pin. Published at /api/v1/transparency/key. */
  readonly verifierKey: string;
}

/**
 * The log's key: from the environment in production, else generated once into DATA_DIR. Losing it does not
 * lose the log (entries and signed checkpoints stay verifiable with the old public key), but new checkpoints
 * would need a new key that verifiers must be told about — so it is kept like the other secrets.
 */
export function loadLogKeys(config: Config): LogKeys {
  const { origin, signingKey } = config.transparencyLog;
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
