import { describe, expect, it } from 'vitest';
import {
  COUPON_TYPES,
  CouponTypeError,
  couponType,
  describeCoupon,
  deserializeParams,
  isCouponTypeCode,
  priceCoupon,
  serializeParams,
} from './coupon-types.js';
import type { PriceContext, TypedParams } from './coupon-types.js';
import { formatRate, parseRate } from './coupon-types/rate.js';

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CouponTypeError) return error.field;
    throw error;
  }
  throw new Error('expected a CouponTypeError');
}

describe('parseRate / formatRate', () => {
  it.each([
    ['0.80', 8000n, '0.80'],
    [0.8, 8000n, '0.80'],
    ['0.8', 8000n, '0.80'],
    [' 0.85 ', 8500n, '0.85'],
    [0.85, 8500n, '0.85'],
    ['0.875', 8750n, '0.875'],
    ['0.8765', 8765n, '0.8765'],
    ['0.1', 1000n, '0.10'],
    ['0.01', 100n, '0.01'],
    ['0.001', 10n, '0.001'],
    ['0.0001', 1n, '0.0001'],
    ['0.9999', 9999n, '0.9999'],
  ])('%j → %s bp → %s', (input, bp, text) => {
    expect(parseRate(input, 'discount_rate')).toBe(bp);
    expect(formatRate(bp)).toBe(text);
  });

  it.each([['0'], ['0.0'], ['0.0000'], [0], ['1'], ['1.00'], [1], ['1.5'], ['-0.8'], [-0.8], ['0.80001'], [0.00001], ['.8'],
    ['0.'], ['8折'], [''], [null], [undefined], [true], [Number.NaN], [Number.POSITIVE_INFINITY], ['0.8e0'], ['0x1']])(
    'refuses %j',
    (input) => {
      expect(() => parseRate(input, 'discount_rate')).toThrow(CouponTypeError);
    },
  );
});

describe('parse', () => {
  it.each([
    ['DISCOUNT', { discount_rate: '0.80', max_discount: '500.00' }, { rateBasisPoints: 8000n, maxDiscountFen: 50000n }],
    ['DISCOUNT', { discount_rate: 0.8, max_discount: 500 }, { rateBasisPoints: 8000n, maxDiscountFen: 50000n }],
    ['DISCOUNT', { discount_rate: '0.95' }, { rateBasisPoints: 9500n }],
    ['THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' }, { minAmountFen: 10000n, reduceAmountFen: 2000n, stackable: true }],
    ['THRESHOLD', { min_amount: 100, reduce_amount: 20, stackable: false }, { minAmountFen: 10000n, reduceAmountFen: 2000n, stackable: false }],
    ['THRESHOLD', { min_amount: '20.00', reduce_amount: '20.00' }, { minAmountFen: 2000n, reduceAmountFen: 2000n, stackable: true }],
    ['CASH', { amount: '10.00' }, { amountFen: 1000n, minAmountFen: 0n }],
    ['CASH', { amount: 10.5, min_amount: '0.00' }, { amountFen: 1050n, minAmountFen: 0n }],
    ['CASH', { amount: '10.00', min_amount: '59.90' }, { amountFen: 1000n, minAmountFen: 5990n }],
    ['GIFT_CARD', { balance: '500.00' }, { faceValueFen: 50000n }],
    ['GIFT_CARD', { balance: 0.01 }, { faceValueFen: 1n }],
  ] as const)('%s %j', (type, input, params) => {
    expect(deserializeParams(type, input)).toEqual({ type, params });
  });

  it.each([
    ['DISCOUNT', { max_discount: '500.00' }, 'discount_rate'],
    ['DISCOUNT', { discount_rate: '1.00' }, 'discount_rate'],
    ['DISCOUNT', { discount_rate: '0.80', max_discount: '0.00' }, 'max_discount'],
    ['DISCOUNT', { discount_rate: '0.80', max_discount: '5.001' }, 'max_discount'],
    ['DISCOUNT', { discount_rate: '0.80', max_discont: '500.00' }, 'max_discont'],
    ['THRESHOLD', { reduce_amount: '20.00' }, 'min_amount'],
    ['THRESHOLD', { min_amount: '100.00' }, 'reduce_amount'],
    ['THRESHOLD', { min_amount: '-1.00', reduce_amount: '20.00' }, 'min_amount'],
    ['THRESHOLD', { min_amount: '100.00', reduce_amount: '0' }, 'reduce_amount'],
    ['THRESHOLD', { min_amount: '100.00', reduce_amount: '100.01' }, 'reduce_amount'],
    ['THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00', stackable: 'yes' }, 'stackable'],
    ['THRESHOLD', { min_amount: 100, reduce: 20 }, 'reduce'], // the specification table's short name is not accepted
    ['CASH', {}, 'amount'],
    ['CASH', { amount: '0.00' }, 'amount'],
    ['CASH', { amount: 'ten' }, 'amount'],
    ['CASH', { amount: '10.00', min_amount: '-5' }, 'min_amount'],
    ['GIFT_CARD', { balance: '0.00' }, 'balance'],
    ['GIFT_CARD', { balance: '500.00', currency: 'CNY' }, 'currency'],
    ['GIFT_CARD', null, 'params'],
    ['GIFT_CARD', [], 'params'],
    ['GIFT_CARD', '500.00', 'params'],
    ['LOTTERY', {}, 'type'],
    ['toString', {}, 'type'],
  ])('%s %j → field %s', (type, input, field) => {
    expect(fieldOf(() => deserializeParams(type, input))).toBe(field);
  });

  it('gives a bare message for the HTTP layer to list beside the field', () => {
    try {
      deserializeParams('CASH', { amount: '0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CouponTypeError);
      expect(error).toMatchObject({ field: 'amount', message: expect.stringMatching(/^must be an amount/) });
    }
  });
});

describe('serializeParams', () => {
  it.each([
    ['DISCOUNT', { discount_rate: 0.8, max_discount: 500 }, { discount_rate: '0.80', max_discount: '500.00' }],
    ['DISCOUNT', { discount_rate: '0.875' }, { discount_rate: '0.875' }],
    ['THRESHOLD', { min_amount: 100, reduce_amount: 20 }, { min_amount: '100.00', reduce_amount: '20.00', stackable: true }],
    ['CASH', { amount: '10' }, { amount: '10.00', min_amount: '0.00' }],
    ['GIFT_CARD', { balance: 500 }, { balance: '500.00' }],
  ] as const)('%s %j → %j, which parses back to the same params', (type, input, json) => {
    const typed = deserializeParams(type, input);
    expect(serializeParams(typed)).toEqual(json);
    expect(serializeParams(typed.type, typed.params as never)).toEqual(json);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(deserializeParams(type, json)).toEqual(typed);
  });
});

describe('describeCoupon', () => {
  it.each([
    ['DISCOUNT', { discount_rate: '0.80', max_discount: '500.00' }, '8折,最高抵扣500.00元', 'Pay 0.80 of the price, at most 500.00 off'],
    ['DISCOUNT', { discount_rate: '0.875' }, '8.75折', 'Pay 0.875 of the price'],
    ['THRESHOLD', { min_amount: '100', reduce_amount: '20' }, '满100.00元减20.00元', '20.00 off orders of 100.00 or more'],
    ['THRESHOLD', { min_amount: '100', reduce_amount: '20', stackable: false }, '满100.00元减20.00元(不可叠加)', '20.00 off orders of 100.00 or more (not stackable)'],
    ['CASH', { amount: '10' }, '10.00元代金券', '10.00 off'],
    ['CASH', { amount: '10', min_amount: '50' }, '10.00元代金券,满50.00元可用', '10.00 off orders of 50.00 or more'],
    ['GIFT_CARD', { balance: '500' }, '500.00元礼品卡', 'Gift card worth 500.00'],
  ])('%s %j', (type, input, zh, en) => {
    const typed = deserializeParams(type, input);
    expect(describeCoupon(typed)).toBe(zh);
    expect(describeCoupon(typed, 'en')).toBe(en);
  });
});

describe('priceCoupon', () => {
  const at = (orderAmountFen: bigint, extra: Partial<PriceContext> = {}): PriceContext => ({
    orderAmountFen,
    remainingFen: orderAmountFen,
    allowPartial: true,
    ...extra,
  });
  const price = (type: string, input: unknown, context: PriceContext) => priceCoupon(deserializeParams(type, input), context);

  it.each([
    // [rate, cap, remaining, discount]
    ['0.80', undefined, 10000n, 2000n],
    ['0.80', '500.00', 1000000n, 50000n], // 20% of 10000.00 is 2000.00, capped at 500.00
    ['0.80', '500.00', 250000n, 50000n], // exactly at the cap
    ['0.80', '500.00', 249999n, 49999n], // 499.998 rounds down
    ['0.85', undefined, 99n, 14n], // 14.85 fen → 14: the discount rounds down
    ['0.8765', undefined, 12345n, 1524n], // 12345 × 0.1235 = 1524.6075
    ['0.9999', undefined, 9999n, 0n], // 0.9999 fen
    ['0.0001', undefined, 100n, 99n], // 99.99 → 99: even a near-free coupon leaves the customer the rounding
    ['0.80', undefined, 0n, 0n],
  ] as const)('DISCOUNT %s cap %s on %s fen takes %s', (rate, cap, remaining, expected) => {
    const input = cap === undefined ? { discount_rate: rate } : { discount_rate: rate, max_discount: cap };
    expect(price('DISCOUNT', input, at(remaining))).toEqual({ ok: true, amountFen: expected });
  });

  it('DISCOUNT applies to what remains, not to the order amount', () => {
    expect(price('DISCOUNT', { discount_rate: '0.80' }, at(15000n, { remainingFen: 12000n }))).toEqual({ ok: true, amountFen: 2400n });
  });

  it.each([
    [9999n, 9999n, { ok: false, code: 'COUPON_THRESHOLD_NOT_MET' }],
    [10000n, 10000n, { ok: true, amountFen: 2000n }],
    [15000n, 15000n, { ok: true, amountFen: 2000n }],
    // Measured against the order amount, capped by what is left of it.
    [10000n, 1500n, { ok: true, amountFen: 1500n }],
    [10000n, 0n, { ok: true, amountFen: 0n }],
  ])('THRESHOLD 满100减20 on an order of %s fen with %s left', (order, remaining, expected) => {
    const input = { min_amount: '100.00', reduce_amount: '20.00' };
    expect(price('THRESHOLD', input, at(order, { remainingFen: remaining }))).toEqual(expected);
  });

  it.each([
    [{ amount: '10.00' }, 5000n, 5000n, { ok: true, amountFen: 1000n }],
    [{ amount: '10.00' }, 500n, 500n, { ok: true, amountFen: 500n }],
    [{ amount: '10.00' }, 1n, 1n, { ok: true, amountFen: 1n }],
    [{ amount: '10.00', min_amount: '50.00' }, 4999n, 4999n, { ok: false, code: 'COUPON_THRESHOLD_NOT_MET' }],
    [{ amount: '10.00', min_amount: '50.00' }, 5000n, 800n, { ok: true, amountFen: 800n }],
  ])('CASH %j on an order of %s fen with %s left', (input, order, remaining, expected) => {
    expect(price('CASH', input, at(order, { remainingFen: remaining }))).toEqual(expected);
  });

  it.each([
    [200n, 300n, true, { ok: true, amountFen: 200n, balanceAfterFen: 0n }],
    [200n, 300n, false, { ok: false, code: 'COUPON_BALANCE_INSUFFICIENT' }], // 3.00 on a card holding 2.00
    [300n, 300n, false, { ok: true, amountFen: 300n, balanceAfterFen: 0n }],
    [50000n, 15000n, false, { ok: true, amountFen: 15000n, balanceAfterFen: 35000n }],
    [0n, 300n, true, { ok: false, code: 'COUPON_BALANCE_INSUFFICIENT' }],
    [0n, 0n, true, { ok: false, code: 'COUPON_BALANCE_INSUFFICIENT' }],
    [500n, 0n, false, { ok: true, amountFen: 0n, balanceAfterFen: 500n }],
  ])('GIFT_CARD holding %s fen, %s fen left, partial %s', (balance, remaining, allowPartial, expected) => {
    const context = at(remaining, { balanceFen: balance, allowPartial });
    expect(price('GIFT_CARD', { balance: '500.00' }, context)).toEqual(expected);
  });

  it('GIFT_CARD refuses to price without its current balance', () => {
    expect(() => price('GIFT_CARD', { balance: '500.00' }, at(100n))).toThrow(RangeError);
    expect(() => price('GIFT_CARD', { balance: '500.00' }, at(100n, { balanceFen: -1n }))).toThrow(RangeError);
  });
});

describe('COUPON_TYPES', () => {
  it('registers each type under its own code', () => {
    for (const [code, type] of Object.entries(COUPON_TYPES)) {
      expect(type.code).toBe(code);
      expect(couponType(code)).toBe(type);
      expect(isCouponTypeCode(code)).toBe(true);
    }
    expect(Object.keys(COUPON_TYPES).sort()).toEqual(['CASH', 'DISCOUNT', 'GIFT_CARD', 'THRESHOLD']);
  });

  it('makes only gift cards multi-use, and orders the stages reduction → discount → payment', () => {
    const summary = Object.values(COUPON_TYPES).map((t) => [t.code, t.multiUse, t.stage]);
    expect(summary).toEqual([
      ['DISCOUNT', false, 'discount'],
      ['THRESHOLD', false, 'reduction'],
      ['CASH', false, 'reduction'],
      ['GIFT_CARD', true, 'payment'],
    ]);
  });

  it('refuses codes that are not registered, including inherited property names', () => {
    for (const code of ['NOPE', 'discount', 'toString', '__proto__', 'constructor']) {
      expect(isCouponTypeCode(code)).toBe(false);
      expect(fieldOf(() => couponType(code))).toBe('type');
    }
  });

  it('makes every DISCOUNT and a non-stackable THRESHOLD exclusive', () => {
    const exclusive = (typed: TypedParams) => couponType(typed.type).exclusive(typed.params as never);
    expect(exclusive(deserializeParams('DISCOUNT', { discount_rate: '0.9' }))).toBe(true);
    expect(exclusive(deserializeParams('THRESHOLD', { min_amount: 1, reduce_amount: 1, stackable: false }))).toBe(true);
    expect(exclusive(deserializeParams('THRESHOLD', { min_amount: 1, reduce_amount: 1 }))).toBe(false);
    expect(exclusive(deserializeParams('CASH', { amount: 1 }))).toBe(false);
    expect(exclusive(deserializeParams('GIFT_CARD', { balance: 1 }))).toBe(false);
  });
});
