import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { couponsOf } from '../modules/coupons/index.js';
import { identityOf } from '../modules/identity/index.js';
import { activitiesOf } from '../modules/activities/index.js';
import { lotteryOf } from '../modules/lottery/index.js';
import { merchantsOf } from '../modules/merchants/index.js';
import { settlementOf } from '../modules/settlement/index.js';
import type { Platform } from '../platform/module/platform.js';

const DEMO_CREATOR = 'demo-data';
export const DEMO_PHONES = { operator: '13800000000', cashier: '13800000001', riskReviewer: '13800000002', consumer: '13800001234' } as const;

/**
 * What `npm start` shows on a fresh machine: an operator, a risk reviewer (who decides the review queue's cases, which
 * operators may only read), a channel with a merchant (cashier credentials and a cashier), four
 * coupon templates (one of each type), a consumer holding one coupon of each, a lottery campaign (instant pool
 * and weekly tiers), settlement's money in (a funded marketing budget, the gift card's sale, payees), and the
 * specification's sign-up activity. Loaded once; the merchant's
 * credentials (its secret is shown only at creation) are written to DATA_DIR/demo.json. Never in production.
 */
export async function loadDemoData(platform: Platform): Promise<void> {
  const { db } = platform.database;
  const already = await db.selectFrom('merchants').select('merchant_id').where('created_by', '=', DEMO_CREATOR).executeTakeFirst();
  if (already) return;
  const identity = identityOf(platform).service;
  const coupons = couponsOf(platform);
  await identity.grantRole(DEMO_PHONES.operator, 'operator', undefined, DEMO_CREATOR);
  await identity.grantRole(DEMO_PHONES.riskReviewer, 'risk_reviewer', undefined, DEMO_CREATOR);
  const demo = await db.transaction().execute(async (trx) => {
    const channel = await merchantsOf(platform).createChannel(trx, '演示渠道 Demo Channel', DEMO_CREATOR);
    const merchant = await merchantsOf(platform).create(trx, '演示便利店 Demo Store', DEMO_CREATOR, channel.channel_id);
    const templates = [
      await coupons.service.createTemplate(trx, { name: '满100减20', type: 'THRESHOLD', params: { min_amount: '100.00', reduce_amount: '20.00' }, valid_days: 30, total_stock: 1_000, per_user_limit: 2 }, DEMO_CREATOR),
      await coupons.service.createTemplate(trx, { name: '8折券 最高减50', type: 'DISCOUNT', params: { discount_rate: '0.80', max_discount: '50.00' }, valid_days: 30, per_user_limit: 1 }, DEMO_CREATOR),
      await coupons.service.createTemplate(trx, { name: '立减5元', type: 'CASH', params: { amount: '5.00' }, valid_days: 7, per_user_daily_limit: 3 }, DEMO_CREATOR),
      await coupons.service.createTemplate(trx, { name: '500元礼品卡', type: 'GIFT_CARD', params: { balance: '500.00' }, valid_days: 365 }, DEMO_CREATOR),
    ];
    const consumerId = await identity.ensureUser(trx, DEMO_PHONES.consumer);
    const held = [];
    for (const t of templates) held.push(await coupons.claims.claim(trx, t.template_id, consumerId, DEMO_CREATOR));
    const now = platform.clock.now();
    const campaign = await lotteryOf(platform).service.createCampaign(
      trx,
      {
        name: '有奖发票 · 演示 Demo e-invoice lottery',
        starts_at: now.toISOString(),
        ends_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
        chances: { mode: 'PER_AMOUNT_STEP', step: '100.00', max_per_invoice: 5 },
        instant: {
          tickets: 1_000,
          prizes: [
            { name: '一等奖 88元', kind: 'CASH', amount: '88.00', count: 1 },
            { name: '二等奖 8.8元', kind: 'CASH', amount: '8.80', count: 20 },
            { name: '立减5元券', kind: 'COUPON', coupon_template_id: templates[2]!.template_id, count: 100 },
          ],
        },
        weekly: {
          tiers: [
            { tier: 'FIRST', name: '周一等奖 1000元', kind: 'CASH', amount: '1000.00', count: 1 },
            { tier: 'SECOND', name: '周二等奖 100元', kind: 'CASH', amount: '100.00', count: 10 },
          ],
        },
      },
      null,
    );
    // Settlement: the marketing budget funds the demo coupons, the demo gift card was sold, and the merchant and
    // its channel are paid to sandbox bank cards.
    const settlement = settlementOf(platform);
    await settlement.funding.topUp(trx, { source: 'PLATFORM' }, 50_000_00n, 'demo marketing budget');
    const card = held[3]!;
    await settlement.funding.giftCardSold(trx, { couponId: card.coupon_id, code: card.coupon_code, type: 'GIFT_CARD' }, 500_00n);
    await settlement.settings.setPayee(trx, 'merchant', merchant.merchant_id, { name: '演示便利店', bankCard: '6222600260001072444' }, DEMO_CREATOR);
    await settlement.settings.setPayee(trx, 'channel', channel.channel_id, { name: '演示渠道', bankCard: '6222600260001072444' }, DEMO_CREATOR);
    return { merchant, templates, held, campaign };
  });
  await identity.grantRole(DEMO_PHONES.cashier, 'merchant_staff', demo.merchant.merchant_id, DEMO_CREATOR);
  // The specification's activity template (§4.3.1), with its coupon naming the demo's 立减5元 template.
  const activities = activitiesOf(platform);
  const prepared = await activities.prepare({
    name: '新人注册礼 · 演示 Demo sign-up gift',
    activity_type: 'NEW_USER_REGISTER',
    reward: [{ coupon_id: demo.templates[2]!.template_id, quantity: 2 }, { points: 100 }],
    rules: [{ condition: 'device_id NOT IN (blacklist)' }, { condition: "ip_city = '上海'" }],
  });
  const activity = await db.transaction().execute((trx) => activities.create(trx, prepared, DEMO_CREATOR));
  await mkdir(platform.config.dataDir, { recursive: true });
  const file = path.join(platform.config.dataDir, 'demo.json');
  const summary = {
    note: 'Demo data for development (DEMO_DATA=on). Log in with SMS; the code is shown at /api/v1/dev/sms?phone=…',
    phones: DEMO_PHONES,
    merchant: demo.merchant,
    templates: demo.templates.map((t) => ({ template_id: t.template_id, type: t.type })),
    consumer_coupons: demo.held.map((c) => ({ coupon_code: c.coupon_code, template_id: c.template_id, balance: c.balance })),
    lottery_campaign: { campaign_id: demo.campaign.campaign_id, instant_draw_id: demo.campaign.instant?.draw_id },
    activity: { activity_id: activity.activity_id, note: 'a sign-up from a Shanghai IP with an X-Device-Id gets 2 coupons and 100 points' },
  };
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  platform.logger.info({ file }, 'demo data loaded: operator, merchant (cashier credentials in the file), coupon templates, a consumer with coupons, a lottery campaign');
}
