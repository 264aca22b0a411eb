import { AppError } from '../../platform/errors/app-error.js';

/**
 * Runs a redemption (a consume or a lock's confirmation) and turns the database's refusal of a second transaction
 * for an order (coupon_orders, migration 0053) into a clear answer naming the first one: the same order id is
 * the same payment, so a till retrying without its key learns it was already paid instead of paying twice.
 */
export async function redeemOrderOnce<T>(orders: OrderLookup, merchantId: string, orderId: string, redeem: () => Promise<T>): Promise<T> {
  try {
    return await redeem();
  } catch (error) {
    if (!isOrderRepeat(error)) throw error;
    const first = await orders.firstTransactionOf(merchantId, orderId);
    throw new AppError('COUPON_ORDER_ALREADY_REDEEMED', { order_id: orderId, transaction_id: first ?? null });
  }
}

export interface OrderLookup {
  /** The transaction that redeemed a merchant's order, if one did. */
  firstTransactionOf(merchantId: string, orderId: string): Promise<string | undefined>;
}

function isOrderRepeat(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === 'coupon_orders_pkey';
}
