import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PHONES, loadDemoData } from '../src/app/demo-data.js';
import { couponsModule } from '../src/modules/coupons/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, smsLogin } from './support/identity.js';
import { signedCall } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';
import { auditModule } from '../src/modules/audit/index.js';
import { lotteryModule } from '../src/modules/lottery/index.js';

interface DemoFile {
  merchant: { merchant_id: string; api_key: string; api_secret: string };
  templates: { template_id: string; type: string }[];
  consumer_coupons: { coupon_code: string; template_id: string; balance: string }[];
  lottery_campaign: { campaign_id: string; instant_draw_id: string };
}

describe.each(backendPairs())('demo data on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, couponsModule, auditModule, lotteryModule] });

  it('loads once: a merchant whose credentials work at the till, four templates, a consumer holding their coupons', async () => {
    await loadDemoData(server.platform);
    await loadDemoData(server.platform); // a restart loads nothing twice
    const demo = JSON.parse(await readFile(path.join(server.platform.config.dataDir, 'demo.json'), 'utf8')) as DemoFile;
    expect(demo.templates.map((t) => t.type).sort()).toEqual(['CASH', 'DISCOUNT', 'GIFT_CARD', 'THRESHOLD']);
    const merchants = await server.platform.database.db.selectFrom('merchants').select('merchant_id').where('created_by', '=', 'demo-data').execute();
    expect(merchants).toHaveLength(1);

    const consumer = await smsLogin(server.base, DEMO_PHONES.consumer);
    const mine = await http(`${server.base}/api/v1/users/me/coupons`, { headers: bearer(consumer.access_token) });
    expect((mine.json.data as { coupons: { coupon_code: string }[] }).coupons.map((c) => c.coupon_code).sort()).toEqual(demo.consumer_coupons.map((c) => c.coupon_code).sort());

    const card = demo.consumer_coupons.find((c) => c.balance === '500.00')!.coupon_code;
    const paid = await signedCall(server.base, demo.merchant, 'POST', '/api/v1/coupon/consume', { coupon_code: card, merchant_id: demo.merchant.merchant_id, amount: '88.80', order_id: 'demo-1' });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json.data).toMatchObject({ payable: '0.00', balance: '411.20' });

    const operator = await smsLogin(server.base, DEMO_PHONES.operator);
    const me = await http(`${server.base}/api/v1/users/me`, { headers: bearer(operator.access_token) });
    expect((me.json.data as { roles: string[] }).roles).toContain('operator');

    // A running lottery campaign, its rules and pool commitment public and in the log.
    const campaign = await http(`${server.base}/api/v1/lottery/campaigns/${demo.lottery_campaign.campaign_id}`);
    expect(campaign.json.data).toMatchObject({ status: 'ACTIVE', instant: { tickets: 1000, draw_id: demo.lottery_campaign.instant_draw_id, pool_seed: null } });
    const campaigns = await server.platform.database.db.selectFrom('lottery_campaigns').select('campaign_id').execute();
    expect(campaigns).toHaveLength(1);
  });
});
