import { formatMoney } from '../../../../platform/money/money.js';
import type { Fen } from '../../../../platform/money/money.js';
import { CouponTypeError } from './contract.js';
import type { CouponType } from './contract.js';
import { optionalBoolean, paramsObject, requiredMoney } from './fields.js';

/** 满减券: an order of at least `minAmountFen` gets `reduceAmountFen` off. */
export interface ThresholdParams {
  readonly minAmountFen: Fen;
  readonly reduceAmountFen: Fen;
  readonly stackable: boolean;
}

export const THRESHOLD: CouponType<ThresholdParams> = {
  code: 'THRESHOLD',
  multiUse: false,
  stage: 'reduction',
  exclusive: (params) => !params.stackable,

  parse(input) {
    const fields = paramsObject(input, ['min_amount', 'reduce_amount', 'stackable']);
    const minAmountFen = requiredMoney(fields, 'min_amount', { allowZero: true });
    const reduceAmountFen = requiredMoney(fields, 'reduce_amount', { allowZero: false });
    // Reducing more than the threshold would make a 满减券 worth more than the smallest order it accepts.
    if (reduceAmountFen > minAmountFen) throw new CouponTypeError('reduce_amount', 'must not exceed min_amount');
    // The specification: 满减券 可叠加使用, so stacking is the default.
    return { minAmountFen, reduceAmountFen, stackable: optionalBoolean(fields, 'stackable', true) };
  },

  serialize(params) {
    return {
      min_amount: formatMoney(params.minAmountFen),
      reduce_amount: formatMoney(params.reduceAmountFen),
      stackable: params.stackable,
    };
  },

  describe(params, language = 'zh-CN') {
    const min = formatMoney(params.minAmountFen);
    const reduce = formatMoney(params.reduceAmountFen);
    if (language === 'en') return `${reduce} off orders of ${min} or more${params.stackable ? '' : ' (not stackable)'}`;
    return `满${min}元减${reduce}元${params.stackable ? '' : '(不可叠加)'}`;
  },

  price(params, { orderAmountFen, remainingFen }) {
    if (orderAmountFen < params.minAmountFen) return { ok: false, code: 'COUPON_THRESHOLD_NOT_MET' };
    return { ok: true, amountFen: params.reduceAmountFen < remainingFen ? params.reduceAmountFen : remainingFen };
  },
};
