import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditModule, auditOf } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { riskModule, riskOf } from '../src/modules/risk/index.js';
import { RuleConfig } from '../src/modules/risk/rule-config.js';
import { settlementModule, settlementOf } from '../src/modules/settlement/index.js';
import { addDays } from '../src/modules/settlement/domain/calendar.js';
import { businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';
import { lotteryModule } from '../src/modules/lottery/index.js';
import { drainOutbox as drainOutboxOf } from './support/outbox.js';
import { generateCouponCode } from '../src/modules/coupons/domain/coupon-code.js';

interface MyCoupon {
  coupon_code: string;
  status: string;
}

interface Case {
  case_id: string;
  kind: string;
  subject_kind: string;
  subject_id: string;
  action: string;
  status: string;
  evidence: { hook: string; reasons: { rule: string; reason: string; evidence: Record<string, unknown> }[] }[];
  hold_id: string | null;
  decisions?: { decision: string }[];
}

let ipSerial = 0;
/** A distinct documentation-range client address per call, named by X-Forwarded-For through the trusted loopback proxy. */
const freshIp = () => `203.0.113.${(ipSerial = (ipSerial % 250) + 1)}`;

describe.each(backendPairs())('risk control on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    // The test client is a proxy on loopback, so X-Forwarded-For names each simulated client.
    env: { TRUST_PROXY: '127.0.0.1/8,::1' },
    modules: [identityModule, merchantsModule, couponsModule, auditModule, payoutsModule, settlementModule, riskModule, lotteryModule],
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);

  async function session(role?: 'operator' | 'risk_reviewer' | 'auditor'): Promise<{ token: string; userId: string; phone: string }> {
    const tokens = await sessionFor(server.platform, role);
    return { token: tokens.access_token, userId: tokens.user_id, phone: tokens.phone };
  }


  let operatorToken: string | undefined;
  let reviewerToken: string | undefined;
  const operator = async () => (operatorToken ??= (await session('operator')).token);
  const reviewer = async () => (reviewerToken ??= (await session('risk_reviewer')).token);

  async function template(body: Record<string, unknown> = {}): Promise<string> {
    const res = await api('/api/v1/coupon/templates', { body: { name: '5元券', type: 'CASH', amount: '5.00', valid_days: 30, ...body }, headers: bearer(await operator()) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { template_id: string }).template_id;
  }

  const claim = (token: string, templateId: string, headers: Record<string, string>) => api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: { ...bearer(token), ...headers } });

  async function myCoupons(token: string): Promise<MyCoupon[]> {
    const res = await api('/api/v1/users/me/coupons', { headers: bearer(token) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { coupons: MyCoupon[] }).coupons;
  }

  async function openCaseFor(subjectKind: string, subjectId: string): Promise<Case | undefined> {
    const res = await api('/api/v1/risk/cases?status=OPEN&limit=200', { headers: bearer(await reviewer()) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { cases: Case[] }).cases.find((c) => c.subject_kind === subjectKind && c.subject_id === subjectId);
  }

  const drainOutbox = () => drainOutboxOf(server.platform);


  it('11 claims from one IP within 5 minutes: the 11th is refused and the account frozen; approval restores it; all audited', async () => {
    const user = await session();
    const ip = freshIp();
    const templateId = await template({ per_user_limit: 20 });
    for (let i = 1; i <= 10; i++) {
      const res = await claim(user.token, templateId, { 'x-forwarded-for': ip });
      expect(res.status, `claim ${i}: ${res.text}`).toBe(200);
    }
    const eleventh = await claim(user.token, templateId, { 'x-forwarded-for': ip });
    expect(eleventh.status).toBe(403);
    expect(eleventh.json.error).toBe('ACCOUNT_FROZEN');
    expect(eleventh.json.reasons).toEqual([{ rule: 'COUPON_FARMING', reason: 'IP_CLAIM_VELOCITY' }]);

    const frozen = await myCoupons(user.token);
    expect(frozen).toHaveLength(10);
    expect(frozen.every((c) => c.status === 'FROZEN')).toBe(true);
    // From another address too: the account itself is frozen.
    const elsewhere = await claim(user.token, templateId, { 'x-forwarded-for': freshIp() });
    expect(elsewhere.json.error).toBe('ACCOUNT_FROZEN');

    const opened = await openCaseFor('user', user.userId);
    expect(opened).toMatchObject({ kind: 'COUPON_FARMING', action: 'FREEZE_ACCOUNT', status: 'OPEN' });
    expect(opened!.evidence[0]!.reasons[0]!.evidence).toMatchObject({ ip, claims: 11, max_claims: 10, window_minutes: 5 });
    const detail = await api(`/api/v1/risk/cases/${opened!.case_id}`, { headers: bearer(await reviewer()) });
    expect((detail.json.data as unknown as Case).decisions!.map((d) => d.decision)).toEqual(['FREEZE_ACCOUNT']);

    // Only a risk reviewer decides.
    const byOperator = await api(`/api/v1/risk/cases/${opened!.case_id}/decide`, { body: { decision: 'approve', note: '误判' }, headers: bearer(await operator()) });
    expect(byOperator.status).toBe(403);
    const approved = await api(`/api/v1/risk/cases/${opened!.case_id}/decide`, { body: { decision: 'approve', note: '同一公司出口IP,非薅羊毛' }, headers: bearer(await reviewer()) });
    expect(approved.status, approved.text).toBe(200);
    expect((approved.json.data as { unfrozen_coupons: string[] }).unfrozen_coupons).toHaveLength(10);
    expect((await myCoupons(user.token)).every((c) => c.status === 'ACTIVATED')).toBe(true);
    const again = await api(`/api/v1/risk/cases/${opened!.case_id}/decide`, { body: { decision: 'reject', note: 'x' }, headers: bearer(await reviewer()) });
    expect(again.json.error).toBe('RISK_CASE_DECIDED');
    expect((await claim(user.token, templateId, { 'x-forwarded-for': freshIp() })).status).toBe(200);

    const auditor = await session('auditor');
    const trail = await api(`/api/v1/audit/records?subject_kind=user&subject_id=${user.userId}`, { headers: bearer(auditor.token) });
    expect(trail.status, trail.text).toBe(200);
    const actions = (trail.json.data as { records: { action: string }[] }).records.map((r) => r.action).reverse();
    expect(actions).toEqual(['risk.decision', 'risk.account_frozen', 'risk.case_approved']);
  });

  it('a reviewer who rejects a farming case with claw_back revokes the free coupons it froze; a paid gift card stays frozen', async () => {
    const user = await session();
    const card = await claim(user.token, await template({ name: '礼品卡', type: 'GIFT_CARD', amount: undefined, balance: '50.00' }), { 'x-forwarded-for': freshIp() });
    expect(card.status, card.text).toBe(200);
    const ip = freshIp();
    const templateId = await template({ per_user_limit: 20 });
    for (let i = 1; i <= 10; i++) expect((await claim(user.token, templateId, { 'x-forwarded-for': ip })).status).toBe(200);
    expect((await claim(user.token, templateId, { 'x-forwarded-for': ip })).json.error).toBe('ACCOUNT_FROZEN');
    expect((await myCoupons(user.token)).map((c) => c.status)).toEqual(Array(11).fill('FROZEN'));

    const opened = await openCaseFor('user', user.userId);
    const rejected = await api(`/api/v1/risk/cases/${opened!.case_id}/decide`, { body: { decision: 'reject', note: '批量薅羊毛', claw_back: true }, headers: bearer(await reviewer()) });
    expect(rejected.status, rejected.text).toBe(200);
    expect((rejected.json.data as { revoked_coupons: string[] }).revoked_coupons).toHaveLength(10);
    const after = await myCoupons(user.token);
    const cardCode = (card.json.data as { coupon_code: string }).coupon_code;
    expect(after.filter((c) => c.coupon_code === cardCode).map((c) => c.status)).toEqual(['FROZEN']);
    expect(after.filter((c) => c.coupon_code !== cardCode).every((c) => c.status === 'REVOKED')).toBe(true);
    // Still frozen: the account stays as the reviewer left it.
    expect((await claim(user.token, templateId, { 'x-forwarded-for': freshIp() })).json.error).toBe('ACCOUNT_FROZEN');
    const auditor = await session('auditor');
    const trail = await api(`/api/v1/audit/records?subject_kind=user&subject_id=${user.userId}`, { headers: bearer(auditor.token) });
    const rejection = (trail.json.data as { records: { action: string; details: { revoked_coupons?: string[] } }[] }).records.find((r) => r.action === 'risk.case_rejected');
    expect(rejection?.details.revoked_coupons).toHaveLength(10);
  });

  it("the cash-out pattern holds the merchant's settlement until a reviewer decides the case", async () => {
    const changed = await api('/api/v1/risk/rules/CASH_OUT', { method: 'PUT', body: { params: { max_redemptions: 3, window_minutes: 10 }, note: '测试阈值' }, headers: bearer(await operator()) });
    expect(changed.status, changed.text).toBe(200);
    try {
      const created = await api('/api/v1/merchants', { body: { name: '可疑商户' }, headers: bearer(await operator()) });
      const merchant = created.json.data as unknown as MerchantCredentialsForTest;
      const templateId = await template({ per_user_limit: 10 });
      for (let i = 0; i < 4; i++) {
        const user = await session();
        const code = ((await claim(user.token, templateId, { 'x-forwarded-for': freshIp() })).json.data as { coupon_code: string }).coupon_code;
        const paid = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/consume', { merchant_id: merchant.merchant_id, order_id: randomUUID(), coupon_code: code, amount: '5.00' });
        expect(paid.status, paid.text).toBe(200);
      }
      await drainOutbox();
      const opened = await openCaseFor('merchant', merchant.merchant_id);
      expect(opened).toMatchObject({ kind: 'CASH_OUT', action: 'DELAY_SETTLEMENT' });
      expect(opened!.hold_id).toBeTruthy();

      const t3 = addDays(businessDate(new Date()), 3, 'calendar', { marked: new Map() });
      const { run } = settlementOf(server.platform);
      expect((await run.settle(t3)).held).toBeGreaterThanOrEqual(1);
      const statements = async () =>
        (await server.platform.database.db.selectFrom('settlement_statements').select('total_fen').where('party_kind', '=', 'merchant').where('party_id', '=', merchant.merchant_id).execute()).map((s) => s.total_fen);
      expect(await statements()).toEqual([]);

      const approved = await api(`/api/v1/risk/cases/${opened!.case_id}/decide`, { body: { decision: 'approve', note: '促销活动,核销正常' }, headers: bearer(await reviewer()) });
      expect(approved.status, approved.text).toBe(200);
      await run.settle(t3);
      expect(await statements()).toEqual([String(4 * 425)]); // four 5.00 redemptions, 85% each
    } finally {
      await api('/api/v1/risk/rules/CASH_OUT', { method: 'PUT', body: { params: { max_redemptions: 100 }, note: '恢复' }, headers: bearer(await operator()) });
    }
  });

  it('blacklists refuse a device, a CIDR and a phone (by its blind index); CSV import reports bad rows by line', async () => {
    const headers = bearer(await operator());
    const user = await session();
    const templateId = await template();
    expect((await api('/api/v1/risk/blacklist', { body: { kind: 'DEVICE', value: 'dev-黑产-1'.replace('黑产', 'bad'), reason: '群控设备' }, headers })).status).toBe(200);
    const device = await claim(user.token, templateId, { 'x-forwarded-for': freshIp(), 'x-device-id': 'dev-bad-1' });
    expect(device.status).toBe(403);
    expect(device.json.error).toBe('RISK_DENIED');

    const imported = await api('/api/v1/risk/blacklist/import', {
      body: { csv: 'kind,value,reason\r\nCIDR,198.51.100.0/24,代理网段\r\nIP,not-an-ip,坏行\r\nPHONE_HASH,' + identityOf(server.platform).service.phoneHash(user.phone) + ',黑产手机号\r\n' },
      headers,
    });
    expect(imported.status, imported.text).toBe(200);
    expect(imported.json.data).toMatchObject({ rows: 2, added: 2, errors: [{ line: 3 }] });
    const cidr = await claim((await session()).token, templateId, { 'x-forwarded-for': '198.51.100.77' });
    expect(cidr.json.error).toBe('RISK_DENIED');
    const phone = await claim(user.token, templateId, { 'x-forwarded-for': freshIp() });
    expect(phone.json.error).toBe('RISK_DENIED');
    const sms = await api('/api/v1/auth/sms/send', { body: { phone: user.phone }, headers: { 'x-forwarded-for': freshIp() } });
    expect(sms.status).toBe(403);
    expect(sms.json.error).toBe('RISK_DENIED');
    // Nothing was claimed by the refused attempts.
    expect(await myCoupons(user.token)).toEqual([]);

    const invalid = await api('/api/v1/risk/blacklist', { body: { kind: 'CIDR', value: '10.0.0.0/33' }, headers });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error).toBe('BLACKLIST_ENTRY_INVALID');
  });

  it('a code guesser the coupons module refuses is put before a reviewer (COUPON_CODE_GUESSING)', async () => {
    const user = await session();
    const ip = freshIp();
    // Ten failed activations (the default cap per user) within the hour; the eleventh is refused before lookup.
    for (let i = 0; i < 10; i++) {
      const wrong = await api('/api/v1/coupon/activate', { body: { coupon_code: generateCouponCode() }, headers: { ...bearer(user.token), 'x-forwarded-for': ip } });
      expect(wrong.status, wrong.text).toBe(404);
    }
    const refused = await api('/api/v1/coupon/activate', { body: { coupon_code: generateCouponCode() }, headers: { ...bearer(user.token), 'x-forwarded-for': ip } });
    expect(refused.json.error).toBe('COUPON_ACTIVATION_ATTEMPTS_EXCEEDED');
    await drainOutbox();
    const opened = await openCaseFor('user', user.userId);
    expect(opened).toMatchObject({ kind: 'COUPON_CODE_GUESSING', action: 'REVIEW' });
  });

  it('a deployment sets its own rule defaults (RISK_RULE_DEFAULTS); unknown rules and bad parameters stop the start', async () => {
    const { database } = server.platform;
    const trail = auditOf(server.platform).trail;
    const deployed = new RuleConfig(database.db, trail, { BLACKLIST: { enabled: false }, INVOICE_FRAUD_SIGNALS: { params: { review_just_over_floor: 0 } } });
    const settings = await deployed.current();
    expect(settings.get('BLACKLIST')).toMatchObject({ enabled: false, version: 0 });
    expect(settings.get('INVOICE_FRAUD_SIGNALS')!.params).toMatchObject({ review_just_over_floor: 0, review_self_issued: 1 });
    expect(() => new RuleConfig(database.db, trail, { NO_SUCH_RULE: {} })).toThrow(/RISK_RULE_DEFAULTS.*NO_SUCH_RULE/);
    expect(() => new RuleConfig(database.db, trail, { COUPON_FARMING: { params: { max_claims: 0 } } })).toThrow(/RISK_RULE_DEFAULTS.*max_claims/);
  });

  it('rule changes are versioned and audited; bad parameters are refused', async () => {
    const headers = bearer(await operator());
    const bad = await api('/api/v1/risk/rules/COUPON_FARMING', { method: 'PUT', body: { params: { max_claims: 0 }, note: 'x' }, headers });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toBe('RISK_RULE_INVALID');
    const unknown = await api('/api/v1/risk/rules/NO_SUCH_RULE', { method: 'PUT', body: { enabled: false, note: 'x' }, headers });
    expect(unknown.json.error).toBe('RISK_RULE_NOT_FOUND');
    const first = await api('/api/v1/risk/rules/COUPON_FARMING', { method: 'PUT', body: { params: { max_claims: 20 }, note: '大促放宽' }, headers });
    const second = await api('/api/v1/risk/rules/COUPON_FARMING', { method: 'PUT', body: { params: { max_claims: 10 }, note: '大促结束' }, headers });
    expect((second.json.data as { version: number }).version).toBe((first.json.data as { version: number }).version + 1);
    const history = await api('/api/v1/risk/rules/COUPON_FARMING/history', { headers });
    expect((history.json.data as { versions: { note: string; params: { max_claims: number } }[] }).versions.slice(0, 2).map((v) => [v.note, v.params.max_claims])).toEqual([
      ['大促结束', 10],
      ['大促放宽', 20],
    ]);
    const trail = await api('/api/v1/audit/records?action=risk.rule_changed&subject_id=COUPON_FARMING', { headers });
    expect((trail.json.data as { records: unknown[] }).records.length).toBeGreaterThanOrEqual(2);
  });

  it('an invoice with fraud signals opens a review case and waits out of the lottery until a reviewer decides', async () => {
    const screen = riskOf(server.platform).screen;
    expect(await screen.assessInvoice({ userId: '1', invoiceSignals: ['SELF_ISSUED'] })).toBe('REVIEW');
    expect(await screen.assessInvoice({ userId: '1', invoiceSignals: [] })).toBe('ALLOW');
    const heldStatus = async (invoiceId: string) =>
      (await server.platform.database.db.selectFrom('lottery_held_invoices').select('status').where('invoice_id', '=', invoiceId).executeTakeFirst())?.status;
    const decided: Record<string, string | undefined> = {};
    for (const decision of ['approve', 'reject'] as const) {
      const invoiceId = server.platform.ids.next();
      await server.platform.database.db.transaction().execute((trx) =>
        server.platform.outbox.publish(trx, {
          topic: 'invoice.accepted',
          aggregateId: invoiceId,
          payload: { invoice_id: invoiceId, user_id: '1', kind: 'DIGITAL', invoice_number: '1', issue_date: '2026-11-29', total_amount: '10.00', fraud_signals: [{ code: 'SELF_ISSUED', details: {} }], risk_review: true },
        }),
      );
      await drainOutbox();
      const opened = await openCaseFor('invoice', invoiceId);
      expect(opened).toMatchObject({ kind: 'INVOICE_FRAUD_SIGNALS', action: 'REVIEW', status: 'OPEN' });
      expect(await heldStatus(invoiceId)).toBe('HELD');
      const res = await api(`/api/v1/risk/cases/${opened!.case_id}/decide`, { body: { decision, note: decision === 'approve' ? '正常经营' : '自开票' }, headers: bearer(await reviewer()) });
      expect(res.status, res.text).toBe(200);
      await drainOutbox();
      decided[decision] = await heldStatus(invoiceId);
    }
    expect(decided).toEqual({ approve: 'RELEASED', reject: 'DROPPED' });
    expect(await screen.isFrozen('1')).toBe(false);
  });
});
