import type { Fen } from '../../../platform/money/money.js';
import { normalizeCouponCode } from './coupon-code.js';
import { COUPON_TYPES, isExclusive, priceCoupon } from './coupon-types.js';
import type { CouponTypeCode, PricingStage, TypedParams } from './coupon-types.js';

/**
 * Prices one order paid with several coupons. The order in which coupons apply is fixed here, never by the
 * order the customer typed the codes in:
 *
 * 1. Fixed reductions (THRESHOLD 满减, CASH 代金): each measured against the order amount before any coupon, so
 *    no reduction can disqualify another; together they take at most the whole order.
 * 2. DISCOUNT (折扣) on what the reductions left: a percentage of an amount already reduced is the smaller
 *    discount, and the one merchants budget for.
 * 3. GIFT_CARD last: cards pay, they do not discount, so they pay what the coupons left, smallest balance first
 *    so that fewer cards are left holding crumbs.
 *
 * Within a stage, coupons go in code order (gift cards: balance, then code). That order only decides which line
 * is capped when reductions exceed the order; the totals do not depend on it.
 */
export type PricedCoupon = TypedParams & {
  readonly couponId: string;
  readonly code: string;
  /** Required for GIFT_CARD: what the card holds now (params carry only its face value). */
  readonly balanceFen?: Fen;
  /** The batch's policy. The type may also forbid stacking: every DISCOUNT, a THRESHOLD with stackable false. */
  readonly stackable: boolean;
};

export interface PricingOptions {
  /**
   * false: gift cards must settle everything the coupons left (the consume API charging an amount to a card).
   * true: they pay what they hold and the customer pays the rest another way.
   */
  readonly allowPartial: boolean;
}

export interface PricingLine {
  readonly couponId: string;
  readonly code: string;
  readonly type: CouponTypeCode;
  /**
   * The value taken from this coupon. It can be 0 when earlier coupons already covered the order; whether such a
   * coupon is consumed is the service's choice.
   */
  readonly amountFen: Fen;
  /** Gift cards only. */
  readonly balanceAfterFen?: Fen;
}

export interface PricingResult {
  readonly ok: true;
  /** Everything the coupons took off the order, gift-card payments included. */
  readonly discountFen: Fen;
  readonly payableFen: Fen;
  /** In the order the coupons applied. */
  readonly lines: readonly PricingLine[];
}

export type PricingRefusalCode =
  | 'COUPON_DUPLICATE_IN_ORDER'
  | 'COUPON_NOT_STACKABLE'
  | 'COUPON_THRESHOLD_NOT_MET'
  | 'COUPON_BALANCE_INSUFFICIENT';

export interface PricingRefusal {
  readonly ok: false;
  readonly code: PricingRefusalCode;
  /** The coupon the refusal is about, so the client can point at the code to remove. */
  readonly couponId: string;
  readonly couponCode: string;
}

const STAGE_RANK: Readonly<Record<PricingStage, number>> = { reduction: 0, discount: 1, payment: 2 };

export function priceOrder(
  orderAmountFen: Fen,
  coupons: readonly PricedCoupon[],
  options: PricingOptions,
): PricingResult | PricingRefusal {
  if (orderAmountFen < 0n) throw new RangeError(`an order amount cannot be negative, got ${orderAmountFen}`);
  const ordered = [...coupons].sort(applicationOrder);

  const seenIds = new Set<string>();
  const seenCodes = new Set<string>();
  for (const coupon of ordered) {
    const key = codeKey(coupon.code);
    if (seenIds.has(coupon.couponId) || seenCodes.has(key)) return refuse('COUPON_DUPLICATE_IN_ORDER', coupon);
    seenIds.add(coupon.couponId);
    seenCodes.add(key);
  }

  let exclusiveSeen = false;
  for (const coupon of ordered) {
    if (coupon.stackable && !isExclusive(coupon)) continue;
    if (exclusiveSeen) return refuse('COUPON_NOT_STACKABLE', coupon);
    exclusiveSeen = true;
  }

  // Only the last card must cover what is left when partial payment is off: the cards before it may be drained,
  // so two cards that together cover the amount are accepted.
  const lastGiftCard = ordered.findLast((coupon) => stageOf(coupon) === 'payment');
  let remainingFen = orderAmountFen;
  const lines: PricingLine[] = [];
  for (const coupon of ordered) {
    const outcome = priceCoupon(coupon, {
      orderAmountFen,
      remainingFen,
      ...(coupon.balanceFen === undefined ? {} : { balanceFen: coupon.balanceFen }),
      allowPartial: coupon === lastGiftCard ? options.allowPartial : true,
    });
    if (!outcome.ok) return refuse(outcome.code, coupon);
    if (outcome.amountFen < 0n || outcome.amountFen > remainingFen) {
      throw new Error(`${coupon.type} priced ${outcome.amountFen} against ${remainingFen} remaining`);
    }
    remainingFen -= outcome.amountFen;
    lines.push({
      couponId: coupon.couponId,
      code: coupon.code,
      type: coupon.type,
      amountFen: outcome.amountFen,
      ...(outcome.balanceAfterFen === undefined ? {} : { balanceAfterFen: outcome.balanceAfterFen }),
    });
  }
  return { ok: true, discountFen: orderAmountFen - remainingFen, payableFen: remainingFen, lines };
}

function stageOf(coupon: PricedCoupon): PricingStage {
  return COUPON_TYPES[coupon.type].stage;
}

function applicationOrder(a: PricedCoupon, b: PricedCoupon): number {
  const byStage = STAGE_RANK[stageOf(a)] - STAGE_RANK[stageOf(b)];
  if (byStage !== 0) return byStage;
  if (stageOf(a) === 'payment') {
    const byBalance = compare(a.balanceFen ?? 0n, b.balanceFen ?? 0n);
    if (byBalance !== 0) return byBalance;
  }
  return compare(codeKey(a.code), codeKey(b.code)) || compare(a.couponId, b.couponId);
}

function compare<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "7xk9 b2t4" and "7XK9-B2T4" are the same coupon. */
function codeKey(code: string): string {
  return normalizeCouponCode(code) ?? code.trim().toUpperCase();
}

function refuse(code: PricingRefusalCode, coupon: PricedCoupon): PricingRefusal {
  return { ok: false, code, couponId: coupon.couponId, couponCode: coupon.code };
}
