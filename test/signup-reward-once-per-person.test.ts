import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { activitiesModule } from '../src/modules/activities/index.js';
import { auditModule } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { riskModule } from '../src/modules/risk/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone, sessionFor, type Tokens } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { drainOutbox } from './support/outbox.js';
import { useTestServer } from './support/test-platform.js';

describe.each(backendPairs())('sign-up rewards are once per person, across erasure, on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule, auditModule, riskModule, activitiesModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);

  async function signUp(phone: string, deviceId: string): Promise<Tokens> {
    // The resend limit (one code a minute per phone) is not under test: start each sign-up as a minute later.
    await server.platform.cache.delete(`sms:phone:60000:${server.platform.vault.blindIndex('phone', phone)}`);
    const headers = { 'x-device-id': deviceId };
    expect((await api('/api/v1/auth/sms/send', { body: { phone }, headers })).status).toBe(200);
    const otp = ((await api(`/api/v1/dev/sms?phone=${phone}`)).json.data as { messages: { otp: string }[] }).messages[0]!.otp;
    const login = await api('/api/v1/auth/sms/login', { body: { phone, code: otp }, headers });
    expect(login.status, login.text).toBe(200);
    await drainOutbox(server.platform);
    return login.json.data as unknown as Tokens;
  }
  async function rewardsOf(tokens: Tokens) {
    const coupons = await api('/api/v1/users/me/coupons', { headers: bearer(tokens.access_token) });
    const points = await api('/api/v1/users/me/points', { headers: bearer(tokens.access_token) });
    return {
      codes: (coupons.json.data as { coupons: { coupon_code: string }[] }).coupons.map((c) => c.coupon_code),
      points: (points.json.data as { balance: number }).balance,
    };
  }

  it('sign up (2 coupons + 100 points), erase, sign up again with the same phone: one reward in all; the erased free coupons are revoked and refused at the till, the gift card is not', async () => {
    const operator = bearer((await sessionFor(server.platform, 'operator')).access_token);
    const merchant = (await api('/api/v1/merchants', { body: { name: '便利店' }, headers: operator })).json.data as unknown as MerchantCredentialsForTest;
    const template = async (body: object) => ((await api('/api/v1/coupon/templates', { body: { valid_days: 30, ...body }, headers: operator })).json.data as { template_id: string }).template_id;
    const newcomerCoupon = await template({ name: '新人券', type: 'CASH', amount: '10.00' });
    const activity = await api('/api/v1/activities', {
      body: { activity_type: 'NEW_USER_REGISTER', reward: [{ coupon_id: newcomerCoupon, quantity: 2 }, { points: 100 }], rules: [{ condition: 'device_id NOT IN (blacklist)' }] },
      headers: operator,
    });
    expect(activity.status, activity.text).toBe(200);
    const activityId = (activity.json.data as { activity_id: string }).activity_id;

    const phone = newPhone();
    const first = await signUp(phone, 'phone-device-1');
    const firstRewards = await rewardsOf(first);
    expect(firstRewards.codes).toHaveLength(2);
    expect(firstRewards.points).toBe(100);
    // A gift card bought by the same account: paid value, which erasure must not take.
    const giftCard = await template({ name: '礼品卡', type: 'GIFT_CARD', balance: '50.00' });
    const claimed = await api('/api/v1/coupon/claim', { body: { template_id: giftCard }, headers: bearer(first.access_token) });
    const giftCode = (claimed.json.data as { coupon_code: string }).coupon_code;

    const exported = await api('/api/v1/users/me/export', { headers: bearer(first.access_token) });
    expect((exported.json.data as { anti_fraud_record: unknown }).anti_fraud_record).toEqual({
      phone_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      device_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      recorded_at: expect.any(String),
    });
    const notice = await api('/api/v1/privacy/notice');
    expect((notice.json.data as { items: { data: string }[] }).items.map((i) => i.data)).toContain('anti_fraud_record');
    expect((exported.json.data as { privacy_notice_version: string }).privacy_notice_version).toBe((notice.json.data as { version: string }).version);

    expect((await api('/api/v1/users/me', { method: 'DELETE', headers: bearer(first.access_token) })).status).toBe(200);
    await drainOutbox(server.platform);

    const statuses = await server.platform.database.db
      .selectFrom('coupon_info')
      .select(['code', 'status'])
      .where('code', 'in', [...firstRewards.codes, giftCode])
      .execute();
    expect(Object.fromEntries(statuses.map((s) => [s.code, s.status]))).toEqual({ [firstRewards.codes[0]!]: 'REVOKED', [firstRewards.codes[1]!]: 'REVOKED', [giftCode]: 'ACTIVATED' });
    const till = (code: string) => signedCall(server.base, merchant, 'POST', '/api/v1/coupon/consume', { merchant_id: merchant.merchant_id, order_id: randomUUID(), coupon_code: code, amount: '30.00' });
    const refused = await till(firstRewards.codes[0]!);
    expect({ status: refused.status, error: refused.json.error }).toEqual({ status: 409, error: 'COUPON_REVOKED' });
    expect((await till(giftCode)).status).toBe(200);

    // The same phone from another device is a new account but the same person: no second reward.
    const again = await signUp(phone, 'phone-device-2');
    expect(again.user_id).not.toBe(first.user_id);
    expect(await rewardsOf(again)).toEqual({ codes: [], points: 0 });
    // Another phone on the first device: the same device, no reward either.
    const sameDevice = await signUp(newPhone(), 'phone-device-1');
    expect(await rewardsOf(sameDevice)).toEqual({ codes: [], points: 0 });
    // A different person still gets it.
    const stranger = await signUp(newPhone(), 'phone-device-3');
    expect((await rewardsOf(stranger)).points).toBe(100);

    const granted = await api(`/api/v1/activities/${activityId}`, { headers: operator });
    expect((granted.json.data as { granted: number }).granted).toBe(2);
  });
});
