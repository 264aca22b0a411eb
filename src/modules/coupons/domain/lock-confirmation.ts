import type { Fen } from '../../../platform/money/money.js';
import { priceCoupon, type TypedParams } from './coupon-types.js';

/** A held lock as the confirmation sees it. */
export interface HeldLock {
  readonly orderId: string;
  /** The order amount the lock was priced on; null for locks taken before it was stored (migration 0050). */
  readonly orderAmountFen: Fen | null;
  /** What the lock holds: the discount, or what a gift card pays. */
  readonly amountFen: Fen;
}

/** What the till asks to confirm. */
export interface LockConfirmation {
  readonly orderId: string;
  readonly orderAmountFen: Fen;
}

export type LockConfirmationOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'COUPON_LOCK_ORDER_MISMATCH'; readonly field: 'order_id' | 'amount' };

/**
 * Whether a lock may be confirmed for this order. The order must be the one the lock was taken for, at the
 * amount it was priced on; and, whatever is stored, the coupon's own terms are priced again on the amount
 * confirmed: its threshold must be met there, and the held amount must not exceed what the coupon gives on that
 * amount (its reduction, its capped discount, or for a gift card the order itself). For a lock taken before the
 * amount was stored, that re-check alone decides.
 */
export function checkLockConfirmation(typed: TypedParams, lock: HeldLock, confirmation: LockConfirmation): LockConfirmationOutcome {
  if (confirmation.orderId !== lock.orderId) return { ok: false, code: 'COUPON_LOCK_ORDER_MISMATCH', field: 'order_id' };
  if (lock.orderAmountFen !== null && confirmation.orderAmountFen !== lock.orderAmountFen) {
    return { ok: false, code: 'COUPON_LOCK_ORDER_MISMATCH', field: 'amount' };
  }
  const priced = priceCoupon(typed, {
    orderAmountFen: confirmation.orderAmountFen,
    remainingFen: confirmation.orderAmountFen,
    // A gift card is priced with what the lock holds of it: it may pay that much and no more than the order.
    ...(typed.type === 'GIFT_CARD' ? { balanceFen: lock.amountFen } : {}),
    allowPartial: true,
  });
  if (!priced.ok || lock.amountFen > priced.amountFen) return { ok: false, code: 'COUPON_LOCK_ORDER_MISMATCH', field: 'amount' };
  return { ok: true };
}
