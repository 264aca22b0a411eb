import { formatMoney } from '../../../../platform/money/money.js';
import type { Fen } from '../../../../platform/money/money.js';
import type { CouponType } from './contract.js';
import { paramsObject, requiredMoney } from './fields.js';

/**
 * 礼品卡: stored value, spent over several orders. `faceValueFen` is what the card was issued with; what it
 * holds now is the coupon's balance, which pricing receives separately.
 */
export interface GiftCardParams {
  readonly faceValueFen: Fen;
}

export const GIFT_CARD: CouponType<GiftCardParams> = {
  code: 'GIFT_CARD',
  multiUse: true,
  stage: 'payment',
  exclusive: () => false,

  parse(input) {
    const fields = paramsObject(input, ['balance']);
    return { faceValueFen: requiredMoney(fields, 'balance', { allowZero: false }) };
  },

  serialize(params) {
    return { balance: formatMoney(params.faceValueFen) };
  },

  describe(params, language = 'zh-CN') {
    const value = formatMoney(params.faceValueFen);
    return language === 'en' ? `Gift card worth ${value}` : `${value}元礼品卡`;
  },

  price(_params, { remainingFen, balanceFen, allowPartial }) {
    if (balanceFen === undefined || balanceFen < 0n) {
      throw new RangeError(`a gift card is priced with its current balance, got ${balanceFen}`);
    }
    if (balanceFen === 0n) return { ok: false, code: 'COUPON_BALANCE_INSUFFICIENT' };
    // Without partial payment, a 3.00 charge on a card holding 2.00 is refused rather than half paid.
    if (balanceFen < remainingFen && !allowPartial) return { ok: false, code: 'COUPON_BALANCE_INSUFFICIENT' };
    const amountFen = balanceFen < remainingFen ? balanceFen : remainingFen;
    return { ok: true, amountFen, balanceAfterFen: balanceFen - amountFen };
  },
};
