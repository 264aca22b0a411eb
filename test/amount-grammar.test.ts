import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditModule } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { settlementModule } from '../src/modules/settlement/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

/**
 * Amount fields take a string only in the decimal grammar and a JSON number only with at most two decimal places;
 * anything else is 400 VALIDATION_FAILED naming the field, before any handler runs. (ajv's coerceTypes once turned
 * "1e1", "0x0A", "0b1010", " 10 " and "9.999999999999999999" into 10.00.)
 */
const BAD_AMOUNTS: readonly unknown[] = [
  '1e1',
  '0x0A',
  '0b1010',
  ' 10 ',
  '10 ',
  '9.999999999999999999',
  '10.005',
  '010',
  '+10',
  '10.',
  '.5',
  '1,000',
  '',
  10.005,
  1e21,
  1e-7,
  true,
  null,
  ['10.00'],
  ['1e1'],
  [10],
  { value: '10.00' },
];

/** Good forms and the exact amount each must come to. */
const GOOD_AMOUNTS: readonly (readonly [string | number, string])[] = [
  ['10', '10.00'],
  ['10.5', '10.50'],
  ['10.25', '10.25'],
  [10, '10.00'],
  [10.5, '10.50'],
  [10.25, '10.25'],
  [19.99, '19.99'],
];

describe.each(backendPairs())('amount grammar on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule, auditModule, payoutsModule, settlementModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);

  let operatorToken: string | undefined;
  const operator = async () => (operatorToken ??= (await sessionFor(server.platform, 'operator')).access_token);

  /** A till's dry run of consume: a merchant's staff, a claimed 5.00 cash coupon. */
  let till: Promise<(amount: unknown, language?: string) => ReturnType<typeof api>> | undefined;
  const quote = (amount: unknown, language?: string) =>
    (till ??= (async () => {
      const created = await api('/api/v1/merchants', { body: { name: '便利店' }, headers: bearer(await operator()) });
      expect(created.status, created.text).toBe(200);
      const shop = (created.json.data as { merchant_id: string }).merchant_id;
      const staff = (await sessionFor(server.platform, 'merchant_staff', shop)).access_token;
      const template = await api('/api/v1/coupon/templates', { body: { name: '立减5元', type: 'CASH', amount: '5.00', valid_days: 30 }, headers: bearer(await operator()) });
      expect(template.status, template.text).toBe(200);
      const consumer = (await sessionFor(server.platform)).access_token;
      const claimed = await api('/api/v1/coupon/claim', { body: { template_id: (template.json.data as { template_id: string }).template_id }, headers: bearer(consumer) });
      expect(claimed.status, claimed.text).toBe(200);
      const code = (claimed.json.data as { coupon_code: string }).coupon_code;
      return (value: unknown, lang?: string) =>
        api('/api/v1/coupon/validate', {
          body: { merchant_id: shop, order_id: randomUUID(), coupon_code: code, amount: value },
          headers: { ...bearer(staff), ...(lang ? { 'accept-language': lang } : {}) },
        });
    })()).then((call) => call(amount, language));

  const topUp = async (amount: unknown) => api('/api/v1/ledger/top-ups', { body: { source: 'PLATFORM', amount }, headers: bearer(await operator()) });

  const expectRefusedNamingAmount = (res: Awaited<ReturnType<typeof api>>, sent: unknown) => {
    expect(res.status, `${JSON.stringify(sent)}: ${res.text}`).toBe(400);
    expect(res.json.error).toBe('VALIDATION_FAILED');
    expect(res.json.details, JSON.stringify(sent)).toEqual([{ field: 'body.amount', rule: 'x-money', message: expect.any(String) }]);
  };

  it.each(BAD_AMOUNTS.map((amount) => [JSON.stringify(amount), amount]))('the till refuses amount %s: 400 VALIDATION_FAILED naming body.amount', async (_label, amount) => {
    expectRefusedNamingAmount(await quote(amount), amount);
  });

  it.each(BAD_AMOUNTS.map((amount) => [JSON.stringify(amount), amount]))('a top-up refuses amount %s: 400 VALIDATION_FAILED naming body.amount', async (_label, amount) => {
    expectRefusedNamingAmount(await topUp(amount), amount);
  });

  it('says why in the reader’s language', async () => {
    const zh = await quote('1e1');
    expect((zh.json.details as { message: string }[])[0]!.message).toMatch(/金额/);
    const en = await quote('1e1', 'en');
    expect((en.json.details as { message: string }[])[0]!.message).toMatch(/decimal amount/);
    const number = await quote(10.005, 'en');
    expect((number.json.details as { message: string }[])[0]!.message).toMatch(/at most 2 decimal places/);
  });

  it.each(GOOD_AMOUNTS)('takes %j as exactly %s', async (amount, exact) => {
    const priced = await quote(amount);
    expect(priced.status, priced.text).toBe(200);
    // A 5.00 cash coupon: payable is the order amount less 5.00, in whole fen.
    const payableFen = Number(exact.replace('.', '')) - 500;
    expect(priced.json.data).toMatchObject({ discount: '5.00', payable: `${Math.floor(payableFen / 100)}.${String(payableFen % 100).padStart(2, '0')}` });
    const topped = await topUp(amount);
    expect(topped.status, topped.text).toBe(200);
    expect(topped.json.data).toMatchObject({ amount: exact });
  });

  it('keeps each field’s own rule on sign and zero: a top-up of a negative or zero amount is AMOUNT_INVALID', async () => {
    for (const amount of ['-5.00', -5, '0', 0]) {
      const res = await topUp(amount);
      expect(res.status, res.text).toBe(400);
      expect(res.json).toMatchObject({ error: 'AMOUNT_INVALID', field: 'amount' });
    }
  });
});
