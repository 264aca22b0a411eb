import type { Kysely } from 'kysely';
import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { settlementMigrations } from './migrations/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { Subscriber } from '../../platform/outbox/outbox.js';
import { businessDate } from '../../platform/time/clock.js';
import { couponsOf } from '../coupons/index.js';
import { merchantsOf } from '../merchants/index.js';
import { payoutsOf } from '../payouts/index.js';
import { FundingDesk } from './funding.js';
import { Ledger } from './ledger.js';
import { Refunds } from './refunds.js';
import { SettlementReports, type RedemptionSource } from './reports.js';
import { settlementRoutes } from './routes.js';
import { SettlementRun } from './run.js';
import { SettlementSettings } from './settings.js';
import { Splits } from './splits.js';

export interface Settlement {
  readonly db: Kysely<Database>;
  readonly ledger: Ledger;
  readonly settings: SettlementSettings;
  readonly splits: Splits;
  readonly refunds: Refunds;
  readonly run: SettlementRun;
  readonly funding: FundingDesk;
  readonly reports: SettlementReports;
  readonly redemptions: RedemptionSource;
}

export const settlementOf = perPlatform((platform): Settlement => {
  const { database, ids, clock, vault, logger, metrics } = platform;
  const db = database.db;
  const ledger = new Ledger(ids);
  const settings = new SettlementSettings(vault, ids);
  const coupons = couponsOf(platform).service;
  const merchants = merchantsOf(platform);
  const facts = {
    channelOf: async (merchantId: string) => (await merchants.profile(merchantId))?.channel_id ?? null,
    fundingOf: (templateId: string) => coupons.fundingOf(templateId),
  };
  return {
    db,
    ledger,
    settings,
    splits: new Splits(db, ledger, settings, facts, ids, metrics.groupCommit),
    refunds: new Refunds(db, ledger, ids, clock),
    run: new SettlementRun(db, ledger, settings, () => payoutsOf(platform).port, ids, platform.outbox, logger),
    funding: new FundingDesk(ledger, ids),
    reports: new SettlementReports(db, ledger),
    redemptions: coupons,
  };
});

export const settlementModule: QuanyiModule = {
  name: 'settlement',
  migrations: settlementMigrations,
  routes: (app, platform) => settlementRoutes(app, settlementOf(platform), (code) => couponsOf(platform).service.identify(code)),
  subscribers: (platform) => [settlementOf(platform).splits.subscriber() as Subscriber, settlementOf(platform).refunds.subscriber() as Subscriber],
  jobs: (platform) => [
    {
      // Coupon specification §4.2.2: T+1 and T+3 count from the redemption day; the run after midnight settles what is due.
      name: 'settlement.daily-run',
      schedule: { cron: '30 2 * * *' },
      run: async () => {
        await settlementOf(platform).run.settle(businessDate(platform.clock.now()));
      },
    },
    {
      name: 'ledger.expire-reservations',
      schedule: { everyMs: 60_000 },
      run: async () => {
        const { ledger, db } = settlementOf(platform);
        while ((await ledger.expireDue(db, platform.clock.now())) > 0);
      },
    },
    {
      name: 'settlement.pending-payouts',
      schedule: { everyMs: 60_000 },
      run: async () => {
        await settlementOf(platform).run.payPending();
      },
    },
  ],
};
