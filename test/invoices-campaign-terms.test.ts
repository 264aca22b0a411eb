import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { lotteryOf } from '../src/modules/lottery/index.js';
import { addCalendarDays, businessDate } from '../src/platform/time/clock.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor, verifiedLogin } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

describe.each(backendPairs())("intake follows the running campaigns' terms on $label", ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });
  const api = (p: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${p}`, init);

  const consumer = async () => (await verifiedLogin(server.base, await sessionFor(server.platform))).access_token;

  async function submit(token: string, amount: string, issueDate?: string) {
    const issued = (await api('/sandbox/tax/invoices', { body: { total_amount: amount, ...(issueDate ? { issue_date: issueDate } : {}) } })).json.data as { invoice_number: string; issue_date: string; total_amount: string };
    return api('/api/v1/invoices', { body: { invoice_number: issued.invoice_number, issue_date: issued.issue_date, total_amount: issued.total_amount }, headers: bearer(token) });
  }

  async function campaign(eligibility: Record<string, unknown>): Promise<string> {
    const now = Date.now();
    const created = await server.platform.database.db.transaction().execute((trx) =>
      lotteryOf(server.platform).service.createCampaign(trx, { name: 'terms', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString(), eligibility }, null),
    );
    return created.campaign_id;
  }

  it('uses the defaults (10.00 yuan, 90 days) with no campaign, and the loosest running campaign otherwise', async () => {
    const token = await consumer();
    expect((await submit(token, '6.00')).json.error).toBe('INVOICE_AMOUNT_TOO_LOW');

    const generous = await campaign({ min_amount: '5.00', max_age_days: 120 });
    await campaign({ min_amount: '50.00', max_age_days: 30 });
    expect((await submit(token, '6.00')).status).toBe(200);
    const old = addCalendarDays(businessDate(new Date()), -100);
    expect((await submit(token, '66.00', old)).status).toBe(200);

    // Once the generous campaign ends, the strict one's terms are the loosest left.
    await lotteryOf(server.platform).service.reveal(generous, true);
    const refused = await submit(token, '20.00', old);
    expect(refused.status).toBe(422);
    expect(refused.json.reasons).toEqual([
      { code: 'INVOICE_AMOUNT_TOO_LOW', message: '发票金额需≥50元' },
      { code: 'INVOICE_EXPIRED', message: '发票已超过有效期(开票后30天内)' },
    ]);
    expect(refused.json.message).toBe('发票金额需≥50元');
  });
});
