// npm run bench:hsm — Ed25519 signing in a PKCS#11 token (SoftHSM2, a fresh token in a temp directory) against
// signing in memory, as ratios of time per signature (token ÷ in memory), never raw rates: the absolute figures
// depend on the machine and its neighbours, the ratio says what moving a key into the token costs.
//
// 1. Raw signature of a 300-byte message: C_Sign (CKM_EDDSA) vs node:crypto (the token signer's software path)
//    and vs @noble/curves (the transparency log's software path).
// 2. An access token (TokenSigner.sign): fromHsm vs create with a PEM key.
//
// BENCH_SIGNATURES (default 3,000) per measurement, after 200 unmeasured ones; each pair is measured alternately
// three times and the median ratio printed. Needs softhsm2 (apt-get install softhsm2). Prints figures; asserts nothing.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { TokenSigner } from '../src/modules/identity/tokens/token-signer.js';
import { SecretValue } from '../src/platform/config/secret-value.js';
import { signingKeys } from '../src/platform/hsm/hsm-keys.js';
import { Pkcs11Token } from '../src/platform/hsm/pkcs11-token.js';
import { createSoftHsm, softhsmAvailable, SOFTHSM_MODULE } from '../test/support/softhsm.js';
import { positiveSetting as positive } from './support/env.js';

const count = positive('BENCH_SIGNATURES', 3_000, 1_000_000);

if (!softhsmAvailable()) process.exit(1);
const hsm = createSoftHsm(['quanyi-bench']);
const token = Pkcs11Token.open({ module: SOFTHSM_MODULE, slot: undefined, tokenLabel: 'quanyi-bench', pin: new SecretValue(hsm.tokens[0]!.pin) });

async function perOp(fn: () => unknown | Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - start) / n;
}

async function ratio(tokenOp: () => unknown, memoryOp: () => unknown): Promise<number> {
  const ratios: number[] = [];
  for (let round = 0; round < 3; round++) ratios.push((await perOp(tokenOp, count)) / (await perOp(memoryOp, count)));
  return ratios.sort((a, b) => a - b)[1]!;
}

try {
  token.generateEd25519('token-signing');
  const [hsmKey] = signingKeys(token, 'token-signing');
  const message = randomBytes(300);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = new Uint8Array(randomBytes(32));

  const vsNode = await ratio(() => hsmKey!.sign(message), () => sign(null, message, privateKey));
  const vsNoble = await ratio(() => hsmKey!.sign(message), () => ed25519.sign(message, seed));

  const claims = { sub: '1', sid: 's', roles: ['consumer'], merchant_ids: [] };
  const inToken = TokenSigner.fromHsm([hsmKey!]);
  const inMemory = TokenSigner.create([{ kid: 'k', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }]);
  const jwt = await ratio(() => inToken.sign(claims), () => inMemory.sign(claims));

  process.stdout.write(
    `Ed25519 signing, time per operation, token (SoftHSM2 ${SOFTHSM_MODULE}) ÷ in memory, median of 3 × ${count}:\n` +
      `  raw signature vs node:crypto     ${vsNode.toFixed(2)}×\n` +
      `  raw signature vs @noble/curves   ${vsNoble.toFixed(2)}×\n` +
      `  access token (TokenSigner.sign)  ${jwt.toFixed(2)}×\n`,
  );
} finally {
  token.close();
  hsm.remove();
}
