import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { couponsMigrations } from './migrations/index.js';
import type { Subscriber } from '../../platform/outbox/outbox.js';
import { ActivationAttempts } from './activation-attempts.js';
import { CouponBatches } from './batches.js';
import { CouponLocks } from './locks.js';
import { Claims } from './claims.js';
import { ErasedAccountCoupons } from './erased-accounts.js';
import { Redemptions } from './redemptions.js';
import { CouponRepo } from './repo.js';
import { couponRoutes } from './routes.js';
import { merchantConsoleRoutes } from './merchant-console-routes.js';
import { CouponService } from './service.js';
import { CouponStats } from './stats.js';
import { templateListRoutes } from './template-list-routes.js';

export interface Coupons {
  readonly service: CouponService;
  readonly batches: CouponBatches;
  readonly locks: CouponLocks;
  readonly redemptions: Redemptions;
  readonly claims: Claims;
  readonly activationAttempts: ActivationAttempts;
}

export const couponsOf = perPlatform((platform): Coupons => {
  const { database, outbox, ids, clock, metrics } = platform;
  const repo = new CouponRepo();
  const service = new CouponService(database.db, repo, outbox, ids, clock);
  const redemptions = new Redemptions(database.db, repo, outbox, ids, clock, metrics.groupCommit);
  return {
    redemptions,
    claims: new Claims(database.db, repo, outbox, ids, clock, metrics.groupCommit),
    service,
    batches: new CouponBatches(database.db, outbox, ids),
    locks: new CouponLocks(database.db, repo, redemptions, outbox, ids, clock),
    activationAttempts: new ActivationAttempts(platform.cache, database.db, outbox, platform.config.couponActivationFailures),
  };
});

export const couponsModule: QuanyiModule = {
  name: 'coupons',
  migrations: couponsMigrations,
  routes: async (app, platform) => {
    await couponRoutes(app, couponsOf(platform), () => platform.hooks.riskGate);
    await merchantConsoleRoutes(app, platform.database.db, platform.clock);
    await templateListRoutes(app, new CouponStats(platform.database.db));
  },
  subscribers: (platform) => [
    couponsOf(platform).batches.subscriber() as Subscriber,
    new ErasedAccountCoupons(platform.database.db, new CouponRepo(), couponsOf(platform).service, platform.ids).subscriber() as Subscriber,
  ],
  jobs: (platform) => [
    {
      name: 'coupons.expire',
      schedule: { everyMs: 60_000 },
      run: async ({ signal }) => {
        const { service } = couponsOf(platform);
        while (!signal.aborted && (await service.expireDue()) > 0);
      },
    },
    {
      name: 'coupons.release-expired-locks',
      schedule: { everyMs: 15_000 },
      run: async ({ signal }) => {
        const { locks } = couponsOf(platform);
        while (!signal.aborted && (await locks.expireDue()) > 0);
      },
    },
  ],
};
