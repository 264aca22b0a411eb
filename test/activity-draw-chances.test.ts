import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { activitiesModule } from '../src/modules/activities/index.js';
import { auditModule } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { lotteryModule, lotteryOf } from '../src/modules/lottery/index.js';
import type { InvoiceAcceptedPayload } from '../src/modules/lottery/service.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { riskModule } from '../src/modules/risk/index.js';
import { settlementModule } from '../src/modules/settlement/index.js';
import { businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor, verifiedLogin } from './support/identity.js';
import { drainOutbox } from './support/outbox.js';
import { useTestServer } from './support/test-platform.js';

/** Issue #8: an INVOICE_ACCEPTED activity rewards extra draw chances, on the instant pool and in the weekly draw. */
describe.each(backendPairs())('activity draw chances on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    modules: [identityModule, merchantsModule, couponsModule, invoicesModule, auditModule, lotteryModule, payoutsModule, settlementModule, riskModule, activitiesModule],
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  let operatorToken: string | undefined;
  const operator = async () => (operatorToken ??= (await sessionFor(server.platform, 'operator')).access_token);

  let campaign: Promise<string> | undefined;
  /** One running campaign with an instant pool and a weekly draw; one chance per invoice by its own terms. */
  function runningCampaign(): Promise<string> {
    campaign ??= (async () => {
      const now = Date.now();
      const res = await api('/api/v1/lottery/campaigns', {
        body: {
          name: '加码抽奖',
          starts_at: new Date(now - 60_000).toISOString(),
          ends_at: new Date(now + 30 * 86_400_000).toISOString(),
          instant: { tickets: 500, prizes: [{ name: '现金', kind: 'CASH', amount: '1.00', count: 10 }] },
          weekly: { cron: '0 20 * * 3', tiers: [{ tier: 'FIRST', name: '一等奖', kind: 'CASH', amount: '100.00', count: 1 }] },
        },
        headers: bearer(await operator()),
      });
      expect(res.status, res.text).toBe(200);
      return (res.json.data as { campaign_id: string }).campaign_id;
    })();
    return campaign;
  }

  async function chancesOf(invoiceId: string): Promise<{ granted: number; entries: number; distinctChances: number }> {
    const database = server.platform.database.db;
    const granted = await sql<{ granted: number }>`SELECT granted FROM lottery_chances WHERE invoice_id = ${invoiceId}`.execute(database);
    const entries = await sql<{ n: string; d: string }>`SELECT count(*) AS n, count(DISTINCT chance) AS d FROM lottery_weekly_entries WHERE invoice_id = ${invoiceId}`.execute(database);
    return { granted: granted.rows[0]?.granted ?? 0, entries: Number(entries.rows[0]!.n), distinctChances: Number(entries.rows[0]!.d) };
  }

  const payload = (invoiceId: string, userId: string): InvoiceAcceptedPayload => ({
    invoice_id: invoiceId,
    user_id: userId,
    kind: 'DIGITAL',
    invoice_number: `26310000000${invoiceId.padStart(9, '0')}`,
    // Today in Asia/Shanghai: the UTC date is yesterday there from 16:00 UTC, before the campaign began.
    issue_date: businessDate(new Date()),
    total_amount: '50.00',
  });

  it('an accepted invoice gets the activity\'s extra chances: more instant draws and more weekly entries', async () => {
    await runningCampaign();
    const created = await api('/api/v1/activities', {
      body: { name: '发票加抽', activity_type: 'INVOICE_ACCEPTED', reward: [{ draw_chances: 2 }], per_user_cap: 10 },
      headers: bearer(await operator()),
    });
    expect(created.status, created.text).toBe(200);

    const session = await verifiedLogin(server.base, await sessionFor(server.platform));
    const issued = await api('/sandbox/tax/invoices', { body: { total_amount: '50.00' } });
    const invoice = issued.json.data as { invoice_number: string; issue_date: string; total_amount: string };
    const submitted = await api('/api/v1/invoices', { body: { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: invoice.total_amount }, headers: bearer(session.access_token) });
    expect(submitted.status, submitted.text).toBe(200);
    const invoiceId = (submitted.json.data as { invoice_id: string }).invoice_id;
    await drainOutbox(server.platform);

    expect(await chancesOf(invoiceId)).toEqual({ granted: 3, entries: 3, distinctChances: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await api('/api/v1/lottery/instant-draw', { body: { invoice_id: invoiceId }, headers: bearer(session.access_token) });
      expect(res.status, res.text).toBe(200);
    }
    const fourth = await api('/api/v1/lottery/instant-draw', { body: { invoice_id: invoiceId }, headers: bearer(session.access_token) });
    expect(fourth.json.error).toBe('LOTTERY_NO_CHANCE');
    const rewards = await api('/api/v1/users/me/rewards', { headers: bearer(session.access_token) });
    const given = (rewards.json.data as { rewards: { rewards: { draw_chances?: number; status?: string }[] }[] }).rewards.flatMap((r) => r.rewards);
    expect(given).toContainEqual(expect.objectContaining({ draw_chances: 2, invoice_id: invoiceId }));
  });

  it('whichever comes first, the bonus or the invoice\'s own chances, the invoice ends with both (and a bonus counts once)', async () => {
    await runningCampaign();
    const { chances } = lotteryOf(server.platform);
    const database = server.platform.database.db;
    const [early, late] = ['990000001', '990000002'];
    // The bonus first: it waits, and is added when the invoice's chances are granted.
    expect(await database.transaction().execute((trx) => chances.addBonus(trx, { invoiceId: early, userId: '7', extra: 2, source: 'test:a' }))).toBe('PENDING');
    await database.transaction().execute((trx) => chances.grant(trx, payload(early, '7'), new Date(), new Date()));
    expect(await chancesOf(early)).toEqual({ granted: 3, entries: 3, distinctChances: 3 });
    // The invoice's chances first: the bonus raises them at once, its weekly entries numbered after the others.
    await database.transaction().execute((trx) => chances.grant(trx, payload(late, '7'), new Date(), new Date()));
    expect(await database.transaction().execute((trx) => chances.addBonus(trx, { invoiceId: late, userId: '7', extra: 2, source: 'test:a' }))).toBe('APPLIED');
    expect(await database.transaction().execute((trx) => chances.addBonus(trx, { invoiceId: late, userId: '7', extra: 2, source: 'test:a' }))).toBe('ALREADY_ADDED');
    expect(await chancesOf(late)).toEqual({ granted: 3, entries: 3, distinctChances: 3 });
  });

  it('bonuses racing the grant of the invoice\'s chances: none lost, none doubled', async () => {
    await runningCampaign();
    const { chances } = lotteryOf(server.platform);
    const database = server.platform.database.db;
    const invoiceId = '990000100';
    const sources = Array.from({ length: 12 }, (_, i) => `race:${i}`);
    await Promise.all([
      ...sources.map((source) => database.transaction().execute((trx) => chances.addBonus(trx, { invoiceId, userId: '8', extra: 1, source }))),
      database.transaction().execute((trx) => chances.grant(trx, payload(invoiceId, '8'), new Date(), new Date())),
    ]);
    expect(await chancesOf(invoiceId)).toEqual({ granted: 13, entries: 13, distinctChances: 13 });
  });

  it('refuses draw chances on an activity that has no invoice to add them to', async () => {
    const res = await api('/api/v1/activities', { body: { activity_type: 'NEW_USER_REGISTER', reward: [{ draw_chances: 1 }] }, headers: bearer(await operator()) });
    expect(res.status).toBe(422);
    expect(res.json.error).toBe('ACTIVITY_TEMPLATE_INVALID');
    expect(JSON.stringify(res.json)).toContain('reward[0].draw_chances');
  });
});
