import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/actor.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney, parseMoney } from '../../platform/money/money.js';
import { parseAmountField } from '../../platform/money/amount-field.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { businessDate, type Clock } from '../../platform/time/clock.js';
import { deserializeParams } from './domain/coupon-types.js';
import { checkLockConfirmation } from './domain/lock-confirmation.js';
import { transactionId } from './domain/transaction-id.js';
import { CONSUMED_TOPIC, consumedEvent } from './consumed-event.js';
import type { CouponRepo } from './repo.js';
import type { Redemptions } from './redemptions.js';

export const DEFAULT_LOCK_TTL_SECONDS = 15 * 60;

export interface LockInput {
  readonly code: string;
  readonly merchantId: string;
  readonly amount: string | number;
  readonly orderId: string;
  readonly ttlSeconds?: number;
}

export interface ConfirmInput {
  readonly lockId: string;
  readonly merchantId: string;
  /** Must be the order the lock was taken for, at the amount it was priced on. */
  readonly orderId: string;
  readonly amount: string | number;
}

/**
 * Holding a coupon while the customer pays (the specification's flow: lock the balance → payment → confirm). A gift
 * card's held amount moves out of its spendable balance in one guarded update, so neither another lock nor a
 * plain consume can spend it; a single-use coupon gets one live lock at most. Confirming turns the hold into a
 * redemption of the same order at the same amount; unlocking, or the TTL running out, gives it back.
 */
export class CouponLocks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: CouponRepo,
    private readonly redemptions: Redemptions,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async lock(trx: Transaction<Database>, input: LockInput, actor: Actor, requestId: string) {
    // The same checks and pricing as a consume of this one code.
    const quote = await this.redemptions.quote(
      { codes: [input.code], merchantId: input.merchantId, amount: input.amount, orderId: input.orderId, allowPartial: false },
      actor,
      trx,
    );
    const line = quote.lines[0]!;
    const coupon = (await this.repo.findCouponByCode(trx, line.coupon_code))!;
    const giftCard = line.type === 'GIFT_CARD';
    const amountFen = parseMoney(line.amount, { allowZero: true });
    if (giftCard) {
      const held = await sql`
        UPDATE coupon_info SET balance_fen = balance_fen - ${amountFen}, held_fen = held_fen + ${amountFen}, updated_at = now()
        WHERE coupon_id = ${coupon.couponId} AND status = 'ACTIVATED' AND balance_fen >= ${amountFen}
      `.execute(trx);
      if (Number(held.numAffectedRows ?? 0n) !== 1) throw new AppError('COUPON_BALANCE_INSUFFICIENT', { coupon_code: coupon.code });
    }
    const lockId = this.ids.next();
    const ttl = input.ttlSeconds ?? DEFAULT_LOCK_TTL_SECONDS;
    try {
      await trx
        .insertInto('coupon_locks')
        .values({
          lock_id: lockId,
          coupon_id: coupon.couponId,
          gift_card: giftCard,
          merchant_id: input.merchantId,
          order_id: input.orderId,
          order_amount_fen: parseAmountField('amount', input.amount, { allowZero: false }),
          amount_fen: amountFen,
          status: 'held',
          expires_at: sql<Date>`now() + make_interval(secs => ${ttl})`,
        })
        .execute();
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new AppError('COUPON_LOCKED', { coupon_code: coupon.code });
      throw error;
    }
    await this.repo.insertEvent(trx, { id: this.ids.next(), couponId: coupon.couponId, action: 'lock', fromStatus: coupon.status, toStatus: coupon.status, amountFen, actor: `${actor.kind}:${actor.id}`, reason: `order ${input.orderId}`, requestId });
    const expiresAt = new Date(this.clock.now().getTime() + ttl * 1000);
    return { lock_id: lockId, coupon_code: coupon.code, amount: formatMoney(amountFen), discount: quote.discount, payable: quote.payable, expires_at: expiresAt.toISOString() };
  }

  /**
   * Confirms a held lock as a redemption (consume with `lock_id`): only for the order it was taken for, at the
   * amount it was priced on, and only if the coupon's threshold and cap still allow the held amount there.
   */
  async confirm(trx: Transaction<Database>, input: ConfirmInput, actor: Actor, requestId: string) {
    const { lockId, merchantId } = input;
    if (!actor.merchantIds?.includes(merchantId)) throw new AppError('FORBIDDEN');
    const orderAmountFen = parseAmountField('amount', input.amount, { allowZero: false });
    const held = await trx
      .selectFrom('coupon_locks as l')
      .innerJoin('coupon_info as c', 'c.coupon_id', 'l.coupon_id')
      .innerJoin('coupon_templates as t', 't.template_id', 'c.template_id')
      .select(['l.order_id', 'l.order_amount_fen', 'l.amount_fen', 't.type', 't.params'])
      .where('l.lock_id', '=', lockId)
      .where('l.merchant_id', '=', merchantId)
      .where('l.status', '=', 'held')
      .where('l.expires_at', '>', sql<Date>`now()`)
      .forUpdate('l')
      .executeTakeFirst();
    if (!held) throw new AppError('LOCK_NOT_FOUND');
    const typed = deserializeParams(held.type, held.params);
    const check = checkLockConfirmation(
      typed,
      { orderId: held.order_id, orderAmountFen: held.order_amount_fen === null ? null : BigInt(held.order_amount_fen), amountFen: BigInt(held.amount_fen) },
      { orderId: input.orderId, orderAmountFen },
    );
    if (!check.ok) throw new AppError(check.code, { lock_id: lockId, field: check.field });
    const lock = await trx
      .updateTable('coupon_locks')
      .set({ status: 'consumed', settled_at: sql<Date>`now()` })
      .where('lock_id', '=', lockId)
      .where('status', '=', 'held')
      .returningAll()
      .executeTakeFirst();
    if (!lock) throw new AppError('LOCK_NOT_FOUND');
    const couponId = String(lock.coupon_id);
    const amountFen = BigInt(lock.amount_fen);
    let spent: { balanceFen: bigint; status: string } | undefined;
    if (lock.gift_card) {
      const row = await sql<{ balance_fen: string; status: string }>`
        UPDATE coupon_info
        SET held_fen = held_fen - ${amountFen},
            status = CASE WHEN balance_fen = 0 AND held_fen - ${amountFen} = 0 THEN 'USED' ELSE status END,
            updated_at = now()
        WHERE coupon_id = ${couponId} AND held_fen >= ${amountFen} AND status = 'ACTIVATED'
        RETURNING balance_fen, status
      `.execute(trx);
      spent = row.rows[0] && { balanceFen: BigInt(row.rows[0].balance_fen), status: row.rows[0].status };
    } else {
      spent = await this.repo.redeem(trx, couponId, 0n, true);
      // The budget was checked when the lock was taken but not reserved: it is charged now, or the confirm fails.
      if (spent && !(await this.repo.chargeBudget(trx, couponId, amountFen))) throw new AppError('COUPON_BUDGET_EXHAUSTED');
    }
    if (!spent) throw new AppError('COUPON_CONFLICT');
    const txId = transactionId(businessDate(this.clock.now()), this.ids.next());
    const { code, template_id: templateId } = await trx.selectFrom('coupon_info').select(['code', 'template_id']).where('coupon_id', '=', couponId).executeTakeFirstOrThrow();
    await this.repo.insertEvent(trx, { id: this.ids.next(), couponId, action: 'consume', fromStatus: 'ACTIVATED', toStatus: spent.status, amountFen, actor: `${actor.kind}:${actor.id}`, reason: `order ${lock.order_id} (lock ${lockId})`, requestId });
    const redemptionId = amountFen > 0n ? this.ids.next() : null;
    if (redemptionId) {
      await this.repo.insertRedemption(trx, { redemptionId, transactionId: txId, couponId, merchantId, orderId: lock.order_id, orderAmountFen, amountFen });
    }
    const lines = [{ coupon_code: code, type: typed.type, amount: formatMoney(amountFen), balance: formatMoney(spent.balanceFen), status: spent.status }];
    await this.outbox.publish(trx, {
      topic: CONSUMED_TOPIC,
      ...consumedEvent({
        transactionId: txId,
        merchantId,
        orderId: lock.order_id,
        orderAmountFen,
        lines: [{ couponId, templateId: String(templateId), redemptionId, code, type: typed.type, amountFen }],
        requestId,
      }),
    });
    const payable = orderAmountFen > amountFen ? orderAmountFen - amountFen : 0n;
    return { transaction_id: txId, discount: formatMoney(amountFen), payable: formatMoney(payable), balance: lock.gift_card ? formatMoney(spent.balanceFen) : null, lines };
  }

  /**
   * Gives a held lock back (unlock by the till, or its TTL ran out). With `merchantIds`, only a lock held at one
   * of them (none: nothing is released); without, any (the expiry sweep).
   */
  async release(trx: Transaction<Database>, lockId: string, reason: 'released' | 'expired', merchantIds?: readonly string[]): Promise<boolean> {
    if (merchantIds?.length === 0) return false;
    let query = trx
      .updateTable('coupon_locks')
      .set({ status: reason, settled_at: sql<Date>`now()` })
      .where('lock_id', '=', lockId)
      .where('status', '=', 'held');
    if (merchantIds) query = query.where('merchant_id', 'in', [...merchantIds]);
    const lock = await query.returningAll().executeTakeFirst();
    if (!lock) return false;
    if (lock.gift_card) {
      await sql`
        UPDATE coupon_info SET balance_fen = balance_fen + ${lock.amount_fen}, held_fen = held_fen - ${lock.amount_fen}, updated_at = now()
        WHERE coupon_id = ${lock.coupon_id}
      `.execute(trx);
    }
    const status = (await trx.selectFrom('coupon_info').select('status').where('coupon_id', '=', lock.coupon_id).executeTakeFirstOrThrow()).status;
    await this.repo.insertEvent(trx, { id: this.ids.next(), couponId: String(lock.coupon_id), action: 'unlock', fromStatus: status, toStatus: status, amountFen: BigInt(lock.amount_fen), actor: reason === 'expired' ? 'system:lock-expiry' : `merchant:${lock.merchant_id}`, reason });
    return true;
  }

  /**
   * Unlock by the till or the console: a lock held at any of the caller's merchants, or at `merchantId` when
   * the request names one (which must be one of them). Another merchant's lock answers as if it did not exist.
   */
  async unlock(trx: Transaction<Database>, lockId: string, actor: Actor, merchantId?: string) {
    const own = actor.merchantIds ?? [];
    if (merchantId !== undefined && !own.includes(merchantId)) throw new AppError('FORBIDDEN');
    if (!(await this.release(trx, lockId, 'released', merchantId === undefined ? own : [merchantId]))) throw new AppError('LOCK_NOT_FOUND');
    return { lock_id: lockId, status: 'released' };
  }

  /** The scheduled sweep for locks whose TTL ran out. */
  async expireDue(limit = 500): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('coupon_locks')
        .select('lock_id')
        .where('status', '=', 'held')
        .where('expires_at', '<=', sql<Date>`now()`)
        .orderBy('expires_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const { lock_id } of due) await this.release(trx, String(lock_id), 'expired');
      return due.length;
    });
  }
}
