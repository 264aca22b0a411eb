import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/actor.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney } from '../../platform/money/money.js';
import { parseAmountField } from '../../platform/money/amount-field.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { Clock } from '../../platform/time/clock.js';
import { normalizeCouponCode } from './domain/coupon-code.js';
import { couponAudience } from './domain/coupon-audience.js';
import { fundingFor, type Funding, type FundingInput } from './domain/funding.js';
import { couponType, CouponTypeError, deserializeParams, isCouponTypeCode, serializeParams, type TypedParams } from './domain/coupon-types.js';
import { nextStatus, type CouponStatus } from './domain/state-machine.js';
import type { CouponRepo, CouponRow } from './repo.js';

export interface TemplateInput {
  readonly name: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly stackable?: boolean;
  readonly merchant_ids?: readonly string[];
  readonly valid_from?: string;
  readonly valid_until?: string;
  readonly valid_days?: number;
  readonly total_stock?: number;
  readonly per_user_limit?: number;
  readonly per_user_daily_limit?: number;
  readonly budget?: string | number;
  readonly funding?: FundingInput;
}

const DAY_MS = 86_400_000;

/** Coupon use cases. Each runs inside the caller's transaction so the idempotent answer commits with it. */
export class CouponService {
  private readonly fundings = new Map<string, Funding>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: CouponRepo,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async createTemplate(trx: Transaction<Database>, input: TemplateInput, createdBy: string) {
    if (!isCouponTypeCode(input.type)) throw templateError('type', `unknown type ${input.type}`);
    let typed: TypedParams;
    try {
      typed = { type: input.type, params: couponType(input.type).parse(input.params) } as TypedParams;
    } catch (error) {
      if (error instanceof CouponTypeError) throw templateError(error.field, error.message);
      throw error;
    }
    const validFrom = input.valid_from ? parseInstant('valid_from', input.valid_from) : null;
    const validUntil = input.valid_until ? parseInstant('valid_until', input.valid_until) : null;
    if (!validUntil && !input.valid_days) throw templateError('valid_until', 'give valid_until or valid_days');
    if (validFrom && validUntil && validUntil <= validFrom) throw templateError('valid_until', 'must be after valid_from');
    const funding = fundingFor(input.type, input.funding);
    if (!funding.ok) throw templateError('funding', funding.message);
    const templateId = this.ids.next();
    await this.repo.insertTemplate(trx, {
      templateId,
      name: input.name,
      type: input.type,
      params: serializeParams(typed),
      stackable: input.stackable ?? true,
      merchantIds: input.merchant_ids ?? null,
      validFrom,
      validUntil,
      validDays: input.valid_days ?? null,
      totalStock: input.total_stock ?? null,
      perUserLimit: input.per_user_limit ?? null,
      perUserDailyLimit: input.per_user_daily_limit ?? null,
      budgetFen: input.budget === undefined ? null : parseAmountField('budget', input.budget, { allowZero: true }),
      funding: funding.funding,
      createdBy,
    });
    return { template_id: templateId, type: input.type, params: serializeParams(typed), funding: funding.funding };
  }

  /** Who funds a template's coupons (settlement asks on each redemption; a template's funding never changes). */
  async fundingOf(templateId: string): Promise<Funding | undefined> {
    const cached = this.fundings.get(templateId);
    if (cached) return cached;
    const template = await this.repo.findTemplate(this.db, templateId);
    if (template) this.fundings.set(templateId, template.funding);
    return template?.funding;
  }

  /** A page of redemptions in id order, for settlement's reconciliation. */
  async redemptionPage(afterId: string, limit: number): Promise<{ redemptionId: string; amountFen: bigint; refundedFen: bigint }[]> {
    const rows = await this.repo.redemptionPage(this.db, afterId, limit);
    return rows.map((r) => ({ redemptionId: String(r.redemption_id), amountFen: BigInt(r.amount_fen), refundedFen: BigInt(r.refunded_fen) }));
  }

  /** A coupon's id, template and type by its code (settlement records gift-card sales by code). */
  async identify(code: string): Promise<{ couponId: string; templateId: string; type: string; initialBalanceFen: bigint } | undefined> {
    const normalized = normalizeCouponCode(code);
    if (!normalized) return undefined;
    const coupon = await this.repo.findCouponByCode(this.db, normalized);
    if (!coupon) return undefined;
    const template = (await this.repo.findTemplate(this.db, coupon.templateId))!;
    return { couponId: coupon.couponId, templateId: coupon.templateId, type: template.type, initialBalanceFen: coupon.initialBalanceFen };
  }

  /** A consumer binds an issued (UNACTIVATED) code to their account; per-user limits apply as for claims. */
  async activate(trx: Transaction<Database>, code: string, userId: string, requestId: string) {
    const coupon = await this.requireCoupon(trx, code);
    const next = nextStatus(coupon.status as CouponStatus, 'activate', { giftCard: false });
    if (!next.ok) throw new AppError(next.code, { coupon_code: coupon.code });
    if (coupon.expired) throw new AppError('COUPON_EXPIRED', { coupon_code: coupon.code });
    const template = (await this.repo.findTemplate(trx, coupon.templateId))!;
    if (template.perUserLimit && !(await this.repo.countClaim(trx, template.templateId, userId, null, template.perUserLimit))) {
      throw new AppError('COUPON_LIMIT_REACHED');
    }
    const validUntil = template.validDays ? new Date(this.clock.now().getTime() + template.validDays * DAY_MS) : coupon.validUntil;
    if (!(await this.repo.activate(trx, coupon.couponId, userId, validUntil))) throw new AppError('COUPON_CONFLICT');
    await this.repo.insertEvent(trx, { id: this.ids.next(), couponId: coupon.couponId, action: 'activate', fromStatus: coupon.status, toStatus: next.to, actor: `user:${userId}`, requestId });
    await this.outbox.publish(trx, { topic: 'coupon.activated', aggregateId: coupon.couponId, payload: { coupon_id: coupon.couponId, user_id: userId }, requestId });
    return { coupon_id: coupon.couponId, coupon_code: coupon.code, status: next.to, balance: formatMoney(coupon.balanceFen), valid_until: validUntil?.toISOString() ?? null };
  }

  /** The scheduled sweep: coupons past their validity become EXPIRED, each with its event row. */
  async expireDue(limit = 1_000): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const expired = await this.repo.expireDue(trx, limit);
      for (const { couponId, fromStatus } of expired) {
        await this.repo.insertEvent(trx, { id: this.ids.next(), couponId, action: 'expire', fromStatus, toStatus: 'EXPIRED', actor: 'system:expiry-sweep' });
      }
      return expired.length;
    });
  }

  /** Freeze or unfreeze (operators, risk reviewers, the risk module): the state machine decides, a guard applies. */
  async setFrozen(trx: Transaction<Database>, code: string, frozen: boolean, actor: Actor, reason: string, requestId: string) {
    const coupon = await this.requireCoupon(trx, code);
    const action = frozen ? 'freeze' : 'unfreeze';
    const next = nextStatus(coupon.status as CouponStatus, action, { giftCard: false });
    if (!next.ok) throw new AppError(next.code, { coupon_code: coupon.code });
    if (!(await this.repo.transition(trx, coupon.couponId, coupon.status, next.to))) throw new AppError('COUPON_CONFLICT');
    await this.repo.insertEvent(trx, { id: this.ids.next(), couponId: coupon.couponId, action, fromStatus: coupon.status, toStatus: next.to, actor: `${actor.kind}:${actor.id}`, reason, requestId });
    await this.outbox.publish(trx, { topic: `coupon.${action === 'freeze' ? 'frozen' : 'unfrozen'}`, aggregateId: coupon.couponId, payload: { coupon_id: coupon.couponId, reason }, requestId });
    return { coupon_code: coupon.code, status: next.to };
  }

  /**
   * Freezes every ACTIVATED coupon a user holds (risk control froze the account), in the caller's transaction,
   * each with its event; `reason` names the cause (the risk case) so `unfreezeAllOfUser` restores exactly these.
   */
  async freezeAllOfUser(trx: Transaction<Database>, userId: string, reason: string, actor: string, requestId?: string) {
    const frozen = await this.repo.transitionAllOfUser(trx, userId, 'ACTIVATED', 'FROZEN');
    await this.repo.insertEvents(trx, frozen.map((c) => ({ id: this.ids.next(), couponId: c.couponId, action: 'freeze', fromStatus: 'ACTIVATED', toStatus: 'FROZEN', actor, reason, requestId })));
    if (frozen.length > 0) {
      await this.outbox.publishMany(trx, frozen.map((c) => ({ topic: 'coupon.frozen', aggregateId: c.couponId, payload: { coupon_id: c.couponId, reason }, requestId })));
    }
    return frozen.map((c) => c.code);
  }

  /** Unfreezes the coupons of a user that were frozen with `reason` and are still FROZEN. */
  async unfreezeAllOfUser(trx: Transaction<Database>, userId: string, reason: string, actor: string, requestId?: string) {
    const ids = await this.repo.couponsFrozenWith(trx, userId, reason);
    const thawed = await this.repo.transitionAllOfUser(trx, userId, 'FROZEN', 'ACTIVATED', ids);
    await this.repo.insertEvents(trx, thawed.map((c) => ({ id: this.ids.next(), couponId: c.couponId, action: 'unfreeze', fromStatus: 'FROZEN', toStatus: 'ACTIVATED', actor, reason, requestId })));
    if (thawed.length > 0) {
      await this.outbox.publishMany(trx, thawed.map((c) => ({ topic: 'coupon.unfrozen', aggregateId: c.couponId, payload: { coupon_id: c.couponId, reason }, requestId })));
    }
    return thawed.map((c) => c.code);
  }

  /** The distinct holders of these coupons (for activities rewarding a referral's first redemption). */
  async holdersOf(couponIds: readonly string[]): Promise<string[]> {
    return this.repo.holdersOf(this.db, couponIds);
  }

  /**
   * Claws back what a rejected risk case froze: its single-use coupons become REVOKED for good (the stock is not
   * returned: the codes were farmed). Gift cards were paid for, so they stay FROZEN for a person to settle.
   */
  async revokeFrozenOfUser(trx: Transaction<Database>, userId: string, reason: string, actor: string, requestId?: string) {
    const revoked = await this.repo.revokeFrozen(trx, userId, await this.repo.couponsFrozenWith(trx, userId, reason));
    await this.repo.insertEvents(trx, revoked.map((c) => ({ id: this.ids.next(), couponId: c.couponId, action: 'revoke', fromStatus: 'FROZEN', toStatus: 'REVOKED', actor, reason, requestId })));
    if (revoked.length > 0) {
      await this.outbox.publishMany(trx, revoked.map((c) => ({ topic: 'coupon.revoked', aggregateId: c.couponId, payload: { coupon_id: c.couponId, reason }, requestId })));
    }
    return revoked.map((c) => c.code);
  }

  /**
   * Refund of a till transaction. Without `amount`, everything: gift cards get back what they paid and single-use
   * coupons go USED → REFUNDED. With `amount`, a partial refund paid back to the transaction's gift cards, never
   * more than they gave.
   */
  async refund(trx: Transaction<Database>, txId: string, amount: string | number | undefined, actor: Actor, requestId: string) {
    const lines = await this.repo.redemptionsOf(trx, txId);
    if (lines.length === 0 || !lines.every((l) => actor.merchantIds?.includes(l.merchant_id))) throw new AppError('TRANSACTION_NOT_FOUND');
    let wanted = amount === undefined ? null : parseAmountField('amount', amount, { allowZero: false });
    const refunded = [];
    for (const line of lines) {
      const refundable = BigInt(line.amount_fen) - BigInt(line.refunded_fen);
      if (refundable === 0n) continue;
      const couponId = String(line.coupon_id);
      const actorName = `${actor.kind}:${actor.id}`;
      if (line.type === 'GIFT_CARD') {
        const give = wanted === null ? refundable : wanted < refundable ? wanted : refundable;
        if (give === 0n) continue;
        if (!(await this.repo.refundRedemption(trx, String(line.redemption_id), give))) throw new AppError('COUPON_CONFLICT');
        const restored = await this.repo.restoreBalance(trx, couponId, give);
        if (!restored) throw new AppError('COUPON_CONFLICT', { coupon_code: line.code });
        await this.repo.insertEvent(trx, { id: this.ids.next(), couponId, action: 'refund', fromStatus: restored.fromStatus, toStatus: restored.status, amountFen: give, actor: actorName, reason: `refund ${txId}`, requestId });
        refunded.push({ redemption_id: String(line.redemption_id), coupon_code: line.code, amount: formatMoney(give), balance: formatMoney(restored.balanceFen), status: restored.status });
        if (wanted !== null) wanted -= give;
      } else if (wanted === null) {
        const next = nextStatus(line.status as CouponStatus, 'refund', { giftCard: false });
        if (!next.ok) throw new AppError(next.code, { coupon_code: line.code });
        if (!(await this.repo.refundRedemption(trx, String(line.redemption_id), refundable))) throw new AppError('COUPON_CONFLICT');
        if (!(await this.repo.transition(trx, couponId, line.status, next.to))) throw new AppError('COUPON_CONFLICT', { coupon_code: line.code });
        await this.repo.releaseBudget(trx, couponId, refundable);
        await this.repo.insertEvent(trx, { id: this.ids.next(), couponId, action: 'refund', fromStatus: line.status, toStatus: next.to, amountFen: refundable, actor: actorName, reason: `refund ${txId}`, requestId });
        refunded.push({ redemption_id: String(line.redemption_id), coupon_code: line.code, amount: formatMoney(refundable), balance: '0.00', status: next.to });
      }
    }
    if (wanted !== null && wanted > 0n) throw new AppError('REFUND_EXCEEDS_REDEEMED');
    if (refunded.length === 0) throw new AppError('REFUND_EXCEEDS_REDEEMED');
    await this.outbox.publish(trx, {
      topic: 'coupon.refunded',
      aggregateId: txId,
      payload: { transaction_id: txId, merchant_id: lines[0]!.merchant_id, lines: refunded.map(({ redemption_id, ...line }) => ({ ...line, redemption_id })) },
      requestId,
    });
    return { transaction_id: txId, lines: refunded.map(({ redemption_id: _, ...line }) => line) };
  }

  private async requireCoupon(db: Kysely<Database>, code: string): Promise<CouponRow> {
    const normalized = normalizeCouponCode(code);
    if (!normalized) throw new AppError('COUPON_CODE_INVALID');
    const coupon = await this.repo.findCouponByCode(db, normalized);
    if (!coupon) throw new AppError('COUPON_NOT_FOUND');
    return coupon;
  }

  async view(code: string, actor: Actor) {
    const coupon = await this.requireCoupon(this.db, code);
    const template = (await this.repo.findTemplate(this.db, coupon.templateId))!;
    const audience = couponAudience(actor, coupon, template.merchantIds);
    if (!audience) throw new AppError('COUPON_NOT_FOUND');
    const typed = deserializeParams(template.type, template.params);
    const summary = {
      coupon_code: coupon.code,
      status: coupon.expired && (coupon.status === 'ACTIVATED' || coupon.status === 'FROZEN') ? 'EXPIRED' : coupon.status,
      balance: formatMoney(coupon.balanceFen),
      valid_until: coupon.validUntil?.toISOString() ?? null,
      template: { template_id: template.templateId, name: template.name, type: template.type, params: serializeParams(typed) },
    };
    if (audience.kind === 'till') {
      const redemptions = await this.repo.redemptionsOfCouponAt(this.db, coupon.couponId, audience.merchantIds);
      return {
        ...summary,
        redemptions: redemptions.map((r) => ({
          transaction_id: r.transaction_id,
          merchant_id: r.merchant_id,
          order_id: r.order_id,
          amount: formatMoney(BigInt(r.amount_fen)),
          refunded: formatMoney(BigInt(r.refunded_fen)),
          at: r.created_at.toISOString(),
        })),
      };
    }
    const events = await this.repo.eventsOf(this.db, coupon.couponId);
    return {
      coupon_id: coupon.couponId,
      ...summary,
      history: events.map((e) => ({
        action: e.action,
        from: e.from_status,
        to: e.to_status,
        amount: e.amount_fen === null ? null : formatMoney(BigInt(e.amount_fen)),
        at: e.created_at.toISOString(),
      })),
    };
  }

  async listMine(userId: string, status: string | undefined) {
    const rows = await this.repo.couponsOfUser(this.db, userId, status, 200);
    return rows.map((r) => ({
      coupon_id: String(r.coupon_id),
      coupon_code: r.code,
      status: r.status,
      balance: formatMoney(BigInt(r.balance_fen)),
      valid_until: r.valid_until?.toISOString() ?? null,
      template_id: String(r.template_id),
      name: r.name,
      type: r.type,
    }));
  }
}

function parseInstant(field: string, value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw templateError(field, 'must be an ISO 8601 date-time');
  return at;
}

function templateError(field: string, message: string): AppError {
  return new AppError('COUPON_TEMPLATE_INVALID', { details: [{ field, message }] });
}

