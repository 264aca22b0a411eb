import { createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hsmLogKeys } from '../src/modules/audit/signing-key.js';
import { openNote, signNote, verifierFromKey } from '../src/modules/audit/domain/signed-note.js';
import { AUDIENCE, ISSUER, TokenSigner } from '../src/modules/identity/tokens/token-signer.js';
import { loadConfig } from '../src/platform/config/config.js';
import { ConfigError } from '../src/platform/config/config-error.js';
import { SecretValue } from '../src/platform/config/secret-value.js';
import { HsmError } from '../src/platform/hsm/hsm-error.js';
import { initialiseToken, loadHsmSecrets, rotateTokenKey, signingKeys } from '../src/platform/hsm/hsm-keys.js';
import { Pkcs11Token, type Pkcs11Options } from '../src/platform/hsm/pkcs11-token.js';
import { Pkcs11KeyProvider, WRAPPED_RING_FILE } from '../src/platform/privacy/pkcs11-key-provider.js';
import { PiiVault } from '../src/platform/privacy/vault.js';
import { http } from './support/http.js';
import { bearer, smsLogin } from './support/identity.js';
import { createSoftHsm, softhsmAvailable, SOFTHSM_MODULE, type SoftHsm } from './support/softhsm.js';
import { spawnTs, waitReady } from './support/spawn.js';

// PKCS#11 attribute types (pkcs11js exports them too; written out so the test states what it asks the token).
const CKA_VALUE = 0x11;
const CKA_SENSITIVE = 0x103;
const CKA_EXTRACTABLE = 0x162;
const CKA_NEVER_EXTRACTABLE = 0x164;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const available = softhsmAvailable();

describe.runIf(available)('PKCS#11 key provider on a SoftHSM2 token', () => {
  let hsm: SoftHsm;
  let dataDir: string;
  let token: Pkcs11Token;
  let options: Pkcs11Options;
  /** The software ring the install used before the HSM: imported so its ciphertexts stay readable. */
  const before = { keys: [{ id: 'kbefore', key: randomBytes(32) }], blindIndexKey: randomBytes(32) };
  let oldCiphertext: string;

  beforeAll(() => {
    hsm = createSoftHsm(['quanyi-test', 'quanyi-other', 'quanyi-cli']);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-hsm-data-'));
    options = { module: SOFTHSM_MODULE, slot: undefined, tokenLabel: 'quanyi-test', pin: new SecretValue(hsm.tokens[0]!.pin) };
    token = Pkcs11Token.open(options);
    oldCiphertext = new PiiVault(before.keys, before.blindIndexKey).encrypt('13800000000', 'phone_enc');
  });

  afterAll(() => {
    token?.close();
    hsm?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('initialises the token: a wrapping key and two Ed25519 key pairs generated inside it, once', () => {
    const first = initialiseToken(token, dataDir, before);
    expect(first.generated.map((label) => label.split('/')[1])).toEqual(['pii-kek', 'token-signing', 'tlog-signing']);
    expect(first.ringWritten).toBe(true);
    const again = initialiseToken(token, dataDir, before);
    expect(again).toEqual({ generated: [], ringWritten: false });
  });

  it('signs in the token (CKM_EDDSA); node:crypto and @noble verify with the public key', () => {
    const [key] = signingKeys(token, 'token-signing');
    const message = Buffer.from('quanyi checkpoint 42\n');
    const signature = key!.sign(message);
    expect(signature).toHaveLength(64);
    const publicKey = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, key!.publicKey]), format: 'der', type: 'spki' });
    expect(nodeVerify(null, message, publicKey, signature)).toBe(true);
    expect(ed25519.verify(signature, message, key!.publicKey, { zip215: false })).toBe(true);
    expect(nodeVerify(null, Buffer.from('quanyi checkpoint 43\n'), publicKey, signature)).toBe(false);
    // Ed25519 is deterministic: the token computes the RFC 8032 signature, not some other scheme.
    expect(Buffer.from(key!.sign(message)).equals(Buffer.from(signature))).toBe(true);
  });

  it('keeps private and wrapping keys inside: sensitive, never extractable, and CKA_VALUE is refused', () => {
    const keys = [token.keys('token-signing')[0]!, token.keys('tlog-signing')[0]!, token.keys('pii-kek')[0]!];
    for (const key of keys) {
      const flags = token.readAttributes(key, [CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_NEVER_EXTRACTABLE]);
      expect(flags.map((a) => a.value[0])).toEqual([1, 0, 1]);
      expect(() => token.readAttributes(key, [CKA_VALUE])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    }
  });

  it('stores the personal-data ring wrapped (no clear key in the file) and unwraps it in the token', async () => {
    const text = fs.readFileSync(path.join(dataDir, WRAPPED_RING_FILE), 'utf8');
    for (const secret of [before.keys[0]!.key, before.blindIndexKey]) {
      expect(text).not.toContain(secret.toString('base64'));
      expect(text).not.toContain(secret.toString('hex'));
    }
    expect(fs.statSync(path.join(dataDir, WRAPPED_RING_FILE)).mode & 0o777).toBe(0o600);
    const loaded = await new Pkcs11KeyProvider(token, dataDir).load();
    expect(loaded.keys.map((k) => k.id)).toEqual(['kbefore']);
    expect(loaded.keys[0]!.key.equals(before.keys[0]!.key)).toBe(true);
    expect(loaded.blindIndexKey.equals(before.blindIndexKey)).toBe(true);
  });

  it('runs the vault on the HSM-wrapped ring: data from before the switch decrypts, new data round-trips', async () => {
    const ring = await new Pkcs11KeyProvider(token, dataDir).load();
    const vault = new PiiVault(ring.keys, ring.blindIndexKey);
    expect(vault.decrypt(oldCiphertext, 'phone_enc')).toBe('13800000000');
    const sealed = vault.encrypt('110101199003077777', 'id_number_enc');
    expect(vault.decrypt(sealed, 'id_number_enc')).toBe('110101199003077777');
    expect(vault.blindIndex('13800000000', 'phone')).toBe(new PiiVault(before.keys, before.blindIndexKey).blindIndex('13800000000', 'phone'));
  });

  it('rotates the data key and the wrapping key: every older ciphertext still decrypts', async () => {
    const provider = new Pkcs11KeyProvider(token, dataDir);
    const ciphertexts = [oldCiphertext];
    const added = await provider.addKey();
    ciphertexts.push(new PiiVault((await provider.load()).keys, before.blindIndexKey).encrypt('13800000000', 'phone_enc'));
    const firstKek = token.keys('pii-kek')[0]!;
    const rotated = await rotateTokenKey(token, dataDir, 'pii-kek');
    expect(rotated.key.generation > firstKek.generation).toBe(true);
    expect(token.keys('pii-kek').map((k) => k.label)).toEqual([rotated.key.label, firstKek.label]);

    const ring = await provider.load();
    expect(ring.keys.map((k) => k.id)).toEqual([rotated.dataKeyId, added.id, 'kbefore']);
    const wrapped = JSON.parse(fs.readFileSync(provider.file, 'utf8')) as { pii_keys: { id: string; kek: string }[] };
    expect(wrapped.pii_keys.map((k) => k.kek)).toEqual([rotated.key.generation, firstKek.generation, firstKek.generation]);
    const vault = new PiiVault(ring.keys, ring.blindIndexKey);
    for (const ciphertext of ciphertexts) expect(vault.decrypt(ciphertext, 'phone_enc')).toBe('13800000000');
    expect(vault.encrypt('x', 'phone_enc').split(':')[1]).toBe(rotated.dataKeyId);
  });

  it('signs access tokens in the token: the JWT verifies against the JWKS, and still after a rotation', async () => {
    const claims = { sub: '1', sid: 's1', roles: ['consumer'], merchant_ids: [] };
    const signer = TokenSigner.fromHsm(signingKeys(token, 'token-signing'));
    const jwt = await signer.sign(claims);
    const jwks = createLocalJWKSet(await signer.jwks());
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({ sub: '1', sid: 's1', roles: ['consumer'] });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(protectedHeader.kid).toBe(TokenSigner.kidOf(token.ed25519PublicKey(token.keys('token-signing')[0]!)));
    await expect(signer.verify(jwt)).resolves.toMatchObject(claims);

    await rotateTokenKey(token, dataDir, 'token-signing');
    const rotated = TokenSigner.fromHsm(signingKeys(token, 'token-signing'));
    const newJwt = await rotated.sign(claims);
    expect(JSON.parse(Buffer.from(newJwt.split('.')[0]!, 'base64url').toString()).kid).not.toBe(protectedHeader.kid);
    await expect(rotated.verify(jwt)).resolves.toMatchObject(claims); // signed by the old key
    await expect(rotated.verify(newJwt)).resolves.toMatchObject(claims);
    expect((await rotated.jwks()).keys).toHaveLength(2);
  });

  it('signs transparency-log checkpoints in the token; old checkpoints verify with the old verifier key', async () => {
    const origin = 'quanyi.localhost/transparency-log';
    const oldKeys = hsmLogKeys(origin, signingKeys(token, 'tlog-signing'));
    const oldNote = signNote(`${origin}\n1\nroot\n`, oldKeys.signer!);
    expect(openNote(oldNote, [verifierFromKey(oldKeys.verifierKey)]).verified).toHaveLength(1);

    await rotateTokenKey(token, dataDir, 'tlog-signing');
    const all = signingKeys(token, 'tlog-signing');
    expect(all).toHaveLength(2);
    const newKeys = hsmLogKeys(origin, all);
    expect(newKeys.verifierKey).not.toBe(oldKeys.verifierKey);
    const newNote = signNote(`${origin}\n2\nroot\n`, newKeys.signer!);
    expect(openNote(newNote, [verifierFromKey(newKeys.verifierKey)]).verified).toHaveLength(1);
    // The retired key is still in the token, and its verifier key still opens what it signed.
    expect(hsmLogKeys(origin, all.slice(1)).verifierKey).toBe(oldKeys.verifierKey);
    expect(openNote(oldNote, [verifierFromKey(oldKeys.verifierKey)]).verified).toHaveLength(1);
    expect(() => openNote(oldNote, [verifierFromKey(newKeys.verifierKey)])).toThrow(/no verifiable signatures/);
  });

  it('loads the platform secrets from the token (KEY_PROVIDER=pkcs11)', async () => {
    const config = loadConfig({ ...hsm.env(), DATA_DIR: dataDir });
    const secrets = await loadHsmSecrets(config);
    try {
      expect(secrets.tokenSigningKeys).toEqual([]);
      expect(secrets.piiKeys.map((k) => k.id)).toEqual((await new Pkcs11KeyProvider(token, dataDir).load()).keys.map((k) => k.id));
      expect(secrets.hsm!.tokenSigningKeys).toHaveLength(2);
      expect(secrets.hsm!.logSigningKeys).toHaveLength(2);
    } finally {
      secrets.hsm!.close();
    }
    // The shared library stays initialised for the token this file still holds open.
    expect(token.keys('pii-kek')).toHaveLength(2);
  });

  it('answers KEY_STORE_UNAVAILABLE when the token cannot sign any more', async () => {
    const second = Pkcs11Token.open(options);
    const jwtSigner = TokenSigner.fromHsm(signingKeys(second, 'token-signing'));
    const logSigner = hsmLogKeys('quanyi.localhost/transparency-log', signingKeys(second, 'tlog-signing')).signer!;
    second.close();
    await expect(jwtSigner.sign({ sub: '1', sid: 's', roles: [], merchant_ids: [] })).rejects.toMatchObject({ code: 'KEY_STORE_UNAVAILABLE', status: 503 });
    expect(() => signNote('x\n', logSigner)).toThrow(expect.objectContaining({ code: 'KEY_STORE_UNAVAILABLE' }));
    expect(signingKeys(token, 'token-signing')[0]!.sign(Buffer.from('still here'))).toHaveLength(64); // the first session is unharmed
  });

  it('refuses a token without keys or a DATA_DIR without the wrapped ring, naming the fix', async () => {
    const other = { ...hsm.env(hsm.tokens[1]), DATA_DIR: dataDir };
    await expect(loadHsmSecrets(loadConfig(other))).rejects.toMatchObject({ reason: 'KEYS', message: expect.stringMatching(/quanyi\/pii-kek\/.*use the token that holds it/) });
    const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-hsm-empty-'));
    try {
      await expect(loadHsmSecrets(loadConfig({ ...hsm.env(), DATA_DIR: emptyDir }))).rejects.toThrow(/^DATA_DIR holds no pii-keys.wrapped.json .*run: quanyi keys hsm init$/);
    } finally {
      fs.rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  describe('quanyi keys hsm and quanyi start with KEY_PROVIDER=pkcs11 (child processes)', { timeout: 180_000 }, () => {
    let cliDir: string;
    const cliEnv = (): Record<string, string> => ({ ...hsm.env(hsm.tokens[2]), DATA_DIR: cliDir });

    beforeAll(() => {
      cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-hsm-cli-'));
    });
    afterAll(() => fs.rmSync(cliDir, { recursive: true, force: true }));

    it('initialises the token, then serves logins signed in the token and checkpoints signed by the log key there', async () => {
      const init = spawnTs('src/cli.ts', ['keys', 'hsm', 'init'], cliEnv());
      expect(await init.exited, init.stderr()).toBe(0);
      expect(init.stdout()).toMatch(/generated quanyi\/pii-kek\/\S+ in token "quanyi-cli"/);
      const kid = /token-signing +\S+ +kid (\S+)/.exec(init.stdout())![1]!;
      const verifier = /tlog-signing +\S+ +verifier (\S+)/.exec(init.stdout())![1]!;
      expect(fs.existsSync(path.join(cliDir, 'secrets.json'))).toBe(false); // no software keys were made

      const server = spawnTs('src/cli.ts', ['start'], { ...cliEnv(), PORT: '0', HOST: '127.0.0.1' });
      try {
        const base = await server.url;
        await waitReady(base);
        const jwks = await http(`${base}/.well-known/jwks.json`);
        expect((jwks.json.keys as { kid: string }[]).map((k) => k.kid)).toEqual([kid]);
        const tokens = await smsLogin(base);
        expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
        const me = await http(`${base}/api/v1/users/me`, { headers: bearer(tokens.access_token) });
        expect(me.status).toBe(200);
        const key = await http(`${base}/api/v1/transparency/key`);
        expect(key.json.data).toMatchObject({ verifier_key: verifier });
        const checkpoint = await http(`${base}/api/v1/transparency/checkpoint`);
        const note = (checkpoint.json.data as { note: string }).note;
        expect(openNote(note, [verifierFromKey(verifier)]).verified).toHaveLength(1);
      } finally {
        server.child.kill('SIGTERM');
        expect(await server.exited).toBe(0);
      }
      const everything = init.stdout() + init.stderr() + server.stdout() + server.stderr();
      expect(everything).not.toContain(hsm.tokens[2]!.pin);
    });

    it('rotates a key from the CLI: the new one becomes active, the old one is listed after it', async () => {
      const rotate = spawnTs('src/cli.ts', ['keys', 'hsm', 'rotate', '--key', 'token-signing'], cliEnv());
      expect(await rotate.exited, rotate.stderr()).toBe(0);
      expect(rotate.stdout().match(/token-signing +quanyi\/token-signing\//g)).toHaveLength(2);
      const dataKey = spawnTs('src/cli.ts', ['keys', 'rotate'], cliEnv());
      expect(await dataKey.exited, dataKey.stderr()).toBe(0);
      expect(dataKey.stdout()).toMatch(/^new active personal-data key k\S+;/);
    });

    it('refuses to start with a wrong PIN: one line naming PKCS11_PIN, exit 1, the PIN nowhere', async () => {
      const server = spawnTs('src/cli.ts', ['start'], { ...cliEnv(), PKCS11_PIN: 'wrong-pin-0000', PORT: '0', HOST: '127.0.0.1' });
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toMatch(/^quanyi: PKCS11_PIN was refused by token "quanyi-cli" \(CKR_PIN_INCORRECT\): check the user PIN of this token\n$/);
      expect(server.stderr() + server.stdout()).not.toContain('wrong-pin-0000');
    });
  });

  describe('clear start-up errors', () => {
    const open = (change: Partial<Pkcs11Options>): HsmError => {
      try {
        Pkcs11Token.open({ ...options, ...change }).close();
      } catch (error) {
        expect(error).toBeInstanceOf(HsmError);
        expect(error).toBeInstanceOf(ConfigError);
        return error as HsmError;
      }
      return expect.fail('Pkcs11Token.open did not throw');
    };

    it('a wrong PIN names PKCS11_PIN and never shows the PIN', () => {
      const wrongPin = 'not-the-pin-4711';
      // quanyi-other has no session yet: the token itself checks the PIN.
      const error = open({ tokenLabel: 'quanyi-other', pin: new SecretValue(wrongPin) });
      expect(error.reason).toBe('PIN');
      expect(error.message).toMatch(/^PKCS11_PIN was refused by token "quanyi-other" \(CKR_PIN_INCORRECT\)/);
      expect(error.message).not.toContain(wrongPin);
      expect(error.message).not.toContain(hsm.tokens[1]!.pin);
      expect(inspect(error)).not.toContain(wrongPin);
    });

    it('a wrong PIN is refused too while this process is logged in to the token with the right one', () => {
      const error = open({ pin: new SecretValue('not-the-pin-4711') });
      expect(error.reason).toBe('PIN');
      expect(error.message).toMatch(/^PKCS11_PIN was refused by token "quanyi-test" \(CKR_PIN_INCORRECT\)/);
      expect(token.keys('pii-kek')).toHaveLength(2); // the open session is unharmed
    });

    it('a wrong slot names PKCS11_SLOT and lists the slots that have a token', () => {
      const error = open({ tokenLabel: undefined, slot: '4242' });
      expect(error.reason).toBe('TOKEN');
      expect(error.message).toMatch(/^PKCS11_SLOT 4242 is not a slot with a token; slots with a token: .*"quanyi-test"/);
      expect(error.message).toContain(hsm.tokens[0]!.slot);
    });

    it('the right slot id opens the token', () => {
      const bySlot = Pkcs11Token.open({ ...options, tokenLabel: undefined, slot: hsm.tokens[0]!.slot });
      expect(bySlot.label).toBe('quanyi-test');
      bySlot.close();
    });

    it('a wrong token label names PKCS11_TOKEN_LABEL', () => {
      const error = open({ tokenLabel: 'no-such-token' });
      expect(error.reason).toBe('TOKEN');
      expect(error.message).toMatch(/^PKCS11_TOKEN_LABEL "no-such-token" names no token; tokens present: /);
    });

    it('a wrong module path names PKCS11_MODULE, whether missing or not a PKCS#11 library', () => {
      const missing = open({ module: '/nonexistent/libpkcs11.so' });
      expect(missing.reason).toBe('MODULE');
      expect(missing.message).toMatch(/^PKCS11_MODULE names no file: \/nonexistent\/libpkcs11.so/);
      const notALibrary = path.join(dataDir, 'not-a-library.so');
      fs.writeFileSync(notALibrary, 'hello');
      const wrong = open({ module: notALibrary });
      expect(wrong.reason).toBe('MODULE');
      expect(wrong.message).toMatch(/^PKCS11_MODULE cannot be loaded as a PKCS#11 library/);
    });
  });
});

describe('KEY_PROVIDER configuration', () => {
  const base = { KEY_PROVIDER: 'pkcs11', PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so', PKCS11_TOKEN_LABEL: 'quanyi', PKCS11_PIN: 'pin-1234-secret' };

  it('defaults to the software keys', () => {
    expect(loadConfig({}).keyProvider).toEqual({ kind: 'software' });
  });

  it('never prints the PIN: JSON, inspect and string forms are redacted', () => {
    const config = loadConfig(base);
    expect(config.keyProvider.kind === 'pkcs11' && config.keyProvider.pin.reveal()).toBe('pin-1234-secret');
    expect(JSON.stringify(config)).not.toContain('pin-1234-secret');
    expect(inspect(config, { depth: 10 })).not.toContain('pin-1234-secret');
    expect(`${config.keyProvider.kind === 'pkcs11' ? config.keyProvider.pin : ''}`).toBe('[redacted]');
  });

  it.each([
    ['PKCS11_MODULE', { PKCS11_MODULE: '' }, /^PKCS11_MODULE is required when KEY_PROVIDER=pkcs11/],
    ['PKCS11_PIN', { PKCS11_PIN: '' }, /^PKCS11_PIN is required when KEY_PROVIDER=pkcs11/],
    ['a slot or label', { PKCS11_TOKEN_LABEL: '' }, /^PKCS11_TOKEN_LABEL or PKCS11_SLOT is required/],
    ['a numeric slot', { PKCS11_SLOT: 'first' }, /^PKCS11_SLOT must be a slot id/],
  ])('requires %s', (_name, change, message) => {
    expect(() => loadConfig({ ...base, ...change })).toThrow(message);
  });

  it('does not require QUANYI_TLOG_SIGNING_KEY in production with an HSM, and refuses one', () => {
    const production = { ...base, NODE_ENV: 'production', DATABASE_URL: 'postgres://db/quanyi', SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms', SMS_HTTP_API_KEY: 'k', SMS_SIGN_NAME: 's', SMS_TEMPLATE_ID: 't', TAX_AUTHORITY_URL: 'https://tax', PAYOUT_URL: 'https://bank', REAL_NAME_URL: 'https://bank' };
    expect(loadConfig(production).transparencyLog.signingKey).toBeUndefined();
    expect(() => loadConfig({ ...production, QUANYI_TLOG_SIGNING_KEY: 'PRIVATE+KEY+quanyi.localhost/transparency-log+00000000+AA' })).toThrow(/must not be set when KEY_PROVIDER=pkcs11/);
  });
});
