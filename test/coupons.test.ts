import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { couponsModule, couponsOf } from '../src/modules/coupons/index.js';
import { Redemptions } from '../src/modules/coupons/redemptions.js';
import { CouponRepo } from '../src/modules/coupons/repo.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { backendPairs } from './support/backends.js';
import { inParallel } from './support/concurrency.js';
import { http } from './support/http.js';
import { bearer, newPhone } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';

describe.each(backendPairs())('coupons on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);

  async function tokenFor(role?: 'operator'): Promise<{ token: string; userId: string }> {
    const identity = identityOf(server.platform);
    const phone = newPhone();
    if (role) await identity.service.grantRole(phone, role, undefined, 'test');
    const userId = await identity.service.ensureUser(server.platform.database.db, phone);
    const { access_token } = await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
    return { token: access_token, userId };
  }

  let operator: string;
  let merchant: MerchantCredentialsForTest;
  async function setup(): Promise<void> {
    if (operator) return;
    operator = (await tokenFor('operator')).token;
    const res = await api('/api/v1/merchants', { body: { name: '便利店' }, headers: bearer(operator) });
    merchant = res.json.data as unknown as MerchantCredentialsForTest;
  }

  async function template(body: Record<string, unknown>): Promise<string> {
    await setup();
    const res = await api('/api/v1/coupon/templates', { body: { valid_days: 30, ...body }, headers: bearer(operator) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { template_id: string }).template_id;
  }

  async function claim(templateId: string, token?: string): Promise<string> {
    const user = token ?? (await tokenFor()).token;
    const res = await api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(user) });
    expect(res.status, res.text).toBe(200);
    return (res.json.data as { coupon_code: string }).coupon_code;
  }

  /**
   * Sends `once` (a call with one Idempotency-Key) `times` at once: every answer is the first result or 409 in
   * flight, at least one succeeds, and a replay afterwards returns that same answer, which it returns.
   */
  async function expectOneEffect(once: () => ReturnType<typeof http>, times: number) {
    const answers = await inParallel(Array.from({ length: times }, () => once), times);
    const succeeded = answers.filter((a) => a.status === 200);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(new Set(succeeded.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 409 && a.json.error === 'IDEMPOTENCY_KEY_IN_FLIGHT')).toBe(true);
    const replay = await once();
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(succeeded[0]!.text);
    return replay;
  }

  const consume = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    signedCall(server.base, merchant, 'POST', '/api/v1/coupon/consume', { merchant_id: merchant.merchant_id, order_id: randomUUID(), ...body }, { headers });

  it('claims and redeems a threshold coupon; a second redemption gets 409 naming the state', async () => {
    const templateId = await template({ name: '满100减20', type: 'THRESHOLD', min_amount: '100.00', reduce_amount: '20.00' });
    const code = await claim(templateId);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const low = await consume({ coupon_code: code, amount: '99.99' });
    expect(low.status).toBe(422);
    expect(low.json.error).toBe('COUPON_THRESHOLD_NOT_MET');
    const paid = await consume({ coupon_code: code, amount: '150.00' });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json.data).toMatchObject({ discount: '20.00', payable: '130.00', transaction_id: expect.stringMatching(/^TX\d{8}\d+$/) });
    const again = await consume({ coupon_code: code, amount: '150.00' });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('COUPON_ALREADY_USED');
  });

  it('prices several codes: threshold, then discount, then the gift card; payable never below 0', async () => {
    const user = await tokenFor();
    const threshold = await claim(await template({ name: '满100减20', type: 'THRESHOLD', min_amount: '100.00', reduce_amount: '20.00' }), user.token);
    const discount = await claim(await template({ name: '8折', type: 'DISCOUNT', discount_rate: '0.80', max_discount: '500.00' }), user.token);
    const card = await claim(await template({ name: '礼品卡', type: 'GIFT_CARD', balance: '50.00' }), user.token);
    const res = await consume({ coupon_codes: [card, discount, threshold], amount: '200.00', allow_partial: true });
    expect(res.status, res.text).toBe(200);
    // 200 − 20 = 180; 20% off 180 = 36 → 144; the card pays 50 → payable 94.
    expect(res.json.data).toMatchObject({ discount: '106.00', payable: '94.00', balance: '0.00' });
  });

  it('validate is a dry run: the same pricing, and nothing changes', async () => {
    const code = await claim(await template({ name: '9折', type: 'DISCOUNT', discount_rate: '0.90' }));
    const quote = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/validate', { merchant_id: merchant.merchant_id, order_id: 'o-1', coupon_code: code, amount: '88.88' });
    expect(quote.status, quote.text).toBe(200);
    expect(quote.json.data).toMatchObject({ discount: '8.88', payable: '80.00' });
    const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ status: 'ACTIVATED', history: [{ action: 'claim' }] });
    const paid = await consume({ coupon_code: code, amount: '88.88' });
    expect(paid.json.data).toMatchObject({ discount: '8.88', payable: '80.00' });
  });

  it('dry runs sent together are each priced on their own against the same coupons, and spend nothing', async () => {
    const card = await claim(await template({ name: '10元礼品卡', type: 'GIFT_CARD', balance: '10.00' }));
    const cash = await claim(await template({ name: '立减3元', type: 'CASH', amount: '3.00' }));
    const validate = (body: Record<string, unknown>) => signedCall(server.base, merchant, 'POST', '/api/v1/coupon/validate', { merchant_id: merchant.merchant_id, order_id: randomUUID(), ...body });
    const calls = [
      // Each of these would take the whole card if consumed; as dry runs every one of them sees 10.00.
      ...Array.from({ length: 15 }, () => ({ body: { coupon_code: card, amount: '8.00' }, expect: { status: 200, payable: '0.00' } })),
      ...Array.from({ length: 5 }, () => ({ body: { coupon_code: cash, amount: '2.00' }, expect: { status: 200, payable: '0.00' } })),
      { body: { coupon_code: cash, amount: '20.00' }, expect: { status: 200, payable: '17.00' } },
      { body: { coupon_code: 'ZZZZ-ZZZZ', amount: '5.00' }, expect: { status: 404, payable: undefined } },
    ];
    const answers = await inParallel(calls.map((c) => () => validate(c.body)), calls.length);
    calls.forEach((c, i) => {
      expect(answers[i]!.status, answers[i]!.text).toBe(c.expect.status);
      if (c.expect.payable) expect((answers[i]!.json.data as { payable: string }).payable).toBe(c.expect.payable);
    });
    expect((answers[0]!.json.data as { lines: { balance_after: string }[] }).lines[0]!.balance_after).toBe('2.00');
    for (const code of [card, cash]) {
      const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
      expect(view.json.data).toMatchObject({ status: 'ACTIVATED', history: [{ action: 'claim' }] });
    }
  });

  it('a frozen coupon cannot be spent until it is unfrozen; only staff may freeze', async () => {
    const owner = await tokenFor();
    const code = await claim(await template({ name: '立减5元', type: 'CASH', amount: '5.00' }), owner.token);
    const byOwner = await api(`/api/v1/coupon/${code}/freeze`, { body: { reason: 'x' }, headers: bearer(owner.token) });
    expect(byOwner.status).toBe(403);
    expect((await api(`/api/v1/coupon/${code}/freeze`, { body: { reason: '疑似刷券' }, headers: bearer(operator) })).json.data).toMatchObject({ status: 'FROZEN' });
    const refused = await consume({ coupon_code: code, amount: '20.00' });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('COUPON_FROZEN');
    const twice = await api(`/api/v1/coupon/${code}/freeze`, { body: { reason: 'again' }, headers: bearer(operator) });
    expect(twice.json.error).toBe('COUPON_FROZEN');
    expect((await api(`/api/v1/coupon/${code}/unfreeze`, { body: { reason: '复核通过' }, headers: bearer(operator) })).json.data).toMatchObject({ status: 'ACTIVATED' });
    expect((await consume({ coupon_code: code, amount: '20.00' })).status).toBe(200);
    const mine = await api('/api/v1/users/me/coupons?status=USED', { headers: bearer(owner.token) });
    expect((mine.json.data as { coupons: { coupon_code: string }[] }).coupons.map((c) => c.coupon_code)).toEqual([code]);
  });

  it('refunds: partial back onto the gift card, never more than taken; single-use goes USED → REFUNDED', async () => {
    const card = await claim(await template({ name: '100元礼品卡', type: 'GIFT_CARD', balance: '100.00' }));
    const spent = await consume({ coupon_code: card, amount: '30.00' });
    const tx = (spent.json.data as { transaction_id: string }).transaction_id;
    const refund = (body: Record<string, unknown>) => signedCall(server.base, merchant, 'POST', '/api/v1/coupon/refund', body);
    expect((await refund({ transaction_id: tx, amount: '10.00' })).json.data).toMatchObject({ lines: [{ amount: '10.00', balance: '80.00' }] });
    const tooMuch = await refund({ transaction_id: tx, amount: '25.00' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.json.error).toBe('REFUND_EXCEEDS_REDEEMED');
    expect((await refund({ transaction_id: tx })).json.data).toMatchObject({ lines: [{ amount: '20.00', balance: '100.00', status: 'ACTIVATED' }] });
    expect((await refund({ transaction_id: tx })).status).toBe(409);

    const single = await claim(await template({ name: '立减8元', type: 'CASH', amount: '8.00' }));
    const used = await consume({ coupon_code: single, amount: '40.00' });
    const full = await refund({ transaction_id: (used.json.data as { transaction_id: string }).transaction_id });
    expect(full.json.data).toMatchObject({ lines: [{ amount: '8.00', status: 'REFUNDED' }] });
    const view = await api(`/api/v1/coupon/${single}`, { headers: bearer(operator) });
    expect((view.json.data as { history: { action: string; to: string }[] }).history.map((h) => `${h.action}:${h.to}`)).toEqual([
      'claim:ACTIVATED',
      'consume:USED',
      'refund:REFUNDED',
    ]);
    const unknown = await refund({ transaction_id: 'TX20260101999' });
    expect(unknown.status).toBe(404);
  });

  it('issues a batch of 12,000 codes through the worker in chunks, with progress and a CSV export; a code activates once', async () => {
    const templateId = await template({ name: '批量券', type: 'CASH', amount: '3.00', total_stock: 20_000 });
    const issued = await api(`/api/v1/coupon/templates/${templateId}/issue`, { body: { quantity: 12_000 }, headers: bearer(operator) });
    expect(issued.status, issued.text).toBe(200);
    const batchId = (issued.json.data as { batch_id: string }).batch_id;
    const progress = () => api(`/api/v1/coupon/batches/${batchId}`, { headers: bearer(operator) }).then((r) => r.json.data as { issued: number; status: string; progress: number });
    expect(await progress()).toMatchObject({ issued: 0, status: 'running' });

    const relay = new OutboxRelay(server.platform.database.db, server.platform.outbox, createLogger('silent'), 'test-worker');
    const seen: number[] = [];
    for (let i = 0; i < 10 && (await progress()).status !== 'done'; i++) {
      await relay.deliverDue();
      seen.push((await progress()).issued);
    }
    expect(await progress()).toMatchObject({ issued: 12_000, status: 'done', progress: 1 });
    expect(seen[0]).toBe(5_000); // chunked: progress moves in steps

    const csv = await fetch(`${server.base}/api/v1/coupon/batches/${batchId}/codes.csv`, { headers: bearer(operator) });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('coupon_code,coupon_id,status');
    expect(lines).toHaveLength(12_001);
    const codes = lines.slice(1).map((l) => l.split(',')[0]!);
    expect(new Set(codes).size).toBe(12_000);
    expect(lines.slice(1).every((l) => l.endsWith(',UNACTIVATED'))).toBe(true);

    const user = await tokenFor();
    const activated = await api('/api/v1/coupon/activate', { body: { coupon_code: codes[7] }, headers: bearer(user.token) });
    expect(activated.status, activated.text).toBe(200);
    expect(activated.json.data).toMatchObject({ status: 'ACTIVATED', balance: '3.00' });
    const other = await tokenFor();
    const again = await api('/api/v1/coupon/activate', { body: { coupon_code: codes[7] }, headers: bearer(other.token) });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('COUPON_ALREADY_ACTIVATED');
    const over = await api(`/api/v1/coupon/templates/${templateId}/issue`, { body: { quantity: 8_001 }, headers: bearer(operator) });
    expect(over.json.error).toBe('COUPON_OUT_OF_STOCK');
  });

  it('expired coupons are refused at the till and swept to EXPIRED with an event', async () => {
    const code = await claim(await template({ name: '即将过期', type: 'CASH', amount: '2.00' }));
    await sql`UPDATE coupon_info SET valid_until = now() - interval '1 minute' WHERE code = ${code}`.execute(server.platform.database.db);
    const refused = await consume({ coupon_code: code, amount: '10.00' });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('COUPON_EXPIRED');
    expect(await couponsOf(server.platform).service.expireDue()).toBeGreaterThanOrEqual(1);
    const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ status: 'EXPIRED' });
    expect((view.json.data as { history: { action: string }[] }).history.map((h) => h.action)).toEqual(['claim', 'expire']);
  });

  const lockCall = (body: Record<string, unknown>) =>
    signedCall(server.base, merchant, 'POST', '/api/v1/coupon/lock', { merchant_id: merchant.merchant_id, order_id: randomUUID(), ...body });

  it('locks part of a gift card: a plain consume cannot take the held money; confirming the lock spends it', async () => {
    const card = await claim(await template({ name: '10元卡', type: 'GIFT_CARD', balance: '10.00' }));
    const order_id = randomUUID();
    const locked = await lockCall({ coupon_code: card, amount: '6.00', order_id });
    expect(locked.status, locked.text).toBe(200);
    const { lock_id } = locked.json.data as { lock_id: string };
    const tooMuch = await consume({ coupon_code: card, amount: '5.00' });
    expect(tooMuch.json.error).toBe('COUPON_BALANCE_INSUFFICIENT');
    expect((await consume({ coupon_code: card, amount: '4.00' })).json.data).toMatchObject({ balance: '0.00' });
    const confirmed = await consume({ lock_id, amount: '6.00', order_id });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.json.data).toMatchObject({ discount: '6.00', payable: '0.00', balance: '0.00', lines: [{ status: 'USED' }] });
    expect((await consume({ lock_id, amount: '6.00', order_id })).json.error).toBe('LOCK_NOT_FOUND');
  });

  it('a lock is confirmed only for its own order at its own amount: 满100减20 locked at 100.00 is not 20.00 off a 1.00 sale', async () => {
    const code = await claim(await template({ name: '满100减20', type: 'THRESHOLD', min_amount: '100.00', reduce_amount: '20.00' }));
    const orderA = randomUUID();
    const locked = await lockCall({ coupon_code: code, amount: '100.00', order_id: orderA });
    expect(locked.status, locked.text).toBe(200);
    expect(locked.json.data).toMatchObject({ amount: '20.00', discount: '20.00', payable: '80.00' });
    const { lock_id } = locked.json.data as { lock_id: string };
    const untouched = async () => {
      const coupon = await sql<{ status: string; n: string }>`
        SELECT c.status, (SELECT count(*) FROM coupon_redemptions r WHERE r.coupon_id = c.coupon_id) AS n FROM coupon_info c WHERE c.code = ${code}
      `.execute(server.platform.database.db);
      expect(coupon.rows[0]).toEqual({ status: 'ACTIVATED', n: '0' });
      const lock = await sql<{ status: string }>`SELECT status FROM coupon_locks WHERE lock_id = ${lock_id}`.execute(server.platform.database.db);
      expect(lock.rows[0]!.status).toBe('held');
    };

    const cheaper = await consume({ lock_id, amount: '1.00', order_id: orderA });
    expect(cheaper.status, cheaper.text).toBe(409);
    expect(cheaper.json).toMatchObject({ error: 'COUPON_LOCK_ORDER_MISMATCH', field: 'amount' });
    await untouched();

    const otherOrder = await consume({ lock_id, amount: '100.00', order_id: randomUUID() });
    expect(otherOrder.status, otherOrder.text).toBe(409);
    expect(otherOrder.json).toMatchObject({ error: 'COUPON_LOCK_ORDER_MISMATCH', field: 'order_id' });
    await untouched();

    const confirmed = await consume({ lock_id, amount: '100.00', order_id: orderA });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.json.data).toMatchObject({ discount: '20.00', payable: '80.00', lines: [{ coupon_code: code, amount: '20.00', status: 'USED' }] });
    const redemption = await sql<{ order_id: string; order_amount_fen: string; amount_fen: string }>`
      SELECT r.order_id, r.order_amount_fen, r.amount_fen FROM coupon_redemptions r JOIN coupon_info c ON c.coupon_id = r.coupon_id WHERE c.code = ${code}
    `.execute(server.platform.database.db);
    expect(redemption.rows).toEqual([{ order_id: orderA, order_amount_fen: '10000', amount_fen: '2000' }]);
  });

  it('a lock from before order amounts were stored is confirmed only where the threshold and cap allow what it holds', async () => {
    const code = await claim(await template({ name: '满100减20', type: 'THRESHOLD', min_amount: '100.00', reduce_amount: '20.00' }));
    const order_id = randomUUID();
    const { lock_id } = (await lockCall({ coupon_code: code, amount: '100.00', order_id })).json.data as { lock_id: string };
    await sql`UPDATE coupon_locks SET order_amount_fen = NULL WHERE lock_id = ${lock_id}`.execute(server.platform.database.db);
    const below = await consume({ lock_id, amount: '1.00', order_id });
    expect(below.status, below.text).toBe(409);
    expect(below.json.error).toBe('COUPON_LOCK_ORDER_MISMATCH');
    expect((await consume({ lock_id, amount: '100.00', order_id: randomUUID() })).json.error).toBe('COUPON_LOCK_ORDER_MISMATCH');
    const met = await consume({ lock_id, amount: '120.00', order_id });
    expect(met.status, met.text).toBe(200);
    expect(met.json.data).toMatchObject({ discount: '20.00', payable: '100.00' });
  });

  it('a consume and a lock confirmation publish coupon.consumed of the same shape, with the coupon type', async () => {
    for (const [name, type, params, amount] of [
      ['满100减20', 'THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' }, '100.00'],
      ['20元卡', 'GIFT_CARD', { balance: '20.00' }, '20.00'],
    ] as const) {
      const templateId = await template({ name, type, ...params });
      const [plain, held] = await Promise.all([claim(templateId), claim(templateId)]);
      const consumed = await consume({ coupon_code: plain, amount });
      expect(consumed.status, consumed.text).toBe(200);
      const order_id = randomUUID();
      const locked = await lockCall({ coupon_code: held, amount, order_id });
      const confirmed = await consume({ lock_id: (locked.json.data as { lock_id: string }).lock_id, amount, order_id });
      expect(confirmed.status, confirmed.text).toBe(200);
      const payloadOf = async (answer: typeof consumed) => {
        const txId = (answer.json.data as { transaction_id: string }).transaction_id;
        const rows = await sql<{ payload: Record<string, unknown> & { lines: Record<string, unknown>[] } }>`
          SELECT payload FROM outbox_events WHERE topic = 'coupon.consumed' AND aggregate_id = ${txId}
        `.execute(server.platform.database.db);
        expect(rows.rows).toHaveLength(1);
        return rows.rows[0]!.payload;
      };
      const [a, b] = [await payloadOf(consumed), await payloadOf(confirmed)];
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      expect(b.lines.map((l) => Object.keys(l).sort())).toEqual(a.lines.map((l) => Object.keys(l).sort()));
      for (const payload of [a, b]) {
        expect(payload).toMatchObject({ merchant_id: merchant.merchant_id, order_amount: amount, lines: [{ type, template_id: templateId, redemption_id: expect.stringMatching(/^\d+$/) }] });
      }
      expect(a.lines[0]!.amount).toBe(b.lines[0]!.amount);
      expect((confirmed.json.data as { lines: { type: string }[] }).lines[0]!.type).toBe(type);
      expect((consumed.json.data as { lines: { type: string }[] }).lines[0]!.type).toBe(type);
    }
  });

  it('a single-use coupon has one live lock; unlock gives it back', async () => {
    const code = await claim(await template({ name: '立减3元', type: 'CASH', amount: '3.00' }));
    const locked = await lockCall({ coupon_code: code, amount: '30.00' });
    expect(locked.json.data).toMatchObject({ amount: '3.00', payable: '27.00' });
    expect((await lockCall({ coupon_code: code, amount: '30.00' })).json.error).toBe('COUPON_LOCKED');
    expect((await consume({ coupon_code: code, amount: '30.00' })).json.error).toBe('COUPON_LOCKED');
    const unlock = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/unlock', { lock_id: (locked.json.data as { lock_id: string }).lock_id });
    expect(unlock.json.data).toMatchObject({ status: 'released' });
    expect((await consume({ coupon_code: code, amount: '30.00' })).status).toBe(200);
  });

  it('staff of two merchants unlock a lock held at the second one; staff of neither cannot', async () => {
    await setup();
    const second = (await api('/api/v1/merchants', { body: { name: '第二家店' }, headers: bearer(operator) })).json.data as unknown as MerchantCredentialsForTest;
    const identity = identityOf(server.platform);
    const sessionOf = async (merchantIds: readonly string[]) => {
      const phone = newPhone();
      for (const merchantId of merchantIds) await identity.service.grantRole(phone, 'merchant_staff', merchantId, 'test');
      const userId = await identity.service.ensureUser(server.platform.database.db, phone);
      return (await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId))).access_token;
    };
    const both = await sessionOf([merchant.merchant_id, second.merchant_id]);
    const third = (await api('/api/v1/merchants', { body: { name: '第三家店' }, headers: bearer(operator) })).json.data as unknown as MerchantCredentialsForTest;
    const neither = await sessionOf([third.merchant_id]);
    const card = await claim(await template({ name: '9元卡', type: 'GIFT_CARD', balance: '9.00' }));
    const locked = await signedCall(server.base, second, 'POST', '/api/v1/coupon/lock', { merchant_id: second.merchant_id, order_id: randomUUID(), coupon_code: card, amount: '9.00' });
    expect(locked.status, locked.text).toBe(200);
    const { lock_id } = locked.json.data as { lock_id: string };
    const unlock = (token: string, body: Record<string, unknown> = {}) =>
      api('/api/v1/coupon/unlock', { body: { lock_id, ...body }, headers: { ...bearer(token), 'idempotency-key': randomUUID() } });

    const stranger = await unlock(neither);
    expect(stranger.status, stranger.text).toBe(404);
    expect(stranger.json.error).toBe('LOCK_NOT_FOUND');
    expect((await unlock(neither, { merchant_id: second.merchant_id })).status).toBe(403);
    // The first merchant's till cannot release the second one's lock either.
    expect((await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/unlock', { lock_id })).json.error).toBe('LOCK_NOT_FOUND');
    expect((await api(`/api/v1/coupon/${card}`, { headers: bearer(operator) })).json.data).toMatchObject({ balance: '0.00' });

    const released = await unlock(both);
    expect(released.status, released.text).toBe(200);
    expect(released.json.data).toMatchObject({ lock_id, status: 'released' });
    expect((await api(`/api/v1/coupon/${card}`, { headers: bearer(operator) })).json.data).toMatchObject({ balance: '9.00', status: 'ACTIVATED' });
    // Naming the merchant works too, once the lock is held again.
    const again = await signedCall(server.base, second, 'POST', '/api/v1/coupon/lock', { merchant_id: second.merchant_id, order_id: randomUUID(), coupon_code: card, amount: '9.00' });
    const named = await api('/api/v1/coupon/unlock', {
      body: { lock_id: (again.json.data as { lock_id: string }).lock_id, merchant_id: second.merchant_id },
      headers: { ...bearer(both), 'idempotency-key': randomUUID() },
    });
    expect(named.status, named.text).toBe(200);
  });

  it('an expired lock releases its hold', async () => {
    const card = await claim(await template({ name: '8元卡', type: 'GIFT_CARD', balance: '8.00' }));
    const order_id = randomUUID();
    const locked = await lockCall({ coupon_code: card, amount: '8.00', ttl_seconds: 1, order_id });
    const { lock_id } = locked.json.data as { lock_id: string };
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await consume({ lock_id, amount: '8.00', order_id })).json.error).toBe('LOCK_NOT_FOUND');
    expect(await couponsOf(server.platform).locks.expireDue()).toBeGreaterThanOrEqual(1);
    expect((await api(`/api/v1/coupon/${card}`, { headers: bearer(operator) })).json.data).toMatchObject({ balance: '8.00', status: 'ACTIVATED' });
    expect((await consume({ coupon_code: card, amount: '8.00' })).status).toBe(200);
  });

  it('locks and plain consumes racing for the last balance never overdraw', async () => {
    const card = await claim(await template({ name: '5元卡', type: 'GIFT_CARD', balance: '5.00' }));
    const calls = Array.from({ length: 40 }, (_, i) => () => (i % 2 === 0 ? lockCall({ coupon_code: card, amount: '3.00' }) : consume({ coupon_code: card, amount: '3.00' })));
    const answers = await inParallel(calls, 40);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const row = await sql<{ balance_fen: string; held_fen: string }>`SELECT balance_fen, held_fen FROM coupon_info WHERE code = ${card}`.execute(server.platform.database.db);
    const redeemed = await sql<{ s: string | null }>`
      SELECT sum(r.amount_fen) AS s FROM coupon_redemptions r JOIN coupon_info c ON c.coupon_id = r.coupon_id WHERE c.code = ${card}
    `.execute(server.platform.database.db);
    const { balance_fen, held_fen } = row.rows[0]!;
    expect(Number(balance_fen)).toBe(200);
    expect(Number(balance_fen) + Number(held_fen) + Number(redeemed.rows[0]!.s ?? 0)).toBe(500);
  });

  it('200 concurrent consumes of one single-use coupon: exactly one succeeds, one redemption row', async () => {
    const code = await claim(await template({ name: '立减10元', type: 'CASH', amount: '10.00' }));
    const answers = await inParallel(Array.from({ length: 200 }, () => () => consume({ coupon_code: code, amount: '50.00' })), 200);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(199);
    const rows = await sql<{ n: string }>`
      SELECT count(*) AS n FROM coupon_redemptions r JOIN coupon_info c ON c.coupon_id = r.coupon_id WHERE c.code = ${code}
    `.execute(server.platform.database.db);
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  it('500 concurrent consumes of 3.00 on a 500.00 gift card: exactly 166 succeed, balance 2.00', async () => {
    const code = await claim(await template({ name: '500元礼品卡', type: 'GIFT_CARD', balance: '500.00' }));
    const answers = await inParallel(Array.from({ length: 500 }, () => () => consume({ coupon_code: code, amount: '3.00' })), 250);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(166);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(334);
    const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ balance: '2.00', status: 'ACTIVATED' });
    const sum = await sql<{ s: string; n: string }>`
      SELECT sum(r.amount_fen) AS s, count(*) AS n FROM coupon_redemptions r JOIN coupon_info c ON c.coupon_id = r.coupon_id WHERE c.code = ${code}
    `.execute(server.platform.database.db);
    expect(sum.rows[0]).toEqual({ s: '49800', n: '166' });
  });

  it('a template budget caps what its coupons take off orders; a refund gives it back', async () => {
    const templateId = await template({ name: '立减10元 预算25元', type: 'CASH', amount: '10.00', budget: '25.00' });
    const codes = await Promise.all(Array.from({ length: 3 }, () => claim(templateId)));
    const answers = await inParallel(codes.map((code) => () => consume({ coupon_code: code, amount: '50.00' })), 3);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    const refused = answers.find((a) => a.status !== 200)!;
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('COUPON_BUDGET_EXHAUSTED');
    const used = async () =>
      (await server.platform.database.db.selectFrom('coupon_templates').select('budget_used_fen').where('template_id', '=', templateId).executeTakeFirstOrThrow()).budget_used_fen;
    expect(String(await used())).toBe('2000');
    const paid = answers.find((a) => a.status === 200)!.json.data as { transaction_id: string };
    const refund = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/refund', { transaction_id: paid.transaction_id });
    expect(refund.status, refund.text).toBe(200);
    expect(String(await used())).toBe('1000');
    const last = codes[answers.indexOf(refused)]!;
    expect((await consume({ coupon_code: last, amount: '50.00' })).status).toBe(200);
  });

  it('a lock does not reserve budget: confirming it after the budget ran out is refused and spends nothing', async () => {
    const templateId = await template({ name: '立减10元 预算10元', type: 'CASH', amount: '10.00', budget: '10.00' });
    const [held, other] = await Promise.all([claim(templateId), claim(templateId)]);
    const order_id = randomUUID();
    const locked = await lockCall({ coupon_code: held, amount: '50.00', order_id });
    expect(locked.status, locked.text).toBe(200);
    expect((await consume({ coupon_code: other, amount: '50.00' })).status).toBe(200);
    const confirm = await consume({ lock_id: (locked.json.data as { lock_id: string }).lock_id, amount: '50.00', order_id });
    expect(confirm.status).toBe(409);
    expect(confirm.json.error).toBe('COUPON_BUDGET_EXHAUSTED');
    const view = await api(`/api/v1/coupon/${held}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ status: 'ACTIVATED' });
  });

  it('the same Idempotency-Key sent 50 times at once to consume: one redemption; replays return the first answer', async () => {
    const code = await claim(await template({ name: '100元礼品卡', type: 'GIFT_CARD', balance: '100.00' }));
    const key = randomUUID();
    const body = { coupon_code: code, amount: '7.00', order_id: `idem-${key}` };
    const once = () => consume(body, { 'idempotency-key': key });
    await expectOneEffect(once, 50);
    const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ balance: '93.00' });
    const rows = await sql<{ n: string }>`
      SELECT count(*) AS n FROM coupon_redemptions r JOIN coupon_info c ON c.coupon_id = r.coupon_id WHERE c.code = ${code}
    `.execute(server.platform.database.db);
    expect(rows.rows[0]!.n).toBe('1');
  });

  it('two processes consuming one gift card through their own queues never overdraw it', async () => {
    // Each Redemptions instance is one process's queue; their batches are decided on rows read without locks
    // and written only if nothing moved, so they conflict and fall back to locked rows.
    const code = await claim(await template({ name: '30元礼品卡', type: 'GIFT_CARD', balance: '30.00' }));
    const { platform } = server;
    const processes = [couponsOf(platform).redemptions, new Redemptions(platform.database.db, new CouponRepo(), platform.outbox, platform.ids, platform.clock)];
    const actor = { kind: 'merchant' as const, id: merchant.merchant_id, roles: ['merchant_staff'], merchantIds: [merchant.merchant_id] };
    const attempts = Array.from({ length: 80 }, (_, i) => () => {
      const redemptions = processes[i % 2]!;
      const command = redemptions.prepare({ codes: [code], merchantId: merchant.merchant_id, amount: '1.00', orderId: `two-${i}`, allowPartial: false }, actor, `req-${i}`);
      return redemptions.committer.submit(command).then(
        (result) => result.balance,
        (error: { code?: string }) => error.code ?? 'error',
      );
    });
    const answers = await inParallel(attempts, 80);
    const paid = answers.filter((a) => a !== 'COUPON_BALANCE_INSUFFICIENT' && a !== 'COUPON_ALREADY_USED');
    expect(paid).toHaveLength(30);
    expect(new Set(paid).size).toBe(30); // each payment saw the balance the one before it left
    const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ balance: '0.00', status: 'USED' });
    const rows = await sql<{ n: string; total: string }>`
      SELECT count(*) AS n, sum(r.amount_fen)::text AS total FROM coupon_redemptions r JOIN coupon_info c ON c.coupon_id = r.coupon_id WHERE c.code = ${code}
    `.execute(platform.database.db);
    expect(rows.rows[0]).toEqual({ n: '30', total: '3000' });
  });

  it('a batch decided on a coupon that changed since it was read writes nothing', async () => {
    const code = await claim(await template({ name: '20元礼品卡', type: 'GIFT_CARD', balance: '20.00' }));
    const { db } = server.platform.database;
    const [row] = await new CouponRepo().loadForRedemption(db, [code], false);
    await consume({ coupon_code: code, amount: '5.00' }); // the coupon moves after our read
    const stale = new CouponRepo().writeRedemptions(
      db,
      { coupons: [{ couponId: row!.coupon_id, balanceFen: 1000n, status: 'ACTIVATED' }], budgets: [], events: [], redemptions: [], expected: [{ balanceFen: BigInt(row!.balance_fen), status: row!.status, heldFen: 0n }] },
      server.platform.outbox.prepare('coupon.consumed', []),
      [],
    );
    await expect(stale).rejects.toMatchObject({ code: '40001' });
    const view = await api(`/api/v1/coupon/${code}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ balance: '15.00' });
  });

  it('consumes decided together stay independent: refusals fail alone, every good consume commits', async () => {
    const cash = await template({ name: '立减2元', type: 'CASH', amount: '2.00' });
    const card = await claim(await template({ name: '10元礼品卡', type: 'GIFT_CARD', balance: '10.00' }));
    const codes = await Promise.all(Array.from({ length: 20 }, () => claim(cash)));
    const spent = codes[0]!;
    await consume({ coupon_code: spent, amount: '5.00' });
    const calls = [
      ...codes.slice(1).map((code) => ({ body: { coupon_code: code, amount: '5.00' }, expect: 200 })),
      { body: { coupon_code: spent, amount: '5.00' }, expect: 409 }, // already used
      { body: { coupon_code: 'ZZZZ-ZZZZ', amount: '5.00' }, expect: 404 },
      // 13 payments of 1.00 on a 10.00 card: exactly 10 fit.
      ...Array.from({ length: 13 }, () => ({ body: { coupon_code: card, amount: '1.00' }, expect: 0 })),
    ];
    const answers = await inParallel(calls.map((c) => () => consume(c.body)), calls.length);
    calls.forEach((c, i) => {
      if (c.expect) expect(answers[i]!.status, answers[i]!.text).toBe(c.expect);
    });
    const cardAnswers = answers.slice(-13);
    expect(cardAnswers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(cardAnswers.filter((a) => a.status === 409).every((a) => a.json.error === 'COUPON_BALANCE_INSUFFICIENT' || a.json.error === 'COUPON_ALREADY_USED')).toBe(true);
    const balances = cardAnswers.filter((a) => a.status === 200).map((a) => (a.json.data as { balance: string }).balance);
    expect(new Set(balances).size).toBe(10); // each payment saw the balance the one before it left
    const view = await api(`/api/v1/coupon/${card}`, { headers: bearer(operator) });
    expect(view.json.data).toMatchObject({ balance: '0.00', status: 'USED' });
  });

  it('a claim sent 20 times at once with one Idempotency-Key issues one coupon; a replay returns it', async () => {
    const { token, userId } = await tokenFor();
    const templateId = await template({ name: '立减3元', type: 'CASH', amount: '3.00', per_user_limit: 5 });
    const key = randomUUID();
    const once = () => api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: { ...bearer(token), 'idempotency-key': key } });
    const replay = await expectOneEffect(once, 20);
    expect(replay.json.data).toMatchObject({ template_id: templateId, status: 'ACTIVATED', balance: '3.00' });
    const held = await sql<{ n: string }>`SELECT count(*) AS n FROM coupon_info WHERE template_id = ${templateId} AND user_id = ${userId}`.execute(server.platform.database.db);
    expect(held.rows[0]!.n).toBe('1');
  });

  it('issued codes activated while the same user claims never take the user past the lifetime limit', async () => {
    const { token, userId } = await tokenFor();
    const templateId = await template({ name: '限领3张', type: 'CASH', amount: '1.00', per_user_limit: 3 });
    const batch = await api(`/api/v1/coupon/templates/${templateId}/issue`, { body: { quantity: 6 }, headers: bearer(operator) });
    expect(batch.status, batch.text).toBe(200);
    const relay = new OutboxRelay(server.platform.database.db, server.platform.outbox, createLogger('silent'), 'test-worker');
    while ((await relay.deliverDue()) > 0);
    const codes = (await sql<{ code: string }>`SELECT code FROM coupon_info WHERE template_id = ${templateId} AND status = 'UNACTIVATED'`.execute(server.platform.database.db)).rows.map((r) => r.code);
    expect(codes).toHaveLength(6);
    const calls = [
      ...codes.map((code) => () => api('/api/v1/coupon/activate', { body: { coupon_code: code }, headers: bearer(token) })),
      ...Array.from({ length: 6 }, () => () => api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(token) })),
    ];
    const answers = await inParallel(calls, calls.length);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.json.error === 'COUPON_LIMIT_REACHED')).toBe(true);
    const held = await sql<{ n: string }>`SELECT count(*) AS n FROM coupon_info WHERE template_id = ${templateId} AND user_id = ${userId}`.execute(server.platform.database.db);
    expect(held.rows[0]!.n).toBe('3');
  });

  it("a user's concurrent claims count one at a time against the lifetime and daily limits", async () => {
    const { token, userId } = await tokenFor();
    const templateId = await template({ name: '每日限2张', type: 'CASH', amount: '1.00', per_user_limit: 5, per_user_daily_limit: 2 });
    const answers = await inParallel(Array.from({ length: 12 }, () => () => api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(token) })), 12);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    expect(new Set(answers.filter((a) => a.status !== 200).map((a) => a.json.error))).toEqual(new Set(['COUPON_DAILY_LIMIT_REACHED']));
    // The claims refused by the daily limit gave their lifetime count back.
    const counters = await sql<{ day: string; claimed: number }>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, claimed FROM coupon_user_claims WHERE template_id = ${templateId} AND user_id = ${userId} ORDER BY day
    `.execute(server.platform.database.db);
    expect(counters.rows.map((r) => r.claimed)).toEqual([2, 2]);
  });

  it('when the stock runs out, the refused claims give their per-user counts back', async () => {
    const templateId = await template({ name: '限量3张', type: 'CASH', amount: '1.00', total_stock: 3, per_user_limit: 1 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => tokenFor()));
    const answers = await inParallel(tokens.map(({ token }) => () => api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(token) })), 10);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.json.error === 'COUPON_OUT_OF_STOCK')).toBe(true);
    const counted = await sql<{ n: string }>`SELECT coalesce(sum(claimed), 0) AS n FROM coupon_user_claims WHERE template_id = ${templateId}`.execute(server.platform.database.db);
    expect(counted.rows[0]!.n).toBe('3');
  });

  it('users racing to claim limited stock with a per-user limit of 1: exactly the stock, nobody holds two', async () => {
    const users = 5_000;
    const stock = 1_000;
    const templateId = await template({ name: '限量券', type: 'CASH', amount: '5.00', total_stock: stock, per_user_limit: 1 });
    const tokens = (await inParallel(Array.from({ length: users }, () => () => tokenFor()), 10)).map((t) => t.token);
    // Every user claims once; every tenth user tries twice at the same time.
    const attempts = tokens.flatMap((token, i) => (i % 10 === 0 ? [token, token] : [token]));
    const answers = await inParallel(
      attempts.map((token) => () => api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(token) })),
      200,
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(stock);
    expect(new Set(answers.filter((a) => a.status !== 200).map((a) => a.json.error))).toEqual(new Set(['COUPON_OUT_OF_STOCK', 'COUPON_LIMIT_REACHED']));
    const holders = await sql<{ n: string; users: string }>`
      SELECT count(*) AS n, count(DISTINCT user_id) AS users FROM coupon_info WHERE template_id = ${templateId}
    `.execute(server.platform.database.db);
    expect(holders.rows[0]).toEqual({ n: String(stock), users: String(stock) });
    const t = await server.platform.database.db.selectFrom('coupon_templates').select('issued_count').where('template_id', '=', templateId).executeTakeFirstOrThrow();
    expect(t.issued_count).toBe(stock);
  }, 240_000);
});
