import type { QuanyiModule } from '../../app/module.js';
import { perPlatform } from '../../app/per-platform.js';
import { handleOnce, type OutboxEvent } from '../../platform/outbox/outbox.js';
import { auditOf } from '../audit/index.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import { BeaconProvider } from './beacons.js';
import { LotteryRepo } from './repo.js';
import { WeeklyDraws } from './weekly.js';
import { WeeklyRepo } from './weekly-repo.js';
import { lotteryRoutes } from './routes.js';
import { LotteryService, type InvoiceAcceptedPayload } from './service.js';

export interface Lottery {
  readonly service: LotteryService;
  readonly weekly: WeeklyDraws;
  readonly log: TransparencyLog;
}

export const lotteryOf = perPlatform((platform): Lottery => {
  const { database, outbox, ids, clock, config } = platform;
  const log = auditOf(platform).log;
  const repo = new LotteryRepo();
  const weeklyRepo = new WeeklyRepo();
  const beacons = new BeaconProvider(database.db, weeklyRepo, log, config.lotteryBeacon, clock);
  return {
    service: new LotteryService(database.db, repo, log, outbox, ids, clock),
    weekly: new WeeklyDraws(database.db, weeklyRepo, repo, beacons, log, outbox, ids, clock),
    log,
  };
});

export const lotteryModule: QuanyiModule = {
  name: 'lottery',
  routes: (app, platform) => lotteryRoutes(app, lotteryOf(platform)),
  subscribers: (platform) => [
    {
      name: 'lottery.grant-chances',
      topics: ['invoice.accepted'],
      handle: async (event: OutboxEvent<InvoiceAcceptedPayload>) => {
        const { service, weekly } = lotteryOf(platform);
        await handleOnce(platform.database.db, 'lottery.grant-chances', event.id, async (trx) => {
          const granted = await service.grantChances(trx, event.payload, event.createdAt);
          await weekly.addEntries(trx, granted.chances, granted.rulesOf, event.createdAt);
        });
      },
    },
  ],
  jobs: (platform) => [
    {
      name: 'lottery.reveal-ended',
      // Every minute: a campaign's seed is revealed within a minute of its end.
      schedule: { cron: '* * * * *' },
      run: async () => {
        await lotteryOf(platform).service.revealEnded();
      },
    },
    {
      name: 'lottery.weekly-draws',
      // Every minute: closes sets whose cron fire has come, and draws closed sets whose beacon round is out.
      schedule: { cron: '* * * * *' },
      run: async () => {
        await lotteryOf(platform).weekly.tick();
      },
    },
  ],
};
