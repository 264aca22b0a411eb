import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { activitiesModule, activitiesOf } from '../src/modules/activities/index.js';
import { auditModule } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { riskModule } from '../src/modules/risk/index.js';
import { settlementModule } from '../src/modules/settlement/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone, sessionFor, type Tokens } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';
import { drainOutbox as drainOutboxOf } from './support/outbox.js';

// Shanghai Telecom's and Beijing Unicom's public DNS servers: the offline IP database places them in 上海市 and 北京市.
const SHANGHAI_IP = '202.96.209.5';
const BEIJING_IP = '202.106.0.20';

describe.each(backendPairs())('activities on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    // The test client is a proxy on loopback, so X-Forwarded-For names each simulated client (and its city).
    env: { TRUST_PROXY: '127.0.0.1/8,::1' },
    modules: [identityModule, merchantsModule, couponsModule, auditModule, payoutsModule, settlementModule, riskModule, activitiesModule],
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);

  let operatorToken: string | undefined;
  const operator = async () => (operatorToken ??= (await sessionFor(server.platform, 'operator')).access_token);


  const drainOutbox = () => drainOutboxOf(server.platform);


  /** Signs a new phone up from `ip` (and `deviceId`), as the app would. */
  async function signUp(ip: string, deviceId?: string, inviteCode?: string): Promise<Tokens> {
    const phone = newPhone();
    const headers = { 'x-forwarded-for': ip, ...(deviceId ? { 'x-device-id': deviceId } : {}) };
    expect((await api('/api/v1/auth/sms/send', { body: { phone }, headers })).status).toBe(200);
    const outbox = await api(`/api/v1/dev/sms?phone=${phone}`);
    const otp = (outbox.json.data as { messages: { otp: string }[] }).messages[0]!.otp;
    const login = await api('/api/v1/auth/sms/login', { body: { phone, code: otp, ...(inviteCode ? { invite_code: inviteCode } : {}) }, headers });
    expect(login.status, login.text).toBe(200);
    return login.json.data as unknown as Tokens;
  }

  async function rewardsOf(tokens: Tokens): Promise<{ coupons: number; points: number }> {
    const coupons = await api('/api/v1/users/me/coupons', { headers: bearer(tokens.access_token) });
    const points = await api('/api/v1/users/me/points', { headers: bearer(tokens.access_token) });
    return { coupons: (coupons.json.data as { coupons: unknown[] }).coupons.length, points: (points.json.data as { balance: number }).balance };
  }

  let specActivity: Promise<string> | undefined;
  /** The specification's template, pasted as written, with its coupon_id naming one of our templates. */
  function specTemplate(): Promise<string> {
    specActivity ??= (async () => {
      const created = await api('/api/v1/coupon/templates', { body: { name: '新人券', type: 'CASH', amount: '10.00', valid_days: 30 }, headers: bearer(await operator()) });
      const templateId = (created.json.data as { template_id: string }).template_id;
      const text = `{"activity_type": "NEW_USER_REGISTER","reward": [{"coupon_id": "${templateId}", "quantity": 2},{"points": 100}],"rules": [{"condition": "device_id NOT IN (blacklist)"},{"condition": "ip_city = '上海'"}]
}`;
      const activity = await api('/api/v1/activities', { rawBody: text, headers: { 'content-type': 'application/json', ...bearer(await operator()) } });
      expect(activity.status, activity.text).toBe(200);
      return (activity.json.data as { activity_id: string }).activity_id;
    })();
    return specActivity;
  }

  it("the specification's template, pasted as is: a new user from Shanghai gets 2 coupons and 100 points; from Beijing or a blacklisted device, nothing", async () => {
    await specTemplate();
    expect((await api('/api/v1/risk/blacklist', { body: { kind: 'DEVICE', value: 'emulator-farm-7', reason: '群控' }, headers: bearer(await operator()) })).status).toBe(200);

    const shanghai = await signUp(SHANGHAI_IP, 'iphone-abc');
    const beijing = await signUp(BEIJING_IP, 'iphone-def');
    const noDevice = await signUp(SHANGHAI_IP);
    // A blacklisted device is already refused its login code by risk control…
    const refused = await api('/api/v1/auth/sms/send', { body: { phone: newPhone() }, headers: { 'x-forwarded-for': SHANGHAI_IP, 'x-device-id': 'emulator-farm-7' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('RISK_DENIED');
    await drainOutbox();

    expect(await rewardsOf(shanghai)).toEqual({ coupons: 2, points: 100 });
    expect(await rewardsOf(beijing)).toEqual({ coupons: 0, points: 0 });
    // …and the activity's own condition refuses it too (a device blacklisted between sign-up and the event).
    const activityId = await specTemplate();
    const listedUser = await identityOf(server.platform).service.ensureUser(server.platform.database.db, newPhone());
    const outcome = await activitiesOf(server.platform).onRegistered({ user_id: listedUser, ip: SHANGHAI_IP, device_id: 'emulator-farm-7', invite_code: null, registered_at: new Date().toISOString() });
    expect(outcome[activityId]).toBeUndefined();
    expect(await activitiesOf(server.platform).points.balanceOf(listedUser)).toBe(0);
    // "device_id NOT IN (blacklist)" cannot be decided without a device id: no reward.
    expect(await rewardsOf(noDevice)).toEqual({ coupons: 0, points: 0 });
    const mine = await api('/api/v1/users/me/rewards', { headers: bearer(shanghai.access_token) });
    expect((mine.json.data as { rewards: { status: string }[] }).rewards).toMatchObject([{ status: 'GRANTED' }]);
  });

  it('100 concurrent deliveries of one registration grant once', async () => {
    const activityId = await specTemplate();
    const userId = await identityOf(server.platform).service.ensureUser(server.platform.database.db, newPhone());
    const event = { user_id: userId, ip: SHANGHAI_IP, device_id: 'pixel-1', invite_code: null, registered_at: new Date().toISOString() };
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => activitiesOf(server.platform).onRegistered(event)));
    const granted = outcomes.filter((o) => o[activityId] === 'GRANTED');
    expect(granted).toHaveLength(1);
    expect(outcomes.every((o) => o[activityId] === 'GRANTED' || o[activityId] === 'ALREADY_GRANTED')).toBe(true);
    expect(await activitiesOf(server.platform).points.balanceOf(userId)).toBe(100);
  });

  it('refuses a bad condition on save with the rule index and the column of the error', async () => {
    const res = await api('/api/v1/activities', {
      body: { activity_type: 'NEW_USER_REGISTER', reward: [{ points: 5 }], rules: [{ condition: "ip_city = '上海'" }, { condition: 'device_id NOT IN (blacklist' }] },
      headers: bearer(await operator()),
    });
    expect(res.status).toBe(422);
    expect(res.json.error).toBe('ACTIVITY_RULE_INVALID');
    expect(res.json).toMatchObject({ index: 1, column: expect.any(Number) });
    expect(res.json.column).toBeGreaterThan(20);
    const unknown = await api('/api/v1/activities', {
      body: { activity_type: 'NEW_USER_REGISTER', reward: [{ points: 5 }], rules: [{ condition: 'favourite_colour = "red"' }] },
      headers: bearer(await operator()),
    });
    expect(unknown.json).toMatchObject({ error: 'ACTIVITY_RULE_INVALID', index: 0, column: 1 });
    const badReward = await api('/api/v1/activities', { body: { activity_type: 'NEW_USER_REGISTER', reward: [{ coupon_id: '999999999', quantity: 1 }] }, headers: bearer(await operator()) });
    expect(badReward.json).toMatchObject({ error: 'ACTIVITY_TEMPLATE_INVALID', field: 'reward[0].coupon_id' });
  });

  it('referral: the inviter is rewarded once per invitee who signs up with the code, within the cap', async () => {
    const created = await api('/api/v1/activities', {
      body: { name: '邀请有礼', activity_type: 'REFERRAL', reward: [{ points: 30 }], per_user_cap: 2, rules: [] },
      headers: bearer(await operator()),
    });
    expect(created.status, created.text).toBe(200);
    const inviter = await signUp(BEIJING_IP, 'inviter-phone');
    const code = ((await api('/api/v1/users/me/invite-code', { method: 'POST', headers: bearer(inviter.access_token) })).json.data as { invite_code: string }).invite_code;
    const again = await api('/api/v1/users/me/invite-code', { method: 'POST', headers: bearer(inviter.access_token) });
    expect((again.json.data as { invite_code: string }).invite_code).toBe(code);
    for (let i = 0; i < 3; i++) await signUp(BEIJING_IP, `invitee-${i}`, code);
    await drainOutbox();
    expect((await rewardsOf(inviter)).points).toBe(60); // three invitees, capped at two rewards
  });

  it("referral on the invitee's first redemption: nothing at sign-up, one reward at the first redemption, none after", async () => {
    const created = await api('/api/v1/activities', {
      body: { name: '邀请首单有礼', activity_type: 'REFERRAL', referral_trigger: 'FIRST_REDEMPTION', reward: [{ points: 7 }], per_user_cap: 5 },
      headers: bearer(await operator()),
    });
    expect(created.status, created.text).toBe(200);
    const activityId = (created.json.data as { activity_id: string }).activity_id;
    const inviter = await signUp(BEIJING_IP, 'inviter-first-redemption');
    const code = ((await api('/api/v1/users/me/invite-code', { method: 'POST', headers: bearer(inviter.access_token) })).json.data as { invite_code: string }).invite_code;
    const invitee = await signUp(BEIJING_IP, 'invitee-first-redemption', code);
    await drainOutbox();
    const grantsOfActivity = async () =>
      ((await api('/api/v1/users/me/rewards', { headers: bearer(inviter.access_token) })).json.data as { rewards: { activity_id: string; rewards: unknown[] }[] }).rewards.filter((r) => r.activity_id === activityId);
    expect(await grantsOfActivity()).toEqual([]);

    const template = await api('/api/v1/coupon/templates', { body: { name: '首单券', type: 'CASH', amount: '5.00', valid_days: 30 }, headers: bearer(await operator()) });
    const templateId = (template.json.data as { template_id: string }).template_id;
    const merchant = (await api('/api/v1/merchants', { body: { name: '首单商户' }, headers: bearer(await operator()) })).json.data as unknown as MerchantCredentialsForTest;
    for (let i = 0; i < 2; i++) {
      const claimed = await api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(invitee.access_token) });
      const couponCode = (claimed.json.data as { coupon_code: string }).coupon_code;
      const paid = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/consume', { merchant_id: merchant.merchant_id, order_id: randomUUID(), coupon_code: couponCode, amount: '20.00' });
      expect(paid.status, paid.text).toBe(200);
      await drainOutbox();
      expect(await grantsOfActivity()).toEqual([expect.objectContaining({ rewards: [{ points: 7 }] })]);
    }
  });

  it('SPEND_THRESHOLD and INVOICE_ACCEPTED grant on accepted invoices', async () => {
    const headers = bearer(await operator());
    expect((await api('/api/v1/activities', { body: { activity_type: 'SPEND_THRESHOLD', min_amount: '200.00', reward: [{ points: 50 }] }, headers })).status).toBe(200);
    expect((await api('/api/v1/activities', { body: { activity_type: 'INVOICE_ACCEPTED', reward: [{ points: 1 }], per_user_cap: 10, rules: [{ condition: 'invoice_amount >= 10' }] }, headers })).status).toBe(200);
    const userId = await identityOf(server.platform).service.ensureUser(server.platform.database.db, newPhone());
    const service = activitiesOf(server.platform);
    await service.onInvoiceAccepted({ invoice_id: '1', user_id: userId, total_amount: '150.00' });
    expect(await service.points.balanceOf(userId)).toBe(1);
    await service.onInvoiceAccepted({ invoice_id: '2', user_id: userId, total_amount: '250.00' });
    await service.onInvoiceAccepted({ invoice_id: '2', user_id: userId, total_amount: '250.00' }); // a redelivery
    await service.onInvoiceAccepted({ invoice_id: '3', user_id: userId, total_amount: '300.00' });
    expect(await service.points.balanceOf(userId)).toBe(1 + 1 + 50 + 1); // the threshold rewards once
  });
});
