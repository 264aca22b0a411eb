import type { Fen } from '../../../platform/money/money.js';
import type { TypedParams } from './coupon-types.js';
import { priceOrder, type PricedCoupon, type PricingResult } from './pricing.js';
import { nextStatus, type CouponStatus } from './state-machine.js';

/** What is left of a template's budget (the value its coupons may still take off orders); shared by its coupons. */
export interface TemplateBudget {
  readonly templateId: string;
  remainingFen: Fen;
}

/** A coupon as redemption sees it: its row (latest, locked version) and its template's terms. */
export interface SpendableCoupon {
  readonly couponId: string;
  readonly code: string;
  readonly templateId: string;
  status: CouponStatus;
  balanceFen: Fen;
  readonly heldFen: Fen;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  /** A single-use coupon a till holds with a live lock: only that lock may spend it. */
  readonly heldByLock: boolean;
  readonly typed: TypedParams;
  readonly stackable: boolean;
  /** null: every merchant. */
  readonly merchantIds: readonly string[] | null;
  /** null: the template has no budget. Gift cards are paid for, so they never draw on one. */
  readonly budget: TemplateBudget | null;
}

export interface RedemptionRequest {
  /** Normalised, each once. */
  readonly codes: readonly string[];
  readonly merchantId: string;
  readonly amountFen: Fen;
  readonly allowPartial: boolean;
}

export interface Spend {
  readonly coupon: SpendableCoupon;
  readonly amountFen: Fen;
  readonly singleUse: boolean;
  readonly fromStatus: CouponStatus;
  readonly balanceAfterFen: Fen;
  readonly statusAfter: CouponStatus;
}

export type RedemptionPlan =
  | { readonly ok: true; readonly pricing: PricingResult; readonly spends: readonly Spend[] }
  | { readonly ok: false; readonly code: string; readonly couponCode?: string };

/**
 * Decides one redemption against the coupons' current state: every code must exist and be spendable here, and
 * the order is priced (pricing.ts). Pure: the caller applies the spends (`applySpends`) and writes them, so a
 * batch can decide many redemptions of the same gift card one after the other in memory.
 */
export function planRedemption(request: RedemptionRequest, coupons: ReadonlyMap<string, SpendableCoupon>): RedemptionPlan {
  const priced: PricedCoupon[] = [];
  for (const code of request.codes) {
    const coupon = coupons.get(code);
    if (!coupon) return { ok: false, code: 'COUPON_NOT_FOUND', couponCode: code };
    const refusal = whyNotSpendable(coupon, request.merchantId);
    if (refusal) return { ok: false, code: refusal, couponCode: code };
    priced.push({ ...coupon.typed, couponId: coupon.couponId, code, balanceFen: coupon.balanceFen, stackable: coupon.stackable } as PricedCoupon);
  }
  const pricing = priceOrder(request.amountFen, priced, { allowPartial: request.allowPartial });
  if (!pricing.ok) return { ok: false, code: pricing.code, couponCode: pricing.couponCode };
  const spends: Spend[] = [];
  for (const line of pricing.lines) {
    const coupon = coupons.get(line.code)!;
    const singleUse = coupon.typed.type !== 'GIFT_CARD';
    // A gift card that the coupons before it left nothing to pay is not touched; a single-use coupon is used up.
    if (!singleUse && line.amountFen === 0n) continue;
    const balanceAfterFen = singleUse ? 0n : coupon.balanceFen - line.amountFen;
    const exhausted = singleUse || (balanceAfterFen === 0n && coupon.heldFen === 0n);
    spends.push({ coupon, amountFen: line.amountFen, singleUse, fromStatus: coupon.status, balanceAfterFen, statusAfter: exhausted ? 'USED' : coupon.status });
  }
  const overBudget = exceededBudget(spends);
  if (overBudget) return { ok: false, code: 'COUPON_BUDGET_EXHAUSTED', couponCode: overBudget.code };
  return { ok: true, pricing, spends };
}

/** The first coupon whose template's remaining budget cannot cover what this order takes from its coupons. */
function exceededBudget(spends: readonly Spend[]): SpendableCoupon | undefined {
  const taken = new Map<TemplateBudget, Fen>();
  for (const { coupon, amountFen, singleUse } of spends) {
    if (!coupon.budget || !singleUse) continue;
    const total = (taken.get(coupon.budget) ?? 0n) + amountFen;
    if (total > coupon.budget.remainingFen) return coupon;
    taken.set(coupon.budget, total);
  }
  return undefined;
}

/** Moves the in-memory coupons to their state after `spends`, for the next redemption decided in the batch. */
export function applySpends(spends: readonly Spend[]): void {
  for (const spend of spends) {
    spend.coupon.balanceFen = spend.balanceAfterFen;
    spend.coupon.status = spend.statusAfter;
    if (spend.coupon.budget && spend.singleUse) spend.coupon.budget.remainingFen -= spend.amountFen;
  }
}

function whyNotSpendable(coupon: SpendableCoupon, merchantId: string): string | undefined {
  const giftCard = coupon.typed.type === 'GIFT_CARD';
  const check = nextStatus(coupon.status, 'consume', giftCard ? { giftCard, balanceAfterFen: 1n } : { giftCard });
  if (!check.ok) return check.code;
  if (coupon.expired) return 'COUPON_EXPIRED';
  if (coupon.notYetValid) return 'COUPON_NOT_YET_VALID';
  if (coupon.merchantIds && !coupon.merchantIds.includes(merchantId)) return 'COUPON_MERCHANT_NOT_ALLOWED';
  if (!giftCard && coupon.heldByLock) return 'COUPON_LOCKED';
  return undefined;
}
