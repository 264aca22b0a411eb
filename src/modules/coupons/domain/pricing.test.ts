import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../../platform/money/money.js';
import { generateCouponCode } from './coupon-code.js';
import { deserializeParams } from './coupon-types.js';
import { priceOrder } from './pricing.js';
import type { PricedCoupon, PricingResult } from './pricing.js';

let lastId = 0;

function coupon(
  type: string,
  params: unknown,
  extra: { code?: string; balance?: string; stackable?: boolean; couponId?: string } = {},
): PricedCoupon {
  return {
    couponId: extra.couponId ?? String(++lastId),
    code: extra.code ?? generateCouponCode(),
    ...deserializeParams(type, params),
    ...(extra.balance === undefined ? {} : { balanceFen: parseMoney(extra.balance) }),
    stackable: extra.stackable ?? true,
  };
}

const yuan = (text: string) => parseMoney(text);
const partial = { allowPartial: true };
const whole = { allowPartial: false };

function summary(result: ReturnType<typeof priceOrder>): unknown {
  if (!result.ok) return result;
  return {
    discount: result.discountFen,
    payable: result.payableFen,
    lines: result.lines.map((l) => [l.code, l.amountFen, ...(l.balanceAfterFen === undefined ? [] : [l.balanceAfterFen])]),
  };
}

describe('priceOrder: known answers', () => {
  it('charges the consume example of the specification (150.00) to a 500.00 gift card', () => {
    const card = coupon('GIFT_CARD', { balance: '500.00' }, { code: '7XK9-B2T4', balance: '500.00' });
    expect(priceOrder(yuan('150.00'), [card], whole)).toEqual({
      ok: true,
      discountFen: 15000n,
      payableFen: 0n,
      lines: [{ couponId: card.couponId, code: '7XK9-B2T4', type: 'GIFT_CARD', amountFen: 15000n, balanceAfterFen: 35000n }],
    });
  });

  it('applies reductions, then the discount on what is left, then gift cards', () => {
    const coupons = [
      coupon('GIFT_CARD', { balance: '100.00' }, { code: 'GGGG-GGGG', balance: '50.00' }),
      coupon('DISCOUNT', { discount_rate: '0.80', max_discount: '500.00' }, { code: 'DDDD-DDDD' }),
      coupon('CASH', { amount: '10.00' }, { code: 'CCCC-CCCC' }),
      coupon('THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' }, { code: 'TTTT-TTTT' }),
    ];
    // 150.00 − 10.00 − 20.00 = 120.00; 20% of that = 24.00 → 96.00; the card pays 50.00 → 46.00.
    expect(summary(priceOrder(yuan('150.00'), coupons, partial))).toEqual({
      discount: 10400n,
      payable: 4600n,
      lines: [
        ['CCCC-CCCC', 1000n],
        ['TTTT-TTTT', 2000n],
        ['DDDD-DDDD', 2400n],
        ['GGGG-GGGG', 5000n, 0n],
      ],
    });
    expect(priceOrder(yuan('150.00'), coupons, whole)).toMatchObject({ ok: false, code: 'COUPON_BALANCE_INSUFFICIENT', couponCode: 'GGGG-GGGG' });
  });

  it('caps the discount at max_discount', () => {
    const c = coupon('DISCOUNT', { discount_rate: '0.80', max_discount: '500.00' }, { code: 'DDDD-DDDD' });
    expect(summary(priceOrder(yuan('9999.99'), [c], partial))).toEqual({ discount: 50000n, payable: 949999n, lines: [['DDDD-DDDD', 50000n]] });
  });

  it('refuses a 3.00 charge on a card holding 2.00 without partial payment, and takes 2.00 with it', () => {
    const card = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'GGGG-GGGG', balance: '2.00' });
    expect(priceOrder(yuan('3.00'), [card], whole)).toEqual({
      ok: false,
      code: 'COUPON_BALANCE_INSUFFICIENT',
      couponId: card.couponId,
      couponCode: 'GGGG-GGGG',
    });
    expect(summary(priceOrder(yuan('3.00'), [card], partial))).toEqual({ discount: 200n, payable: 100n, lines: [['GGGG-GGGG', 200n, 0n]] });
  });

  it('accepts two cards that together cover the charge without partial payment, draining the smaller first', () => {
    const big = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'AAAA-AAAA', balance: '5.00' });
    const small = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'ZZZZ-ZZZZ', balance: '2.00' });
    expect(summary(priceOrder(yuan('3.00'), [big, small], whole))).toEqual({
      discount: 300n,
      payable: 0n,
      lines: [
        ['ZZZZ-ZZZZ', 200n, 0n],
        ['AAAA-AAAA', 100n, 400n],
      ],
    });
    expect(priceOrder(yuan('7.01'), [big, small], whole)).toMatchObject({ ok: false, code: 'COUPON_BALANCE_INSUFFICIENT', couponCode: 'AAAA-AAAA' });
    expect(summary(priceOrder(yuan('7.00'), [big, small], whole))).toMatchObject({ payable: 0n });
  });

  it('breaks a tie in gift card balances by code', () => {
    const b = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'BBBB-BBBB', balance: '2.00' });
    const a = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'AAAA-AAAA', balance: '2.00' });
    expect(summary(priceOrder(yuan('3.00'), [b, a], partial))).toMatchObject({ lines: [['AAAA-AAAA', 200n, 0n], ['BBBB-BBBB', 100n, 100n]] });
  });

  it('never takes the payable below 0, and gives later coupons a 0 line', () => {
    const cash = coupon('CASH', { amount: '50.00' }, { code: 'CCCC-CCCC' });
    const card = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'GGGG-GGGG', balance: '10.00' });
    expect(summary(priceOrder(yuan('30.00'), [card, cash], whole))).toEqual({
      discount: 3000n,
      payable: 0n,
      lines: [
        ['CCCC-CCCC', 3000n],
        ['GGGG-GGGG', 0n, 1000n],
      ],
    });
  });

  it('measures every threshold against the order amount, so one reduction cannot disqualify another', () => {
    const a = coupon('THRESHOLD', { min_amount: '100.00', reduce_amount: '60.00' }, { code: 'AAAA-AAAA' });
    const b = coupon('THRESHOLD', { min_amount: '100.00', reduce_amount: '60.00' }, { code: 'BBBB-BBBB' });
    expect(summary(priceOrder(yuan('100.00'), [b, a], partial))).toEqual({
      discount: 10000n,
      payable: 0n,
      lines: [
        ['AAAA-AAAA', 6000n],
        ['BBBB-BBBB', 4000n],
      ],
    });
  });

  it('combines one non-stackable coupon with stackable ones', () => {
    const exclusive = coupon('THRESHOLD', { min_amount: '100.00', reduce_amount: '30.00', stackable: false }, { code: 'XXXX-XXXX' });
    const stackable = coupon('THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' }, { code: 'SSSS-SSSS' });
    const discount = coupon('DISCOUNT', { discount_rate: '0.90' }, { code: 'DDDD-DDDD' });
    expect(summary(priceOrder(yuan('200.00'), [exclusive, stackable], partial))).toMatchObject({ discount: 5000n });
    // 200.00 − 20.00 = 180.00, 10% off → 18.00
    expect(summary(priceOrder(yuan('200.00'), [discount, stackable], partial))).toMatchObject({ discount: 3800n, payable: 16200n });
  });

  it('prices an order with no coupons, and a free order', () => {
    expect(priceOrder(yuan('12.34'), [], whole)).toEqual({ ok: true, discountFen: 0n, payableFen: 1234n, lines: [] });
    const cash = coupon('CASH', { amount: '5.00' });
    expect(summary(priceOrder(0n, [cash], partial))).toMatchObject({ discount: 0n, payable: 0n });
  });

  it('gives the same answer whatever order the codes were typed in', () => {
    const coupons = [
      coupon('THRESHOLD', { min_amount: '50.00', reduce_amount: '30.00' }),
      coupon('THRESHOLD', { min_amount: '10.00', reduce_amount: '10.00' }),
      coupon('CASH', { amount: '25.00' }),
      coupon('DISCOUNT', { discount_rate: '0.85' }),
      coupon('GIFT_CARD', { balance: '20.00' }, { balance: '3.00' }),
      coupon('GIFT_CARD', { balance: '20.00' }, { balance: '7.00' }),
    ];
    const expected = priceOrder(yuan('60.00'), coupons, partial);
    expect(expected.ok).toBe(true);
    for (let i = 0; i < 50; i++) {
      expect(priceOrder(yuan('60.00'), shuffle(coupons), partial)).toEqual(expected);
    }
  });
});

describe('priceOrder: refusals', () => {
  it('refuses the same code twice, however it is written', () => {
    const a = coupon('CASH', { amount: '5.00' }, { code: '7XK9-B2T4' });
    const b = coupon('CASH', { amount: '5.00' }, { code: '7xk9b2t4' });
    expect(priceOrder(yuan('100.00'), [a, b], partial)).toMatchObject({ ok: false, code: 'COUPON_DUPLICATE_IN_ORDER' });
  });

  it('refuses the same coupon id twice', () => {
    const a = coupon('CASH', { amount: '5.00' }, { couponId: '42' });
    const b = coupon('CASH', { amount: '5.00' }, { couponId: '42' });
    expect(priceOrder(yuan('100.00'), [a, b], partial)).toMatchObject({ ok: false, code: 'COUPON_DUPLICATE_IN_ORDER', couponId: '42' });
  });

  it.each([
    ['two discounts', [['DISCOUNT', { discount_rate: '0.80' }, true], ['DISCOUNT', { discount_rate: '0.90' }, true]]],
    ['a discount and a non-stackable threshold', [['DISCOUNT', { discount_rate: '0.80' }, true], ['THRESHOLD', { min_amount: 1, reduce_amount: 1, stackable: false }, true]]],
    ['two non-stackable thresholds', [['THRESHOLD', { min_amount: 1, reduce_amount: 1, stackable: false }, true], ['THRESHOLD', { min_amount: 2, reduce_amount: 1, stackable: false }, true]]],
    ['a discount and a coupon its batch marks non-stackable', [['DISCOUNT', { discount_rate: '0.80' }, true], ['CASH', { amount: 1 }, false]]],
    ['two coupons their batches mark non-stackable', [['CASH', { amount: 1 }, false], ['GIFT_CARD', { balance: 1 }, false]]],
  ] as const)('refuses %s as COUPON_NOT_STACKABLE', (_name, specs) => {
    const coupons = specs.map(([type, params, stackable]) => coupon(type, params, { stackable, balance: '1.00' }));
    expect(priceOrder(yuan('100.00'), coupons, partial)).toMatchObject({ ok: false, code: 'COUPON_NOT_STACKABLE' });
  });

  it.each([
    ['THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' }, '99.99'],
    ['CASH', { amount: '10.00', min_amount: '50.00' }, '49.99'],
  ])('refuses %s %j on an order of %s as COUPON_THRESHOLD_NOT_MET', (type, params, amount) => {
    const c = coupon(type, params, { code: 'TTTT-TTTT' });
    const other = coupon('CASH', { amount: '1.00' });
    expect(priceOrder(yuan(amount), [other, c], partial)).toEqual({
      ok: false,
      code: 'COUPON_THRESHOLD_NOT_MET',
      couponId: c.couponId,
      couponCode: 'TTTT-TTTT',
    });
  });

  it('refuses an empty gift card even when partial payment is allowed', () => {
    const empty = coupon('GIFT_CARD', { balance: '10.00' }, { code: 'EEEE-EEEE', balance: '0.00' });
    const full = coupon('GIFT_CARD', { balance: '10.00' }, { balance: '10.00' });
    expect(priceOrder(yuan('5.00'), [full, empty], partial)).toMatchObject({ ok: false, code: 'COUPON_BALANCE_INSUFFICIENT', couponCode: 'EEEE-EEEE' });
  });

  it('throws on inputs no caller should build', () => {
    expect(() => priceOrder(-1n, [], partial)).toThrow(RangeError);
    const noBalance = coupon('GIFT_CARD', { balance: '10.00' });
    expect(() => priceOrder(yuan('1.00'), [noBalance], partial)).toThrow(RangeError);
  });
});

describe('priceOrder: properties over random orders', () => {
  function randomCoupon(): PricedCoupon {
    const money = (maxFen: number) => (randomInt(1, maxFen + 1) / 100).toFixed(2);
    switch (randomInt(4)) {
      case 0: {
        const rate = `0.${String(randomInt(1, 10_000)).padStart(4, '0')}`;
        return coupon('DISCOUNT', randomInt(2) ? { discount_rate: rate } : { discount_rate: rate, max_discount: money(100_000) });
      }
      case 1: {
        const reduce = randomInt(1, 50_000);
        const min = (randomInt(reduce, reduce + 500_000) / 100).toFixed(2);
        return coupon('THRESHOLD', { min_amount: min, reduce_amount: (reduce / 100).toFixed(2), stackable: randomInt(4) > 0 });
      }
      case 2:
        return coupon('CASH', { amount: money(20_000), min_amount: randomInt(2) ? '0.00' : money(300_000) }, { stackable: randomInt(10) > 0 });
      default:
        return coupon('GIFT_CARD', { balance: '1000.00' }, { balance: randomInt(20) ? money(200_000) : '0.00' });
    }
  }

  function checkLines(amountFen: bigint, coupons: readonly PricedCoupon[], result: PricingResult): void {
    expect(result.payableFen).toBeGreaterThanOrEqual(0n);
    expect(result.discountFen + result.payableFen).toBe(amountFen);
    expect(result.lines.reduce((sum, l) => sum + l.amountFen, 0n)).toBe(result.discountFen);
    expect(result.lines.map((l) => l.couponId).sort()).toEqual(coupons.map((c) => c.couponId).sort());
    let remaining = amountFen;
    for (const line of result.lines) {
      const c = coupons.find((x) => x.couponId === line.couponId)!;
      expect(line.amountFen).toBeGreaterThanOrEqual(0n);
      expect(line.amountFen).toBeLessThanOrEqual(remaining);
      switch (c.type) {
        case 'DISCOUNT':
          expect(line.amountFen).toBeLessThanOrEqual(c.params.maxDiscountFen ?? line.amountFen);
          // Never more than the exact percentage of what was left, and less only by rounding or the cap.
          expect(line.amountFen * 10_000n).toBeLessThanOrEqual(remaining * (10_000n - c.params.rateBasisPoints));
          if (c.params.maxDiscountFen === undefined || line.amountFen < c.params.maxDiscountFen) {
            expect((line.amountFen + 1n) * 10_000n).toBeGreaterThan(remaining * (10_000n - c.params.rateBasisPoints));
          }
          break;
        case 'THRESHOLD':
          expect(amountFen).toBeGreaterThanOrEqual(c.params.minAmountFen);
          expect(line.amountFen).toBeLessThanOrEqual(c.params.reduceAmountFen);
          break;
        case 'CASH':
          expect(amountFen).toBeGreaterThanOrEqual(c.params.minAmountFen);
          expect(line.amountFen).toBeLessThanOrEqual(c.params.amountFen);
          break;
        case 'GIFT_CARD':
          expect(line.amountFen).toBeLessThanOrEqual(c.balanceFen!);
          expect(line.balanceAfterFen).toBe(c.balanceFen! - line.amountFen);
          break;
      }
      remaining -= line.amountFen;
    }
  }

  it('keeps payable ≥ 0, discount + payable = amount, and each line within its cap or balance', () => {
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      const amountFen = BigInt(randomInt(1, 1_000_000)); // 0.01 – 9999.99
      const coupons = Array.from({ length: randomInt(0, 5) }, randomCoupon);
      const options = { allowPartial: randomInt(2) === 1 };
      const result = priceOrder(amountFen, coupons, options);
      outcomes[result.ok ? 'ok' : result.code] = (outcomes[result.ok ? 'ok' : result.code] ?? 0) + 1;
      expect(priceOrder(amountFen, shuffle(coupons), options)).toEqual(result);
      if (result.ok) {
        checkLines(amountFen, coupons, result);
        const cards = coupons.filter((c) => c.type === 'GIFT_CARD');
        if (!options.allowPartial && cards.length > 0) {
          // Without partial payment the cards settle everything, unless the reductions had already.
          expect(result.payableFen).toBe(0n);
        }
        continue;
      }
      const named = coupons.find((c) => c.couponId === result.couponId)!;
      expect(named.code).toBe(result.couponCode);
      if (result.code === 'COUPON_THRESHOLD_NOT_MET') {
        expect(named.type === 'THRESHOLD' || named.type === 'CASH').toBe(true);
        expect((named.params as { minAmountFen: bigint }).minAmountFen).toBeGreaterThan(amountFen);
      } else if (result.code === 'COUPON_NOT_STACKABLE') {
        const exclusive = coupons.filter((c) => !c.stackable || c.type === 'DISCOUNT' || (c.type === 'THRESHOLD' && !c.params.stackable));
        expect(exclusive.length).toBeGreaterThan(1);
      } else if (result.code === 'COUPON_BALANCE_INSUFFICIENT') {
        expect(named.type).toBe('GIFT_CARD');
        const cards = coupons.filter((c) => c.type === 'GIFT_CARD');
        const total = cards.reduce((sum, c) => sum + c.balanceFen!, 0n);
        expect(named.balanceFen === 0n || (!options.allowPartial && total < amountFen)).toBe(true);
      } else {
        expect.unreachable(`unexpected refusal ${result.code}`);
      }
    }
    // The loop must exercise both the priced path and every refusal, or it proves little.
    expect(outcomes.ok).toBeGreaterThan(500);
    for (const code of ['COUPON_THRESHOLD_NOT_MET', 'COUPON_NOT_STACKABLE', 'COUPON_BALANCE_INSUFFICIENT']) {
      expect(outcomes[code], code).toBeGreaterThan(10);
    }
  });
});

function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
