import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { riskMigrations } from './migrations/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { OutboxEvent, Subscriber } from '../../platform/outbox/outbox.js';
import { auditOf } from '../audit/index.js';
import { couponsOf } from '../coupons/index.js';
import { identityOf } from '../identity/index.js';
import { settlementOf } from '../settlement/index.js';
import { Blacklists } from './blacklists.js';
import { RiskCases, type RiskActions } from './cases.js';
import { RuleConfig } from './rule-config.js';
import { riskRoutes } from './routes.js';
import { RiskScreen } from './screen.js';

export interface Risk {
  readonly config: RuleConfig;
  readonly blacklists: Blacklists;
  readonly cases: RiskCases;
  readonly screen: RiskScreen;
}

export const riskOf = perPlatform((platform): Risk => {
  const { database, cache, ids, outbox, logger } = platform;
  const db = database.db;
  const audit = auditOf(platform).trail;
  const actions: RiskActions = {
    freezeAccount: (trx, userId, reason, actor, requestId) => couponsOf(platform).service.freezeAllOfUser(trx, userId, reason, actor, requestId),
    unfreezeAccount: (trx, userId, reason, actor, requestId) => couponsOf(platform).service.unfreezeAllOfUser(trx, userId, reason, actor, requestId),
    clawBackAccount: (trx, userId, reason, actor, requestId) => couponsOf(platform).service.revokeFrozenOfUser(trx, userId, reason, actor, requestId),
    holdSettlement: async (trx, merchantId, reason, actor) => (await settlementOf(platform).settings.placeHold(trx, 'merchant', merchantId, reason, actor)).hold_id,
    releaseSettlement: async (trx, holdId, actor, note) => {
      try {
        await settlementOf(platform).settings.releaseHold(trx, holdId, actor, note);
      } catch (error) {
        // An operator released the hold already: approving the case has nothing left to release.
        if (!(error instanceof AppError && error.code === 'SETTLEMENT_HOLD_NOT_FOUND')) throw error;
      }
    },
  };
  const config = new RuleConfig(db, audit, platform.config.riskRuleDefaults);
  const blacklists = new Blacklists(db, audit, ids);
  const cases = new RiskCases(db, actions, audit, outbox, ids);
  const identity = identityOf(platform).service;
  const screen = new RiskScreen(db, cache, config, blacklists, cases, actions, audit, outbox, ids, (userId) => identity.phoneHashOf(userId), logger);
  cases.onDecided = () => screen.forgetFrozen();
  return { config, blacklists, cases, screen };
});

interface ConsumedEvent {
  readonly merchant_id: string;
  readonly lines: readonly { readonly coupon_id?: string }[];
}

/** What coupons publishes on coupon.activation_guessing (activation-attempts.ts). */
interface ActivationGuessingEvent {
  readonly user_id: string;
  readonly device_id: string | null;
  readonly ip: string;
  readonly reached: readonly { readonly scope: string; readonly failures: number }[];
}

interface InvoiceAcceptedEvent {
  readonly invoice_id: string;
  readonly user_id: string;
  readonly fraud_signals?: readonly (string | { readonly code?: string })[];
}

export const riskModule: QuanyiModule = {
  name: 'risk',
  migrations: riskMigrations,
  init: (platform) => {
    platform.hooks.riskGate = riskOf(platform).screen;
  },
  routes: (app, platform) => riskRoutes(app, riskOf(platform)),
  subscribers: (platform) => [
    {
      // Cash-out (coupon specification §4.4) is judged after the redemption, off the till's hot path: each coupon redeemed
      // counts once at its merchant (a redelivered event is not counted again).
      name: 'risk.cash-out',
      topics: ['coupon.consumed'],
      handle: async (event: OutboxEvent<ConsumedEvent>) => {
        const { screen } = riskOf(platform);
        for (const [i, line] of event.payload.lines.entries()) {
          await screen.observe('coupon.consumed', { merchantId: event.payload.merchant_id, hitId: `${event.id}:${line.coupon_id ?? i}`, requestId: event.requestId ?? undefined });
        }
      },
    } as Subscriber<ConsumedEvent> as Subscriber,
    {
      name: 'risk.invoice-signals',
      topics: ['invoice.accepted'],
      handle: async (event: OutboxEvent<InvoiceAcceptedEvent>) => {
        const signals = (event.payload.fraud_signals ?? []).map((s) => (typeof s === 'string' ? s : (s.code ?? 'UNKNOWN')));
        if (signals.length === 0) return;
        const verdict = await riskOf(platform).screen.observe('invoice.accepted', { invoiceId: event.payload.invoice_id, userId: event.payload.user_id, invoiceSignals: signals, requestId: event.requestId ?? undefined });
        // No rule asks for a review (INVOICE_FRAUD_SIGNALS switched off): the lottery may count the invoice now.
        if (verdict.decision === 'ALLOW') {
          await platform.database.db.transaction().execute((trx) =>
            platform.outbox.publish(trx, { topic: 'risk.invoice_cleared', aggregateId: event.payload.invoice_id, payload: { invoice_id: event.payload.invoice_id }, requestId: event.requestId ?? undefined }),
          );
        }
      },
    } as Subscriber<InvoiceAcceptedEvent> as Subscriber,
    {
      // Code guessing: the coupons module counts failed activations and refuses a caller past a cap; risk control
      // records the guesser (a case for review, or a freeze if the deployment says so).
      name: 'risk.code-guessing',
      topics: ['coupon.activation_guessing'],
      handle: async (event: OutboxEvent<ActivationGuessingEvent>) => {
        const p = event.payload;
        await riskOf(platform).screen.observe('coupon.activation_guessing', {
          userId: p.user_id,
          ...(p.device_id ? { deviceId: p.device_id } : {}),
          ip: p.ip,
          guessingCaps: p.reached.map((r) => r.scope),
          requestId: event.requestId ?? undefined,
        });
      },
    } as Subscriber<ActivationGuessingEvent> as Subscriber,
  ],
};
