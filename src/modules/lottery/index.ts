import type { QuanyiModule } from '../../app/module.js';
import { perPlatform } from '../../app/per-platform.js';
import { handleOnce, type OutboxEvent } from '../../platform/outbox/outbox.js';
import { auditOf } from '../audit/index.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import { LotteryRepo } from './repo.js';
import { lotteryRoutes } from './routes.js';
import { LotteryService, type InvoiceAcceptedPayload } from './service.js';

export interface Lottery {
  readonly service: LotteryService;
  readonly log: TransparencyLog;
}

export const lotteryOf = perPlatform((platform): Lottery => {
  const { database, outbox, ids, clock } = platform;
  const log = auditOf(platform).log;
  return { service: new LotteryService(database.db, new LotteryRepo(), log, outbox, ids, clock), log };
});

export const lotteryModule: QuanyiModule = {
  name: 'lottery',
  routes: (app, platform) => lotteryRoutes(app, lotteryOf(platform)),
  subscribers: (platform) => [
    {
      name: 'lottery.grant-chances',
      topics: ['invoice.accepted'],
      handle: async (event: OutboxEvent<InvoiceAcceptedPayload>) => {
        const { service } = lotteryOf(platform);
        await handleOnce(platform.database.db, 'lottery.grant-chances', event.id, (trx) => service.grantChances(trx, event.payload, event.createdAt).then(() => undefined));
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
  ],
};
