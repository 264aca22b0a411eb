import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Logger } from '../../platform/log/logger.js';
import type { BusinessMetrics } from '../../platform/metrics/metrics.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { Clock } from '../../platform/time/clock.js';
import { PayoutUnavailableError, type PayoutPort, type PayoutResult } from '../payouts/port.js';
import { afterUnansweredAttempt } from './prize-backoff.js';
import type { PrizeRepo } from './prize-repo.js';
import type { PrizeRow } from './repo.js';
import { ALLOW_ALL, type RiskGate } from '../../platform/risk/risk-gate.js';

/** How long one run holds a prize it took: far beyond the bank's timeout, so only a crashed run loses it. */
const CLAIM_LEASE_MS = 5 * 60_000;

/** Where a cash prize goes (the identity module: the verified name and bank card). */
export interface PayoutAccounts {
  payoutAccountOf(userId: string): Promise<{ readonly name: string; readonly bankCard: string } | null>;
}

/** How a coupon prize is issued (the coupons module's claim, in our transaction: it enforces stock and limits). */
export interface CouponIssuer {
  claim(trx: Transaction<Database>, templateId: string, userId: string, requestId: string): Promise<{ readonly coupon_id: string; readonly coupon_code: string }>;
}

export interface PayDueResult {
  paid: number;
  issued: number;
  failed: number;
  retried: number;
}

type Outcome = keyof PayDueResult;

/** The bank's idempotency key for a prize: every attempt for one prize asks for the same transfer. */
export const payoutIdOf = (prizeId: string) => `prize-${prizeId}`;

/**
 * Pays prizes. Each run takes due PENDING prizes one at a time (FOR UPDATE SKIP LOCKED, then a lease), so runs
 * in parallel never take the same prize; then
 *
 * - CASH: asks the bank to pay the winner's verified bank card, outside any transaction (the bank may be slow,
 *   and the sandbox bank shares our database). The payout id is the prize's, so a retry after a lost answer or
 *   a crash is answered with the first transfer, never a second one. PAID → PAID; the bank's FAILED → FAILED;
 *   no answer → retried with backoff, FAILED PAYOUT_UNAVAILABLE after the last attempt.
 * - COUPON: claims one coupon of the template for the winner in the same transaction that marks the prize
 *   ISSUED; a refusal (stock, limits) marks it FAILED with that code.
 *
 * Every outcome publishes `lottery.prize_paid` or `lottery.prize_failed` in the transaction that records it.
 */
export class PrizePayouts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: PrizeRepo,
    private readonly bank: PayoutPort,
    private readonly accounts: PayoutAccounts,
    private readonly coupons: CouponIssuer,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Risk control, asked before money leaves: a frozen account waits for its review, a blacklisted one fails. */
    private readonly riskGate: () => RiskGate = () => ALLOW_ALL,
    /** `lottery_prize_payouts_total{kind, outcome}`. */
    private readonly payoutsCounter?: BusinessMetrics['prizePayouts'],
  ) {}

  async payDue(limit = 100): Promise<PayDueResult> {
    const result: PayDueResult = { paid: 0, issued: 0, failed: 0, retried: 0 };
    for (let taken = 0; taken < limit; taken++) {
      const now = this.clock.now();
      const prize = await this.repo.claimNext(this.db, now, new Date(now.getTime() + CLAIM_LEASE_MS));
      if (!prize) break;
      const outcome = await this.settle(prize);
      if (outcome) result[outcome] += 1;
      if (outcome) this.payoutsCounter?.inc({ kind: prize.kind, outcome });
    }
    return result;
  }

  /** Null when the outcome was not ours to record (our lease lapsed and another run took the prize over). */
  private async settle(prize: PrizeRow): Promise<Outcome | null> {
    try {
      return prize.kind === 'CASH' ? await this.payCash(prize) : await this.issueCoupon(prize);
    } catch (error) {
      // A fault rather than an answer (the database, a bug): the prize stays PENDING and is retried like an outage.
      this.logger.error({ err: error, prize_id: prize.prize_id, attempt: prize.attempts }, 'prize payout failed unexpectedly; it will be retried');
      return this.retry(prize, 'INTERNAL');
    }
  }

  private async payCash(prize: PrizeRow): Promise<Outcome | null> {
    const amountFen = Number(prize.amount_fen);
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new Error(`cash prize ${prize.prize_id} has no amount`);
    try {
      await this.riskGate().check('prize.payout', { userId: prize.user_id });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // A frozen account (risk review pending) is not the bank's ACCOUNT_FROZEN: the prize waits and is retried.
      if (error.code === 'ACCOUNT_FROZEN') return this.retry(prize, 'RISK_ACCOUNT_FROZEN');
      return this.fail(prize, error.code);
    }
    const account = await this.accounts.payoutAccountOf(prize.user_id);
    if (!account) return this.fail(prize, 'NO_PAYOUT_ACCOUNT');
    let answer: PayoutResult;
    try {
      answer = await this.bank.pay({
        payout_id: payoutIdOf(prize.prize_id),
        amount_fen: amountFen,
        payee: { name: account.name, bank_card: account.bankCard },
        memo: `权益发票抽奖奖金 ${prize.prize_id}`,
      });
    } catch (error) {
      if (!(error instanceof PayoutUnavailableError)) throw error;
      this.logger.warn({ prize_id: prize.prize_id, attempt: prize.attempts, reason: error.message }, 'the bank did not answer a prize payout; it will be retried');
      return this.retry(prize, 'PAYOUT_UNAVAILABLE');
    }
    if (answer.status === 'FAILED') return this.fail(prize, answer.reason);
    const reference = answer.reference;
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.repo.markPaid(trx, prize, reference, this.clock.now()))) return null;
      await this.outbox.publish(trx, {
        topic: 'lottery.prize_paid',
        aggregateId: prize.prize_id,
        payload: { prize_id: prize.prize_id, user_id: prize.user_id, kind: 'CASH', amount: formatMoney(amountFen), payout_reference: reference },
      });
      return 'paid' as const;
    });
  }

  private async issueCoupon(prize: PrizeRow): Promise<Outcome | null> {
    const templateId = prize.coupon_template_id;
    if (!templateId) throw new Error(`coupon prize ${prize.prize_id} has no template`);
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.repo.lockClaimed(trx, prize))) return null;
      let coupon: { coupon_id: string; coupon_code: string };
      try {
        coupon = await this.repo.inSavepoint(trx, () => this.coupons.claim(trx, templateId, prize.user_id, payoutIdOf(prize.prize_id)));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return this.failIn(trx, prize, error.code);
      }
      await this.repo.markIssued(trx, prize, coupon.coupon_code, this.clock.now());
      await this.outbox.publish(trx, {
        topic: 'lottery.prize_paid',
        aggregateId: prize.prize_id,
        payload: { prize_id: prize.prize_id, user_id: prize.user_id, kind: 'COUPON', coupon_template_id: templateId, coupon_id: coupon.coupon_id },
      });
      return 'issued' as const;
    });
  }

  private async retry(prize: PrizeRow, reason: string): Promise<Outcome | null> {
    const next = afterUnansweredAttempt(prize.attempts);
    if ('giveUp' in next) return this.fail(prize, reason);
    const at = new Date(this.clock.now().getTime() + next.retryInMs);
    return (await this.repo.scheduleRetry(this.db, prize, at, reason)) ? 'retried' : null;
  }

  private async fail(prize: PrizeRow, reason: string): Promise<Outcome | null> {
    return this.db.transaction().execute((trx) => this.failIn(trx, prize, reason));
  }

  private async failIn(trx: Transaction<Database>, prize: PrizeRow, reason: string): Promise<Outcome | null> {
    if (!(await this.repo.markFailed(trx, prize, reason))) return null;
    await this.outbox.publish(trx, {
      topic: 'lottery.prize_failed',
      aggregateId: prize.prize_id,
      payload: { prize_id: prize.prize_id, user_id: prize.user_id, kind: prize.kind, reason },
    });
    this.logger.warn({ prize_id: prize.prize_id, reason }, 'prize could not be paid');
    return 'failed';
  }
}
