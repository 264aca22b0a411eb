import { formatMoney } from '../../../../platform/money/money.js';
import type { Fen } from '../../../../platform/money/money.js';
import type { CouponType } from './contract.js';
import { optionalMoney, paramsObject } from './fields.js';
import { RATE_SCALE, formatRate, parseRate } from './rate.js';

/** 折扣券: pay `rate` of the amount (0.80 = 20% off), optionally at most `maxDiscountFen` off (specification: 最高抵扣500元). */
export interface DiscountParams {
  readonly rateBasisPoints: bigint;
  readonly maxDiscountFen?: Fen;
}

export const DISCOUNT: CouponType<DiscountParams> = {
  code: 'DISCOUNT',
  multiUse: false,
  stage: 'discount',
  // Two percentage discounts compound in ways nobody budgets for, so a DISCOUNT never stacks with another.
  exclusive: () => true,

  parse(input) {
    const fields = paramsObject(input, ['discount_rate', 'max_discount']);
    const rateBasisPoints = parseRate(fields.discount_rate, 'discount_rate');
    const maxDiscountFen = optionalMoney(fields, 'max_discount', { allowZero: false });
    return maxDiscountFen === undefined ? { rateBasisPoints } : { rateBasisPoints, maxDiscountFen };
  },

  serialize(params) {
    return {
      discount_rate: formatRate(params.rateBasisPoints),
      ...(params.maxDiscountFen === undefined ? {} : { max_discount: formatMoney(params.maxDiscountFen) }),
    };
  },

  describe(params, language = 'zh-CN') {
    const rate = formatRate(params.rateBasisPoints);
    const cap = params.maxDiscountFen === undefined ? undefined : formatMoney(params.maxDiscountFen);
    if (language === 'en') return `Pay ${rate} of the price${cap === undefined ? '' : `, at most ${cap} off`}`;
    // 0.80 → "8折", 0.875 → "8.75折": the way Chinese shoppers read a discount.
    const zhe = (Number(params.rateBasisPoints) / 1000).toString();
    return `${zhe}折${cap === undefined ? '' : `,最高抵扣${cap}元`}`;
  },

  price(params, { remainingFen }) {
    // Rounded down: the platform funds at most the exact discount, and the customer pays at most 1 fen more.
    const exact = (remainingFen * (RATE_SCALE - params.rateBasisPoints)) / RATE_SCALE;
    const amountFen = params.maxDiscountFen !== undefined && exact > params.maxDiscountFen ? params.maxDiscountFen : exact;
    return { ok: true, amountFen };
  },
};
