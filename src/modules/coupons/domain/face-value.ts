import type { Fen } from '../../../platform/money/money.js';
import type { TypedParams } from './coupon-types.js';

/** What a coupon is worth when issued: a gift card's balance, a fixed reduction, a discount's cap (or 0). */
export function faceValue(typed: TypedParams): Fen {
  switch (typed.type) {
    case 'GIFT_CARD':
      return typed.params.faceValueFen;
    case 'CASH':
      return typed.params.amountFen;
    case 'THRESHOLD':
      return typed.params.reduceAmountFen;
    case 'DISCOUNT':
      return typed.params.maxDiscountFen ?? 0n;
  }
}
