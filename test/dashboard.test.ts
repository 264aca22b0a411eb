import { describe, expect, it } from 'vitest';
import { auditModule } from '../src/modules/audit/index.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { dashboardModule } from '../src/modules/dashboard/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { lotteryModule } from '../src/modules/lottery/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { payoutsModule } from '../src/modules/payouts/index.js';
import { riskModule } from '../src/modules/risk/index.js';
import { settlementModule } from '../src/modules/settlement/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { drainOutbox } from './support/outbox.js';
import { useTestServer } from './support/test-platform.js';

type SeriesName = 'coupons_issued' | 'redemptions' | 'instant_draws' | 'risk_decisions';

interface Overview {
  minutes: string[];
  series: Record<SeriesName, number[]>;
  totals: Record<SeriesName, number>;
  risk: { by_decision: Record<string, number>; open_cases: number };
  lottery: { draws: number; wins: number };
  settlement: { transfers: { transfers: number[]; amounts: string[] }; statements: unknown[] };
}

interface TemplateRow {
  template_id: string;
  name: string;
  type: string;
  params: Record<string, string>;
  issued_count: number;
  batches: { batch_id: string; quantity: number; issued: number; status: string }[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe.each(backendPairs())('operator dashboard and template list on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule, auditModule, lotteryModule, payoutsModule, settlementModule, riskModule, dashboardModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const tokenFor = async (role?: string) => (await sessionFor(server.platform, role)).access_token;

  async function overview(token: string): Promise<Overview> {
    const res = await api('/api/v1/dashboard/overview', { headers: bearer(token) });
    expect(res.status, res.text).toBe(200);
    return res.json.data as unknown as Overview;
  }

  it('answers staff only: 401 without a token, 403 for a consumer, 200 for operators, auditors and risk reviewers', async () => {
    expect((await api('/api/v1/dashboard/overview')).status).toBe(401);
    const consumer = await api('/api/v1/dashboard/overview', { headers: bearer(await tokenFor()) });
    expect(consumer.status).toBe(403);
    for (const role of ['operator', 'auditor', 'risk_reviewer']) await overview(await tokenFor(role));
    expect((await api('/api/v1/coupon/templates', { headers: bearer(await tokenFor()) })).status).toBe(403);
    expect((await api('/api/v1/coupon/templates', { headers: bearer(await tokenFor('risk_reviewer')) })).status).toBe(403);
  });

  it('counts a batch of issued coupons and a ledger top-up in the last hour, minute by minute, and lists the template with its batch', async () => {
    const operator = await tokenFor('operator');
    const before = await overview(operator);
    expect(before.minutes).toHaveLength(60);
    for (const name of Object.keys(before.series) as SeriesName[]) {
      expect(before.series[name]).toHaveLength(60);
      expect(before.totals[name]).toBe(sum(before.series[name]));
    }
    // Consecutive minutes, oldest first.
    expect(new Date(before.minutes[59]!).getTime() - new Date(before.minutes[0]!).getTime()).toBe(59 * 60_000);

    const created = await api('/api/v1/coupon/templates', { body: { name: '看板券', type: 'CASH', params: { amount: '2.00' }, valid_days: 10 }, headers: bearer(operator) });
    expect(created.status, created.text).toBe(200);
    const templateId = (created.json.data as { template_id: string }).template_id;
    const issued = await api(`/api/v1/coupon/templates/${templateId}/issue`, { body: { quantity: 30 }, headers: bearer(operator) });
    expect(issued.status, issued.text).toBe(200);
    const batchId = (issued.json.data as { batch_id: string }).batch_id;
    await drainOutbox(server.platform);
    const topUp = await api('/api/v1/ledger/top-ups', { body: { source: 'PLATFORM', amount: '123.45', reference: 'dashboard test' }, headers: bearer(operator) });
    expect(topUp.status, topUp.text).toBe(200);

    const after = await overview(operator);
    expect(after.totals.coupons_issued).toBe(before.totals.coupons_issued + 30);
    expect(sum(after.settlement.transfers.transfers)).toBe(sum(before.settlement.transfers.transfers) + 1);
    expect(after.settlement.transfers.amounts).toContain('123.45');
    expect(after.totals.redemptions).toBe(before.totals.redemptions);

    for (const role of ['operator', 'auditor']) {
      const listed = await api('/api/v1/coupon/templates', { headers: bearer(role === 'operator' ? operator : await tokenFor(role)) });
      expect(listed.status, listed.text).toBe(200);
      const templates = (listed.json.data as { templates: TemplateRow[] }).templates;
      expect(templates[0]!.template_id).toBe(templateId); // newest first
      expect(templates[0]).toMatchObject({ name: '看板券', type: 'CASH', params: { amount: '2.00' }, issued_count: 30 });
      expect(templates[0]!.batches).toEqual([expect.objectContaining({ batch_id: batchId, quantity: 30, issued: 30, status: 'done' })]);
    }
  });
});
