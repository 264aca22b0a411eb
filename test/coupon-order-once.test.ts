import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule, identityOf } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';

// The same order id is the same payment. A till that retries a consume without an Idempotency-Key (or whose
// key's answer was lost) used to be charged again; now the database refuses a second transaction for a
// merchant's order, whichever process or path writes it, and the answer names the first transaction.
describe.each(backendPairs())('one redemption per order on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  let operator: string;
  let merchant: MerchantCredentialsForTest;

  async function setup(): Promise<void> {
    if (operator) return;
    const identity = identityOf(server.platform);
    const phone = newPhone();
    await identity.service.grantRole(phone, 'operator', undefined, 'test');
    const userId = await identity.service.ensureUser(server.platform.database.db, phone);
    operator = (await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId))).access_token;
    merchant = (await api('/api/v1/merchants', { body: { name: '便利店' }, headers: bearer(operator) })).json.data as unknown as MerchantCredentialsForTest;
  }

  /** `count` issued coupons of a new template, as codes. */
  async function issued(body: Record<string, unknown>, count: number): Promise<string[]> {
    await setup();
    const template = await api('/api/v1/coupon/templates', { body: { valid_days: 30, ...body }, headers: bearer(operator) });
    expect(template.status, template.text).toBe(200);
    const templateId = (template.json.data as { template_id: string }).template_id;
    const codes: string[] = [];
    for (let i = 0; i < count; i++) {
      const user = newPhone();
      const identity = identityOf(server.platform);
      const userId = await identity.service.ensureUser(server.platform.database.db, user);
      const { access_token } = await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
      const claimed = await api('/api/v1/coupon/claim', { body: { template_id: templateId }, headers: bearer(access_token) });
      expect(claimed.status, claimed.text).toBe(200);
      codes.push((claimed.json.data as { coupon_code: string }).coupon_code);
    }
    return codes;
  }

  const consume = (body: Record<string, unknown>) => signedCall(server.base, merchant, 'POST', '/api/v1/coupon/consume', { merchant_id: merchant.merchant_id, ...body });
  const balanceOf = async (code: string) =>
    (await sql<{ balance_fen: string }>`SELECT balance_fen::text FROM coupon_info WHERE code = ${code}`.execute(server.platform.database.db)).rows[0]!.balance_fen;

  it('answers a repeated order with the first transaction and charges the card once', async () => {
    const [card] = await issued({ name: '礼品卡', type: 'GIFT_CARD', balance: '100.00' }, 1);
    const order = `order-${randomUUID()}`;
    const first = await consume({ coupon_code: card, amount: '23.34', order_id: order });
    expect(first.status, first.text).toBe(200);
    const transactionId = (first.json.data as { transaction_id: string }).transaction_id;

    // The till's retry without a key, and another coupon on the same order: both are the same payment.
    for (const body of [{ coupon_code: card, amount: '23.34' }, { coupon_code: card, amount: '1.00' }]) {
      const again = await consume({ ...body, order_id: order });
      expect(again.status, again.text).toBe(409);
      expect(again.json).toMatchObject({ error: 'COUPON_ORDER_ALREADY_REDEEMED', order_id: order, transaction_id: transactionId });
    }
    expect(await balanceOf(card!)).toBe('7666');
    const rows = await sql<{ n: string }>`SELECT count(*)::text AS n FROM coupon_redemptions WHERE order_id = ${order}`.execute(server.platform.database.db);
    expect(rows.rows[0]!.n).toBe('1');
  });

  it('lets exactly one of simultaneous consumes for one order through, with different coupons', async () => {
    const codes = await issued({ name: '5元券', type: 'CASH', amount: '5.00' }, 6);
    const order = `order-${randomUUID()}`;
    const answers = await Promise.all(codes.map((code) => consume({ coupon_code: code, amount: '20.00', order_id: order })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => a.json.error)).toEqual(Array(5).fill('COUPON_ORDER_ALREADY_REDEEMED'));
    const used = await sql<{ n: string }>`SELECT count(*)::text AS n FROM coupon_info WHERE code = ANY(${codes}::text[]) AND status = 'USED'`.execute(server.platform.database.db);
    expect(used.rows[0]!.n).toBe('1');
  });

  it('refuses to confirm a lock for an order that was already paid', async () => {
    const [paid, held] = await issued({ name: '5元券', type: 'CASH', amount: '5.00' }, 2);
    const order = `order-${randomUUID()}`;
    expect((await consume({ coupon_code: paid, amount: '20.00', order_id: order })).status).toBe(200);
    const lock = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/lock', { merchant_id: merchant.merchant_id, coupon_code: held, amount: '20.00', order_id: order });
    expect(lock.status, lock.text).toBe(200);
    const lockId = (lock.json.data as { lock_id: string }).lock_id;
    const confirm = await consume({ lock_id: lockId, amount: '20.00', order_id: order });
    expect(confirm.status, confirm.text).toBe(409);
    expect(confirm.json.error).toBe('COUPON_ORDER_ALREADY_REDEEMED');
    const status = await sql<{ status: string }>`SELECT status FROM coupon_info WHERE code = ${held}`.execute(server.platform.database.db);
    expect(status.rows[0]!.status).toBe('ACTIVATED');
  });

  it('keeps orders apart per merchant', async () => {
    const [card] = await issued({ name: '礼品卡', type: 'GIFT_CARD', balance: '100.00' }, 1);
    const otherShop = (await api('/api/v1/merchants', { body: { name: '另一家店' }, headers: bearer(operator) })).json.data as unknown as MerchantCredentialsForTest;
    const order = `order-${randomUUID()}`;
    expect((await consume({ coupon_code: card, amount: '1.00', order_id: order })).status).toBe(200);
    const elsewhere = await signedCall(server.base, otherShop, 'POST', '/api/v1/coupon/consume', { merchant_id: otherShop.merchant_id, coupon_code: card, amount: '1.00', order_id: order });
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });
});
