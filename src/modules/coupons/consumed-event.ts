import { formatMoney, type Fen } from '../../platform/money/money.js';
import type { PublishInput } from '../../platform/outbox/outbox.js';
import type { CouponTypeCode } from './domain/coupon-types.js';

export const CONSUMED_TOPIC = 'coupon.consumed';

/** One coupon spent in a till transaction. */
export interface ConsumedLine {
  readonly couponId: string;
  readonly templateId: string;
  /** Null when the coupon took nothing off (no redemption row, nothing to settle). */
  readonly redemptionId: string | null;
  readonly code: string;
  /** The coupon's own type (THRESHOLD, CASH, DISCOUNT, GIFT_CARD), whichever way it was spent. */
  readonly type: CouponTypeCode;
  readonly amountFen: Fen;
}

export interface ConsumedTransaction {
  readonly transactionId: string;
  readonly merchantId: string;
  readonly orderId: string;
  readonly orderAmountFen: Fen;
  readonly lines: readonly ConsumedLine[];
  readonly requestId: string;
}

/**
 * The payload of `coupon.consumed`, as settlement (splits), risk (cash-out) and activities (first redemption)
 * read it. Money as "150.00" strings.
 */
export interface CouponConsumedPayload {
  readonly transaction_id: string;
  readonly merchant_id: string;
  readonly order_id: string;
  readonly order_amount: string;
  readonly lines: readonly {
    readonly coupon_id: string;
    readonly template_id: string;
    readonly redemption_id: string | null;
    readonly coupon_code: string;
    readonly type: CouponTypeCode;
    readonly amount: string;
  }[];
}

/** The one builder of a `coupon.consumed` event: a plain consume and a lock's confirmation publish the same shape. */
export function consumedEvent(tx: ConsumedTransaction): Omit<PublishInput, 'topic'> & { readonly payload: CouponConsumedPayload } {
  return {
    aggregateId: tx.transactionId,
    payload: {
      transaction_id: tx.transactionId,
      merchant_id: tx.merchantId,
      order_id: tx.orderId,
      order_amount: formatMoney(tx.orderAmountFen),
      lines: tx.lines.map((line) => ({
        coupon_id: String(line.couponId),
        template_id: String(line.templateId),
        redemption_id: line.redemptionId === null ? null : String(line.redemptionId),
        coupon_code: line.code,
        type: line.type,
        amount: formatMoney(line.amountFen),
      })),
    },
    requestId: tx.requestId,
  };
}
