import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { couponsModule } from '../src/modules/coupons/index.js';
import { generateCouponCode } from '../src/modules/coupons/domain/coupon-code.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { drainOutbox } from './support/outbox.js';
import { useTestServer } from './support/test-platform.js';

// Long enough that a test's failures fall in one window on a loaded machine, short enough to wait out once.
const WINDOW_SECONDS = 6;

/**
 * Code guessing on POST /coupon/activate (#16 item 10): failed activations are counted per user, per device and
 * per IP; past the cap every activation is refused with 429 and Retry-After, a right code included, until the
 * window passes; the caller is reported to risk control. Small caps and a short window keep the test quick.
 */
describe.each(backendPairs())('coupon activation guessing on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    modules: [identityModule, merchantsModule, couponsModule],
    env: { TRUST_PROXY: '127.0.0.1/8,::1', COUPON_ACTIVATION_FAILURES_PER_HOUR: '3', COUPON_ACTIVATION_FAILURES_PER_HOUR_PER_IP: '5', COUPON_ACTIVATION_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS) },
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  let pool: string[] = [];

  /** An issued, unactivated code nobody has tried yet. */
  async function freshCode(): Promise<string> {
    if (pool.length === 0) {
      const operator = (await sessionFor(server.platform, 'operator')).access_token;
      const template = await api('/api/v1/coupon/templates', { body: { name: '兑换券', type: 'CASH', amount: '5.00', valid_days: 30 }, headers: bearer(operator) });
      expect(template.status, template.text).toBe(200);
      const id = (template.json.data as { template_id: string }).template_id;
      const issued = await api(`/api/v1/coupon/templates/${id}/issue`, { body: { quantity: 20 }, headers: bearer(operator) });
      expect(issued.status, issued.text).toBe(200);
      await drainOutbox(server.platform);
      const csv = await fetch(`${server.base}/api/v1/coupon/batches/${(issued.json.data as { batch_id: string }).batch_id}/codes.csv`, { headers: bearer(operator) });
      pool = (await csv.text()).trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    }
    return pool.pop()!;
  }

  const user = async () => (await sessionFor(server.platform)).access_token;
  const activate = (token: string, code: string, headers: Record<string, string>) =>
    api('/api/v1/coupon/activate', { body: { coupon_code: code }, headers: { ...bearer(token), ...headers } });
  let addresses = 0;
  /** A new address of the benchmarking range (198.18.0.0/15) each call, so tests never share an IP's count. */
  const ipOf = () => `198.18.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;
  const statusOf = async (code: string) =>
    (await sql<{ status: string }>`SELECT status FROM coupon_info WHERE code = ${code}`.execute(server.platform.database.db)).rows[0]!.status;
  async function expectThrottled(res: Awaited<ReturnType<typeof activate>>, scope: string) {
    expect(res.status, res.text).toBe(429);
    expect(res.json).toMatchObject({ error: 'COUPON_ACTIVATION_ATTEMPTS_EXCEEDED', scope });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  }

  it('a user with 3 wrong codes is refused even a right one until the window passes, and is reported to risk control', async () => {
    const session = await sessionFor(server.platform);
    const token = session.access_token;
    const headers = { 'x-forwarded-for': ipOf() };
    for (let i = 0; i < 3; i++) {
      const wrong = await activate(token, generateCouponCode(), headers);
      expect(wrong.status, wrong.text).toBe(404);
      expect(wrong.json.error).toBe('COUPON_NOT_FOUND');
    }
    const right = await freshCode();
    await expectThrottled(await activate(token, right, headers), 'user');
    expect(await statusOf(right)).toBe('UNACTIVATED');
    // Another address does not help: the user is the one counted.
    await expectThrottled(await activate(token, right, { 'x-forwarded-for': ipOf() }), 'user');

    const reports = await sql<{ payload: { user_id: string; reached: { scope: string; failures: number }[] } }>`
      SELECT payload FROM outbox_events WHERE topic = 'coupon.activation_guessing'
    `.execute(server.platform.database.db);
    const mine = reports.rows.filter(({ payload }) => payload.user_id === String(session.user_id));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload.reached).toContainEqual({ scope: 'user', failures: 3 });

    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000 + 200));
    const later = await activate(token, right, headers);
    expect(later.status, later.text).toBe(200);
    expect(later.json.data).toMatchObject({ coupon_code: right, status: 'ACTIVATED' });
  });

  it('counts per IP across users: 5 wrong codes from one address refuse a sixth user there, not elsewhere', async () => {
    const ip = ipOf();
    for (const failures of [2, 2, 1]) {
      const token = await user();
      for (let i = 0; i < failures; i++) expect((await activate(token, generateCouponCode(), { 'x-forwarded-for': ip })).status).toBe(404);
    }
    const newcomer = await user();
    const right = await freshCode();
    await expectThrottled(await activate(newcomer, right, { 'x-forwarded-for': ip }), 'ip');
    expect(await statusOf(right)).toBe('UNACTIVATED');
    const elsewhere = await activate(newcomer, right, { 'x-forwarded-for': ipOf() });
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });

  it('counts per device across users and addresses', async () => {
    const device = `device-${randomUUID()}`;
    for (const failures of [2, 1]) {
      const token = await user();
      for (let i = 0; i < failures; i++) expect((await activate(token, generateCouponCode(), { 'x-forwarded-for': ipOf(), 'x-device-id': device })).status).toBe(404);
    }
    const right = await freshCode();
    const token = await user();
    await expectThrottled(await activate(token, right, { 'x-forwarded-for': ipOf(), 'x-device-id': device }), 'device');
    expect((await activate(token, right, { 'x-forwarded-for': ipOf(), 'x-device-id': `device-${randomUUID()}` })).status).toBe(200);
  });

  it('a right code within the cap still works; refusing a code that is not yours to activate counts as a failure', async () => {
    const token = await user();
    const headers = { 'x-forwarded-for': ipOf() };
    for (let i = 0; i < 2; i++) expect((await activate(token, generateCouponCode(), headers)).status).toBe(404);
    const right = await freshCode();
    const ok = await activate(token, right, headers);
    expect(ok.status, ok.text).toBe(200);
    // Activating one's own code again is refused (COUPON_ALREADY_ACTIVATED) and counts: the third failure.
    expect((await activate(token, right, headers)).json.error).toBe('COUPON_ALREADY_ACTIVATED');
    await expectThrottled(await activate(token, await freshCode(), headers), 'user');
  });
});
