import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { activitiesMigrations } from './migrations/index.js';
import { Ip2RegionGeo } from '../../platform/geo/ip-geo.js';
import type { OutboxEvent, Subscriber } from '../../platform/outbox/outbox.js';
import { couponsOf } from '../coupons/index.js';
import { identityOf } from '../identity/index.js';
import { lotteryOf } from '../lottery/index.js';
import { riskOf } from '../risk/index.js';
import { Grants } from './grants.js';
import { PointsLedger } from './points.js';
import { activityRoutes } from './routes.js';
import { ActivityService, type InvoiceAcceptedEvent, type RegisteredEvent } from './service.js';

/** One IP database per process: it is 11 MB in memory. */
const geo = new Ip2RegionGeo();

export const activitiesOf = perPlatform((platform): ActivityService => {
  const { database, outbox, ids, clock } = platform;
  const coupons = couponsOf(platform);
  const points = new PointsLedger(database.db);
  const grants = new Grants(
    database.db,
    (trx, templateId, userId, requestId) => coupons.claims.claim(trx, templateId, userId, requestId),
    points,
    (trx, bonus) => lotteryOf(platform).chances.addBonus(trx, bonus),
    outbox,
    ids,
  );
  return new ActivityService(
    database.db,
    grants,
    points,
    geo,
    {
      lists: async () => {
        const { blacklists } = riskOf(platform);
        return { blacklist: await blacklists.valuesOf('DEVICE'), blacklisted_ips: await blacklists.valuesOf('IP') };
      },
      templateExists: async (templateId) => (await coupons.service.fundingOf(templateId)) !== undefined,
      otherAccountsOfSamePerson: (userId) => identityOf(platform).service.otherAccountsOfSamePerson(userId),
    },
    ids,
    clock,
  );
});

export const activitiesModule: QuanyiModule = {
  name: 'activities',
  migrations: activitiesMigrations,
  routes: (app, platform) => activityRoutes(app, activitiesOf(platform)),
  subscribers: (platform) => [
    {
      name: 'activities.registered',
      topics: ['user.registered'],
      handle: async (event: OutboxEvent<RegisteredEvent>) => {
        await activitiesOf(platform).onRegistered(event.payload, event.requestId ?? undefined);
      },
    } as Subscriber<RegisteredEvent> as Subscriber,
    {
      name: 'activities.invoice-accepted',
      topics: ['invoice.accepted'],
      handle: async (event: OutboxEvent<InvoiceAcceptedEvent>) => {
        await activitiesOf(platform).onInvoiceAccepted(event.payload, event.requestId ?? undefined);
      },
    } as Subscriber<InvoiceAcceptedEvent> as Subscriber,
    {
      // REFERRAL activities that reward an invitee's first redemption; off the till's path, like risk's cash-out check.
      name: 'activities.first-redemption',
      topics: ['coupon.consumed'],
      handle: async (event: OutboxEvent<{ lines: { coupon_id: string }[] }>) => {
        const couponIds = [...new Set(event.payload.lines.map((line) => line.coupon_id))];
        await activitiesOf(platform).onCouponsRedeemed(couponIds, (ids) => couponsOf(platform).service.holdersOf(ids), event.requestId ?? undefined);
      },
    } as Subscriber<{ lines: { coupon_id: string }[] }> as Subscriber,
  ],
};
