import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

interface Day {
  date: string;
  merchant_ids: string[];
  totals: { transactions: number; order_amount: string; discount: string; refunded: string };
  transactions: { transaction_id: string; order_id: string; order_amount: string; discount: string; payable: string; refunded: string; status: string; lines: { coupon_code: string; type: string; amount: string; refunded: string }[] }[];
  next_cursor: string | null;
}

/**
 * GET /api/v1/merchants/me/redemptions: the merchant console's "today" list. Merchant staff redeem with their
 * bearer token (the console has no cashier secret), and see their own merchant's transactions of one
 * Asia/Shanghai business day, grouped by till transaction with refunds on them, and nobody else's.
 */
describe.each(backendPairs())('merchant console redemptions on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const day = async (token: string, query = '') => {
    const res = await api(`/api/v1/merchants/me/redemptions${query}`, { headers: bearer(token) });
    expect(res.status, res.text).toBe(200);
    return res.json.data as unknown as Day;
  };

  it("lists a business day's transactions for the staff's own merchant, with refunds and totals", async () => {
    const operator = (await sessionFor(server.platform, 'operator')).access_token;
    const merchant = async (name: string) => {
      const res = await api('/api/v1/merchants', { body: { name }, headers: bearer(operator) });
      expect(res.status, res.text).toBe(200);
      return (res.json.data as { merchant_id: string }).merchant_id;
    };
    const [shop, otherShop] = [await merchant('便利店'), await merchant('隔壁店')];
    const staff = (await sessionFor(server.platform, 'merchant_staff', shop)).access_token;
    const otherStaff = (await sessionFor(server.platform, 'merchant_staff', otherShop)).access_token;
    const consumer = (await sessionFor(server.platform)).access_token;

    const couponOf = async (body: Record<string, unknown>) => {
      const template = await api('/api/v1/coupon/templates', { body: { valid_days: 30, ...body }, headers: bearer(operator) });
      expect(template.status, template.text).toBe(200);
      const claimed = await api('/api/v1/coupon/claim', { body: { template_id: (template.json.data as { template_id: string }).template_id }, headers: bearer(consumer) });
      return (claimed.json.data as { coupon_code: string }).coupon_code;
    };
    const cash = await couponOf({ name: '立减5元', type: 'CASH', amount: '5.00' });
    const card = await couponOf({ name: '礼品卡', type: 'GIFT_CARD', balance: '100.00' });

    // The console redeems with the staff's bearer token: a dry run, then the consume.
    const asStaff = (path: string, body: Record<string, unknown>) =>
      api(path, { body: { merchant_id: shop, order_id: randomUUID(), ...body }, headers: { ...bearer(staff), 'idempotency-key': randomUUID() } });
    const quote = await asStaff('/api/v1/coupon/validate', { coupon_code: cash, amount: '30.00' });
    expect(quote.json.data).toMatchObject({ discount: '5.00', payable: '25.00' });
    const first = await asStaff('/api/v1/coupon/consume', { coupon_code: cash, amount: '30.00', order_id: 'order-1' });
    expect(first.status, first.text).toBe(200);
    const second = await asStaff('/api/v1/coupon/consume', { coupon_code: card, amount: '40.00', order_id: 'order-2' });
    expect(second.status, second.text).toBe(200);
    const [cashTx, cardTx] = [first, second].map((r) => (r.json.data as { transaction_id: string }).transaction_id) as [string, string];
    const refund = await api('/api/v1/coupon/refund', { body: { transaction_id: cardTx, amount: '10.00' }, headers: bearer(staff) });
    expect(refund.status, refund.text).toBe(200);
    // Another merchant's staff cannot redeem for this one.
    const foreign = await api('/api/v1/coupon/validate', { body: { merchant_id: shop, order_id: 'x', coupon_code: card, amount: '1.00' }, headers: bearer(otherStaff) });
    expect(foreign.json.error).toBe('FORBIDDEN');

    const today = await day(staff);
    expect(today.date).toBe(businessDate(new Date()));
    expect(today.merchant_ids).toEqual([shop]);
    expect(today.totals).toEqual({ transactions: 2, order_amount: '70.00', discount: '45.00', refunded: '10.00' });
    expect(today.transactions.map((t) => t.transaction_id)).toEqual([cardTx, cashTx]);
    expect(today.transactions[0]).toMatchObject({
      order_id: 'order-2', order_amount: '40.00', discount: '40.00', payable: '0.00', refunded: '10.00', status: 'PARTLY_REFUNDED',
      lines: [{ coupon_code: card, type: 'GIFT_CARD', amount: '40.00', refunded: '10.00' }],
    });
    expect(today.transactions[1]).toMatchObject({ order_id: 'order-1', discount: '5.00', payable: '25.00', refunded: '0.00', status: 'REDEEMED', lines: [{ coupon_code: cash, type: 'CASH' }] });
    expect((await day(staff, `?merchant_id=${shop}`)).totals.transactions).toBe(2);

    // A page at a time.
    const page1 = await day(staff, '?limit=1');
    expect(page1.transactions.map((t) => t.transaction_id)).toEqual([cardTx]);
    const page2 = await day(staff, `?limit=1&cursor=${page1.next_cursor}`);
    expect(page2.transactions.map((t) => t.transaction_id)).toEqual([cashTx]);
    expect(page2.next_cursor).toBeNull();
    expect(page2.totals.transactions).toBe(2);

    // A full refund marks the transaction refunded.
    expect((await api('/api/v1/coupon/refund', { body: { transaction_id: cashTx }, headers: bearer(staff) })).status).toBe(200);
    expect((await day(staff)).transactions[1]).toMatchObject({ transaction_id: cashTx, refunded: '5.00', status: 'REFUNDED' });

    // Other merchants' staff see nothing of it, and cannot ask for it.
    expect((await day(otherStaff)).totals).toEqual({ transactions: 0, order_amount: '0.00', discount: '0.00', refunded: '0.00' });
    const notTheirs = await api(`/api/v1/merchants/me/redemptions?merchant_id=${shop}`, { headers: bearer(otherStaff) });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.json.error).toBe('MERCHANT_NOT_FOUND');
    expect((await api('/api/v1/merchants/me/redemptions', { headers: bearer(consumer) })).json.error).toBe('FORBIDDEN');

    // Days are Asia/Shanghai calendar days: 15:59:59.999 UTC is still the 20th there, 16:00 UTC is the 21st.
    const moveTo = (transactionId: string, at: string) =>
      sql`UPDATE coupon_redemptions SET created_at = ${at}::timestamptz WHERE transaction_id = ${transactionId}`.execute(server.platform.database.db);
    await moveTo(cashTx, '2026-11-20T15:59:59.999Z');
    await moveTo(cardTx, '2026-11-20T16:00:00.000Z');
    expect((await day(staff, '?date=2026-11-20')).transactions.map((t) => t.transaction_id)).toEqual([cashTx]);
    expect((await day(staff, '?date=2026-11-21')).transactions.map((t) => t.transaction_id)).toEqual([cardTx]);
    expect((await day(staff, '?date=2026-11-19')).totals.transactions).toBe(0);

    for (const bad of ['2026-02-30', '20261120']) {
      const res = await api(`/api/v1/merchants/me/redemptions?date=${bad}`, { headers: bearer(staff) });
      expect(res.status, bad).toBe(400);
      expect(res.json).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'querystring.date' }] });
    }
  });
});
