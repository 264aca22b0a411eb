import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenSigner } from './token-signer.js';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const claims = { sub: '1', sid: 's1', roles: ['consumer'], merchant_ids: [] };

describe('access tokens', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies a token, and again from the cache, with the same claims', async () => {
    const signer = TokenSigner.create([{ kid: 'k1', privateKeyPem: pem() }]);
    const token = await signer.sign(claims);
    expect(await signer.verify(token)).toEqual(claims);
    expect(await signer.verify(token)).toEqual(claims);
  });

  it('refuses a token with a changed byte even after the original was cached', async () => {
    const signer = TokenSigner.create([{ kid: 'k1', privateKeyPem: pem() }]);
    const token = await signer.sign(claims);
    await signer.verify(token);
    const [header, payload, signature] = token.split('.');
    const flipped = signature!.at(-2) === 'A' ? 'B' : 'A'; // the second-last character carries 6 real bits
    const forged = `${header}.${payload}.${signature!.slice(0, -2)}${flipped}${signature!.slice(-1)}`;
    expect(forged).not.toBe(token);
    await expect(signer.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const other = TokenSigner.create([{ kid: 'k1', privateKeyPem: pem() }]);
    await expect(other.verify(token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('expires cached tokens on time, as uncached ones do', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-29T00:00:00Z'));
    const key = pem();
    const signer = TokenSigner.create([{ kid: 'k1', privateKeyPem: key }], 60);
    const token = await signer.sign(claims);
    await signer.verify(token);
    vi.setSystemTime(new Date('2026-11-29T00:00:59Z'));
    expect(await signer.verify(token)).toEqual(claims);
    vi.setSystemTime(new Date('2026-11-29T00:01:00Z'));
    await expect(signer.verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    // A process that never saw the token (no cache) reaches the same answer through jose.
    await expect(TokenSigner.create([{ kid: 'k1', privateKeyPem: key }], 60).verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });
});
