import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ed25519VerifierKey } from '../modules/audit/domain/signed-note.js';
import { TokenSigner } from '../modules/identity/tokens/token-signer.js';
import type { Config } from '../platform/config/config.js';
import { ConfigError } from '../platform/config/config-error.js';
import { secretsFromEnv, secretsFromFile } from '../platform/config/secrets.js';
import { initialiseToken, openToken, rotateTokenKey, signingKeys, type RotatableKey } from '../platform/hsm/hsm-keys.js';
import type { VaultKeys } from '../platform/privacy/key-provider.js';

type Env = Readonly<Record<string, string | undefined>>;
const ROTATABLE: readonly RotatableKey[] = ['pii-kek', 'token-signing', 'tlog-signing'];

/**
 * `quanyi keys hsm init|rotate|list` with KEY_PROVIDER=pkcs11. Keys are generated in the token; rotation adds a
 * new key and keeps the old ones (they still verify and unwrap). Nothing secret is printed.
 */
export async function keysHsmCommand(args: readonly string[], config: Config, env: Env, write: (line: string) => void): Promise<void> {
  if (config.keyProvider.kind !== 'pkcs11') throw new ConfigError('KEY_PROVIDER', 'must be pkcs11 for "keys hsm" (see docs/hsm.md)');
  const [sub, ...rest] = args;
  if (sub !== 'init' && sub !== 'rotate' && sub !== 'list') throw new ConfigError('keys hsm', `has no command "${sub ?? ''}"; try: keys hsm init, keys hsm rotate --key K, keys hsm list`);
  const { values } = parseArgs({ args: [...rest], options: { key: { type: 'string' }, fresh: { type: 'boolean', default: false } } });
  const token = openToken(config.keyProvider);
  try {
    if (sub === 'init') {
      const result = initialiseToken(token, config.dataDir, values.fresh ? undefined : softwareRing(config, env));
      for (const label of result.generated) write(`generated ${label} in token "${token.label}"`);
      if (result.generated.length === 0) write(`token "${token.label}" already holds every key`);
      write(result.ringWritten ? `wrote the wrapped personal-data keys to ${path.join(config.dataDir, 'pii-keys.wrapped.json')}` : 'the wrapped personal-data keys exist already; kept');
    } else if (sub === 'rotate') {
      const purpose = values.key as RotatableKey;
      if (!ROTATABLE.includes(purpose)) throw new ConfigError('keys hsm rotate', `needs --key ${ROTATABLE.join('|')}`);
      const { key, dataKeyId } = await rotateTokenKey(token, config.dataDir, purpose);
      write(`generated ${key.label} in token "${token.label}"; older keys are kept${dataKeyId ? `; new active personal-data key ${dataKeyId} wrapped under it` : ''}`);
      write('restart the processes to use it');
    }
    listKeys(token, config, write);
  } finally {
    token.close();
  }
}

function listKeys(token: ReturnType<typeof openToken>, config: Config, write: (line: string) => void): void {
  write(`token "${token.label}" (newest first; the first of each kind is active):`);
  for (const kek of token.keys('pii-kek')) write(`  pii-kek        ${kek.label}`);
  const tokenKeys = signingKeys(token, 'token-signing');
  for (const key of tokenKeys) write(`  token-signing  ${key.label}  kid ${TokenSigner.kidOf(key.publicKey)}`);
  for (const key of signingKeys(token, 'tlog-signing')) write(`  tlog-signing   ${key.label}  verifier ${ed25519VerifierKey(config.transparencyLog.origin, key.publicKey)}`);
}

/** The keys the software provider used until now, so switching to the HSM keeps existing data readable. */
function softwareRing(config: Config, env: Env): VaultKeys | undefined {
  if (config.nodeEnv === 'production') {
    if (!env.QUANYI_PII_KEYS?.trim()) return undefined;
    const secrets = secretsFromEnv(env);
    return { keys: secrets.piiKeys, blindIndexKey: secrets.blindIndexKey };
  }
  const file = path.join(config.dataDir, 'secrets.json');
  if (!fs.existsSync(file)) return undefined;
  const secrets = secretsFromFile(file);
  return { keys: secrets.piiKeys, blindIndexKey: secrets.blindIndexKey };
}
