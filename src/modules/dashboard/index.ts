import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { CouponStats } from '../coupons/stats.js';
import { LotteryStats } from '../lottery/stats.js';
import { RiskStats } from '../risk/stats.js';
import { SettlementStats } from '../settlement/stats.js';
import { dashboardRoutes } from './routes.js';
import { DashboardService } from './service.js';

/** The dashboard owns no tables: it asks each module's read-only stats (their stats.ts) and puts them side by side. */
export const dashboardOf = perPlatform((platform) => {
  const { db } = platform.database;
  return new DashboardService(
    { coupons: new CouponStats(db), lottery: new LotteryStats(db), risk: new RiskStats(db), settlement: new SettlementStats(db) },
    platform.clock,
  );
});

export const dashboardModule: QuanyiModule = {
  name: 'dashboard',
  routes: (app, platform) => dashboardRoutes(app, dashboardOf(platform)),
};
