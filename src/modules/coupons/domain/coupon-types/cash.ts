import { formatMoney } from '../../../../platform/money/money.js';
import type { Fen } from '../../../../platform/money/money.js';
import type { CouponType } from './contract.js';
import { optionalMoney, paramsObject, requiredMoney } from './fields.js';

/** 代金券: a fixed amount off, on orders of at least `minAmountFen` (0: any order). */
export interface CashParams {
  readonly amountFen: Fen;
  readonly minAmountFen: Fen;
}

export const CASH: CouponType<CashParams> = {
  code: 'CASH',
  multiUse: false,
  stage: 'reduction',
  exclusive: () => false,

  parse(input) {
    const fields = paramsObject(input, ['amount', 'min_amount']);
    return {
      amountFen: requiredMoney(fields, 'amount', { allowZero: false }),
      minAmountFen: optionalMoney(fields, 'min_amount', { allowZero: true }) ?? 0n,
    };
  },

  serialize(params) {
    return { amount: formatMoney(params.amountFen), min_amount: formatMoney(params.minAmountFen) };
  },

  describe(params, language = 'zh-CN') {
    const amount = formatMoney(params.amountFen);
    const min = params.minAmountFen === 0n ? undefined : formatMoney(params.minAmountFen);
    if (language === 'en') return `${amount} off${min === undefined ? '' : ` orders of ${min} or more`}`;
    return `${amount}元代金券${min === undefined ? '' : `,满${min}元可用`}`;
  },

  price(params, { orderAmountFen, remainingFen }) {
    if (orderAmountFen < params.minAmountFen) return { ok: false, code: 'COUPON_THRESHOLD_NOT_MET' };
    return { ok: true, amountFen: params.amountFen < remainingFen ? params.amountFen : remainingFen };
  },
};
