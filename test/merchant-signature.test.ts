import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { QuanyiModule } from '../src/platform/module/module.js';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { signRequest } from '../src/modules/merchants/signature.js';
import { SignatureNonces } from '../src/modules/merchants/signature-nonces.js';
import { MemoryCache } from '../src/platform/cache/memory-cache.js';
import { ok } from '../src/platform/http/envelope.js';
import { backendPairs } from './support/backends.js';
import { http, listenForTest } from './support/http.js';
import { bearer, newPhone } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { buildTestApp, useTestServer } from './support/test-platform.js';

// A till-facing route, like coupon consume: merchant staff only.
const tillProbe: QuanyiModule = {
  name: 'till-probe',
  routes: async (app) => {
    app.post<{ Body: { amount: string } }>(
      '/api/v1/test/till',
      { config: { access: { roles: ['merchant_staff'], cashier: true } }, schema: { body: { type: 'object', required: ['amount'], properties: { amount: { type: 'string' } } } } },
      async (request) => ok({ actor: request.actor, amount: request.body.amount }),
    );
  },
};

describe.each(backendPairs())('signed cashier calls on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, tillProbe] });

  async function operatorToken(): Promise<string> {
    const identity = identityOf(server.platform);
    const phone = newPhone();
    await identity.service.grantRole(phone, 'operator', undefined, 'test');
    const userId = await identity.service.ensureUser(server.platform.database.db, phone);
    return (await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId))).access_token;
  }

  async function createMerchant(body: Record<string, unknown> = { name: '测试便利店' }): Promise<MerchantCredentialsForTest> {
    const res = await http(`${server.base}/api/v1/merchants`, { body, headers: bearer(await operatorToken()) });
    expect(res.status, res.text).toBe(200);
    return res.json.data as unknown as MerchantCredentialsForTest;
  }

  it('registers channels and merchants under them; a merchant sees its own profile and no other', async () => {
    const operator = await operatorToken();
    const name = `渠道-${randomBytes(4).toString('hex')}`;
    const channel = await http(`${server.base}/api/v1/channels`, { body: { name }, headers: bearer(operator) });
    expect(channel.status, channel.text).toBe(200);
    const channelId = (channel.json.data as { channel_id: string }).channel_id;
    expect((await http(`${server.base}/api/v1/channels`, { body: { name }, headers: bearer(operator) })).json.error).toBe('CHANNEL_NAME_TAKEN');
    expect((await http(`${server.base}/api/v1/merchants`, { body: { name: '无渠道', channel_id: '42' }, headers: bearer(operator) })).json.error).toBe('CHANNEL_NOT_FOUND');

    const merchant = await createMerchant({ name: '渠道商户', channel_id: channelId });
    const other = await createMerchant();
    const own = await signedCall(server.base, merchant, 'GET', `/api/v1/merchants/${merchant.merchant_id}`, undefined);
    expect(own.json.data).toMatchObject({ merchant_id: merchant.merchant_id, name: '渠道商户', channel_id: channelId, status: 'active' });
    expect(JSON.stringify(own.json)).not.toContain(merchant.api_key);
    const foreign = await signedCall(server.base, merchant, 'GET', `/api/v1/merchants/${other.merchant_id}`, undefined);
    expect(foreign.status).toBe(404);
    const list = await http(`${server.base}/api/v1/channels`, { headers: bearer(operator) });
    expect((list.json.data as { channels: { channel_id: string; merchants: number }[] }).channels.find((c) => c.channel_id === channelId)).toMatchObject({ merchants: 1 });
  });

  it('accepts a correctly signed call as the merchant, and only an operator can register merchants', async () => {
    const merchant = await createMerchant();
    const res = await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', { amount: '150.00' });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ actor: { kind: 'merchant', id: merchant.merchant_id, merchantIds: [merchant.merchant_id] }, amount: '150.00' });
    const anonymous = await http(`${server.base}/api/v1/merchants`, { body: { name: 'x' } });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a replayed nonce with 401 SIGNATURE_REPLAYED', async () => {
    const merchant = await createMerchant();
    const nonce = randomBytes(12).toString('hex');
    expect((await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', { amount: '1.00' }, { nonce })).status).toBe(200);
    const replay = await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', { amount: '1.00' }, { nonce });
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe('SIGNATURE_REPLAYED');
  });

  it('refuses a replay sent to another process with its own empty cache (or after the cache lost its data)', async () => {
    const merchant = await createMerchant();
    const nonce = randomBytes(12).toString('hex');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = signRequest(merchant.api_secret, 'POST', '/api/v1/test/till', timestamp, nonce, '{"amount":"1.00"}');
    const call = { timestamp, nonce, signature, rawBody: '{"amount":"1.00"}' };
    expect((await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', undefined, call)).status).toBe(200);
    // A second API process on the same database: nothing shared with the first but the database.
    const second = await buildTestApp({ ...server.platform, cache: new MemoryCache() }, [identityModule, merchantsModule, tillProbe]);
    try {
      const replay = await signedCall(await listenForTest(second), merchant, 'POST', '/api/v1/test/till', undefined, call);
      expect(replay.status).toBe(401);
      expect(replay.json.error).toBe('SIGNATURE_REPLAYED');
    } finally {
      await second.close();
    }
  });

  it('keeps a nonce used until its window is over, then lets the purge remove it', async () => {
    const nonces = new SignatureNonces(server.platform.database.db);
    const merchantId = (await createMerchant()).merchant_id;
    const t0 = new Date('2026-12-02T08:00:00Z');
    const until = new Date(t0.getTime() + 600_000);
    expect(await nonces.claim(merchantId, 'n-aaaaaaaaaaaaaaaa', t0, until)).toBe(true);
    expect(await nonces.claim(merchantId, 'n-aaaaaaaaaaaaaaaa', new Date(t0.getTime() + 599_000), until)).toBe(false);
    const after = new Date(until.getTime() + 1_000);
    expect(await nonces.purgeExpired(t0)).toBe(0);
    expect(await nonces.claim(merchantId, 'n-aaaaaaaaaaaaaaaa', after, new Date(after.getTime() + 600_000))).toBe(true);
    expect(await nonces.purgeExpired(new Date(after.getTime() + 600_001))).toBeGreaterThanOrEqual(1);
  });

  it('refuses a tampered body, a wrong secret, an unknown key and a stale timestamp', async () => {
    const merchant = await createMerchant();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(12).toString('hex');
    const signature = signRequest(merchant.api_secret, 'POST', '/api/v1/test/till', timestamp, nonce, '{"amount":"1.00"}');
    const tampered = await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', undefined, { timestamp, nonce, signature, rawBody: '{"amount":"9.00"}' });
    expect(tampered.json.error).toBe('SIGNATURE_INVALID');
    // The failed attempt did not burn the nonce: the genuine request still goes through.
    const genuine = await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', undefined, { timestamp, nonce, signature, rawBody: '{"amount":"1.00"}' });
    expect(genuine.status).toBe(200);

    const wrongSecret = await signedCall(server.base, { ...merchant, api_secret: 'not-the-secret' }, 'POST', '/api/v1/test/till', { amount: '1.00' });
    expect(wrongSecret.json.error).toBe('SIGNATURE_INVALID');
    const unknown = await signedCall(server.base, { ...merchant, api_key: 'mk_unknown' }, 'POST', '/api/v1/test/till', { amount: '1.00' });
    expect(unknown.json.error).toBe('SIGNATURE_INVALID');
    const stale = await signedCall(server.base, merchant, 'POST', '/api/v1/test/till', { amount: '1.00' }, { timestamp: String(Math.floor(Date.now() / 1000) - 301) });
    expect(stale.status).toBe(401);
    expect(stale.json.error).toBe('SIGNATURE_EXPIRED');
  });
});
