import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { lotteryMigrations } from './migrations/index.js';
import { handleOnce, type OutboxEvent, type Subscriber } from '../../platform/outbox/outbox.js';
import { auditOf } from '../audit/index.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import { couponsOf } from '../coupons/index.js';
import { identityOf } from '../identity/index.js';
import { notificationsOf } from '../notifications/index.js';
import { payoutsOf } from '../payouts/index.js';
import { BeaconProvider } from './beacons.js';
import { PRIZE_NOTICE_TOPICS, PrizeNotices, type PrizeNoticeTopic } from './prize-notices.js';
import { PrizeRepo } from './prize-repo.js';
import { PrizePayouts } from './prizes.js';
import { InstantDraws } from './instant-draws.js';
import { LotteryRepo } from './repo.js';
import { WeeklyDraws } from './weekly.js';
import { WeeklyRepo } from './weekly-repo.js';
import { lotteryRoutes } from './routes.js';
import { LotteryService, type InvoiceAcceptedPayload } from './service.js';
import { HeldInvoices } from './held-invoices.js';
import { registerLotteryMetrics } from './metrics.js';
import { InvoiceChances } from './invoice-chances.js';

export interface Lottery {
  readonly service: LotteryService;
  readonly instant: InstantDraws;
  readonly weekly: WeeklyDraws;
  readonly chances: InvoiceChances;
  readonly log: TransparencyLog;
}

export const lotteryOf = perPlatform((platform): Lottery => {
  const { database, outbox, ids, clock, config, metrics } = platform;
  const log = auditOf(platform).log;
  const repo = new LotteryRepo();
  const weeklyRepo = new WeeklyRepo();
  const beacons = new BeaconProvider(database.db, weeklyRepo, log, config.lotteryBeacon, clock);
  const service = new LotteryService(database.db, repo, log, outbox, ids, clock);
  const weekly = new WeeklyDraws(database.db, weeklyRepo, repo, beacons, log, outbox, ids, clock);
  return {
    service,
    instant: new InstantDraws(database.db, repo, log, outbox, ids, clock, metrics.groupCommit),
    weekly,
    chances: new InvoiceChances(service, weekly, repo, clock),
    log,
  };
});

/** Paying prizes and telling winners: built apart from `lotteryOf`, as it reaches into four other modules. */
export interface Prizes {
  readonly payouts: PrizePayouts;
  readonly notices: PrizeNotices;
}

export const prizesOf = perPlatform((platform): Prizes => {
  const { database, outbox, clock, logger } = platform;
  const repo = new PrizeRepo();
  const { privacy } = identityOf(platform);
  const { claims } = couponsOf(platform);
  return {
    payouts: new PrizePayouts(
      database.db,
      repo,
      payoutsOf(platform).port,
      { payoutAccountOf: (userId) => privacy.payoutAccountOf(userId) },
      { claim: (trx, templateId, userId, requestId) => claims.claim(trx, templateId, userId, requestId) },
      outbox,
      clock,
      logger,
      () => platform.hooks.riskGate,
      platform.metrics.business.prizePayouts,
    ),
    notices: new PrizeNotices(database.db, repo, new LotteryRepo(), notificationsOf(platform).notifier),
  };
});

const heldInvoices = new HeldInvoices();

/** A full batch may mean more are due: keep paying until a batch comes back short. */
const PAY_BATCH = 100;

export const lotteryModule: QuanyiModule = {
  name: 'lottery',
  init: (platform) => registerLotteryMetrics(platform),
  migrations: lotteryMigrations,
  routes: (app, platform) => lotteryRoutes(app, lotteryOf(platform)),
  subscribers: (platform) => [
    {
      name: 'lottery.grant-chances',
      topics: ['invoice.accepted'],
      handle: async (event: OutboxEvent<InvoiceAcceptedPayload>) => {
        const { chances } = lotteryOf(platform);
        await handleOnce(platform.database.db, 'lottery.grant-chances', event.id, async (trx) => {
          // An invoice risk control reviews (fraud signals) counts only once the review clears it (below).
          if (event.payload.risk_review === true) return heldInvoices.hold(trx, event.payload, event.createdAt);
          await chances.grant(trx, event.payload, event.createdAt, event.createdAt);
        });
      },
    },
    {
      name: 'lottery.invoice-review',
      topics: ['risk.case_decided', 'risk.invoice_cleared'],
      handle: async (event: OutboxEvent<{ subject_kind?: string; subject_id?: string; outcome?: string; invoice_id?: string }>) => {
        const invoiceId = event.topic === 'risk.invoice_cleared' ? event.payload.invoice_id : event.payload.subject_kind === 'invoice' ? event.payload.subject_id : undefined;
        if (!invoiceId) return;
        const release = event.topic === 'risk.invoice_cleared' || event.payload.outcome === 'APPROVED';
        const { chances } = lotteryOf(platform);
        await handleOnce(platform.database.db, 'lottery.invoice-review', event.id, async (trx) => {
          const held = await heldInvoices.decide(trx, invoiceId, release);
          if (!held) return;
          // Eligibility as of acceptance; the entries join the weekly draw open now (the original one may be closed).
          await chances.grant(trx, held.payload, held.acceptedAt, platform.clock.now());
        });
      },
    } as Subscriber<{ subject_kind?: string; subject_id?: string; outcome?: string; invoice_id?: string }> as Subscriber,
    {
      // Inbox (and an SMS for the win) per prize event; the message's dedupe key makes redelivery harmless.
      name: 'lottery.prize-notices',
      topics: PRIZE_NOTICE_TOPICS,
      handle: async (event: OutboxEvent<{ prize_id: string }>) => {
        await prizesOf(platform).notices.handle(event.topic as PrizeNoticeTopic, event.payload.prize_id);
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
    {
      name: 'lottery.pay-prizes',
      // Every minute: new prizes are paid within a minute or so; outages are retried on their own backoff.
      schedule: { cron: '* * * * *' },
      run: async ({ signal }) => {
        const { payouts } = prizesOf(platform);
        while (!signal.aborted) {
          const done = await payouts.payDue(PAY_BATCH);
          if (done.paid + done.issued + done.failed + done.retried < PAY_BATCH) break;
        }
      },
    },
  ],
};
