import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../../platform/money/money.js';
import type { Fen } from '../../../platform/money/money.js';
import { deserializeParams } from './coupon-types.js';
import { applySpends, planRedemption, type TemplateBudget } from './redemption-plan.js';
import type { RedemptionPlan, RedemptionRequest, SpendableCoupon } from './redemption-plan.js';
import { nextStatus } from './state-machine.js';
import type { CouponStatus } from './state-machine.js';

let lastId = 0;

interface CouponOptions {
  status?: CouponStatus;
  balance?: string;
  held?: string;
  expired?: boolean;
  notYetValid?: boolean;
  heldByLock?: boolean;
  stackable?: boolean;
  merchantIds?: readonly string[] | null;
  budget?: TemplateBudget | null;
}

function spendable(code: string, type: string, params: unknown, options: CouponOptions = {}): SpendableCoupon {
  return {
    couponId: `c${++lastId}`,
    templateId: 't1',
    code,
    status: options.status ?? 'ACTIVATED',
    balanceFen: options.balance === undefined ? 0n : parseMoney(options.balance),
    heldFen: options.held === undefined ? 0n : parseMoney(options.held),
    expired: options.expired ?? false,
    notYetValid: options.notYetValid ?? false,
    heldByLock: options.heldByLock ?? false,
    typed: deserializeParams(type, params),
    stackable: options.stackable ?? true,
    merchantIds: options.merchantIds === undefined ? null : options.merchantIds,
    budget: options.budget ?? null,
  };
}

const cash = (code: string, options: CouponOptions = {}) => spendable(code, 'CASH', { amount: '10.00' }, options);
const threshold = (code: string, options: CouponOptions = {}) =>
  spendable(code, 'THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' }, options);
const giftCard = (code: string, balance: string, options: CouponOptions = {}) =>
  spendable(code, 'GIFT_CARD', { balance: '500.00' }, { balance, ...options });

function byCode(...coupons: SpendableCoupon[]): Map<string, SpendableCoupon> {
  return new Map(coupons.map((c) => [c.code, c]));
}

function request(codes: string[], amount: string | Fen, extra: Partial<RedemptionRequest> = {}): RedemptionRequest {
  return {
    codes,
    merchantId: 'm1',
    amountFen: typeof amount === 'bigint' ? amount : parseMoney(amount),
    allowPartial: false,
    ...extra,
  };
}

/** The spends of a plan as plain data, without the coupon objects. */
function spendSummary(plan: RedemptionPlan): unknown {
  if (!plan.ok) return plan;
  return plan.spends.map((s) => ({
    code: s.coupon.code,
    amountFen: s.amountFen,
    singleUse: s.singleUse,
    fromStatus: s.fromStatus,
    balanceAfterFen: s.balanceAfterFen,
    statusAfter: s.statusAfter,
  }));
}

function expectOk(plan: RedemptionPlan): Extract<RedemptionPlan, { ok: true }> {
  if (!plan.ok) throw new Error(`expected a plan, got refusal ${plan.code} (${plan.couponCode ?? '-'})`);
  return plan;
}

describe('planRedemption: single-use coupons', () => {
  it.each([
    ['CASH', cash],
    ['THRESHOLD', threshold],
  ] as const)('uses up an ACTIVATED %s coupon', (type, make) => {
    const coupon = make('AAAA-AAAA');
    const plan = expectOk(planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(coupon)));
    const value = type === 'CASH' ? 1000n : 2000n;
    expect(plan.pricing).toMatchObject({ discountFen: value, payableFen: 15000n - value });
    expect(spendSummary(plan)).toEqual([
      { code: 'AAAA-AAAA', amountFen: value, singleUse: true, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
    expect(plan.spends[0]?.coupon).toBe(coupon);
  });

  it('refuses an unknown code as COUPON_NOT_FOUND, naming the code', () => {
    const known = cash('AAAA-AAAA');
    expect(planRedemption(request(['AAAA-AAAA', 'ZZZZ-ZZZZ'], '150.00'), byCode(known))).toEqual({
      ok: false,
      code: 'COUPON_NOT_FOUND',
      couponCode: 'ZZZZ-ZZZZ',
    });
  });

  it.each(['USED', 'FROZEN', 'UNACTIVATED', 'EXPIRED', 'REFUNDED'] as const)(
    'refuses a %s coupon with the state machine refusal for consume',
    (status) => {
      const expected = nextStatus(status, 'consume', { giftCard: false });
      expect(expected.ok).toBe(false);
      const plan = planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(cash('AAAA-AAAA', { status })));
      expect(plan).toEqual({ ok: false, code: expected.ok ? 'unexpected' : expected.code, couponCode: 'AAAA-AAAA' });
    },
  );

  it.each([
    ['USED', 'COUPON_ALREADY_USED'],
    ['FROZEN', 'COUPON_FROZEN'],
    ['UNACTIVATED', 'COUPON_NOT_ACTIVATED'],
    ['EXPIRED', 'COUPON_EXPIRED'],
    ['REFUNDED', 'COUPON_REFUNDED'],
  ] as const)('refuses a %s coupon as %s', (status, code) => {
    expect(planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(threshold('AAAA-AAAA', { status })))).toEqual({
      ok: false,
      code,
      couponCode: 'AAAA-AAAA',
    });
  });

  it('refuses a coupon past its validity as COUPON_EXPIRED', () => {
    const plan = planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(cash('AAAA-AAAA', { expired: true })));
    expect(plan).toEqual({ ok: false, code: 'COUPON_EXPIRED', couponCode: 'AAAA-AAAA' });
  });

  it('refuses a coupon before its validity as COUPON_NOT_YET_VALID', () => {
    const plan = planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(cash('AAAA-AAAA', { notYetValid: true })));
    expect(plan).toEqual({ ok: false, code: 'COUPON_NOT_YET_VALID', couponCode: 'AAAA-AAAA' });
  });

  it('refuses a merchant outside merchantIds, and allows every merchant when merchantIds is null', () => {
    const scoped = cash('AAAA-AAAA', { merchantIds: ['m2', 'm3'] });
    expect(planRedemption(request(['AAAA-AAAA'], '150.00', { merchantId: 'm1' }), byCode(scoped))).toEqual({
      ok: false,
      code: 'COUPON_MERCHANT_NOT_ALLOWED',
      couponCode: 'AAAA-AAAA',
    });
    expect(planRedemption(request(['AAAA-AAAA'], '150.00', { merchantId: 'm3' }), byCode(scoped)).ok).toBe(true);
    const everywhere = cash('BBBB-BBBB', { merchantIds: null });
    expect(planRedemption(request(['BBBB-BBBB'], '150.00', { merchantId: 'any-merchant' }), byCode(everywhere)).ok).toBe(true);
    const nowhere = cash('CCCC-CCCC', { merchantIds: [] });
    expect(planRedemption(request(['CCCC-CCCC'], '150.00'), byCode(nowhere))).toMatchObject({ ok: false, code: 'COUPON_MERCHANT_NOT_ALLOWED' });
  });

  it('refuses a single-use coupon held by a lock as COUPON_LOCKED, but not a gift card', () => {
    const locked = cash('AAAA-AAAA', { heldByLock: true });
    expect(planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(locked))).toEqual({
      ok: false,
      code: 'COUPON_LOCKED',
      couponCode: 'AAAA-AAAA',
    });
    const card = giftCard('GGGG-GGGG', '100.00', { heldByLock: true, held: '20.00' });
    const plan = expectOk(planRedemption(request(['GGGG-GGGG'], '30.00'), byCode(card)));
    expect(spendSummary(plan)).toEqual([
      { code: 'GGGG-GGGG', amountFen: 3000n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 7000n, statusAfter: 'ACTIVATED' },
    ]);
  });

  it('checks status before validity, merchant and lock', () => {
    const everythingWrong = cash('AAAA-AAAA', { status: 'FROZEN', expired: true, notYetValid: true, heldByLock: true, merchantIds: [] });
    expect(planRedemption(request(['AAAA-AAAA'], '150.00'), byCode(everythingWrong))).toMatchObject({ code: 'COUPON_FROZEN' });
  });

  it('passes a pricing refusal through with the coupon code', () => {
    const t = threshold('TTTT-TTTT');
    expect(planRedemption(request(['TTTT-TTTT'], '99.99'), byCode(t))).toEqual({
      ok: false,
      code: 'COUPON_THRESHOLD_NOT_MET',
      couponCode: 'TTTT-TTTT',
    });
  });

  it('uses up a single-use coupon even when the order left it nothing to take', () => {
    const big = spendable('AAAA-AAAA', 'CASH', { amount: '50.00' });
    const small = cash('BBBB-BBBB');
    const plan = expectOk(planRedemption(request(['BBBB-BBBB', 'AAAA-AAAA'], '30.00', { allowPartial: true }), byCode(big, small)));
    expect(plan.pricing).toMatchObject({ discountFen: 3000n, payableFen: 0n });
    expect(spendSummary(plan)).toEqual([
      { code: 'AAAA-AAAA', amountFen: 3000n, singleUse: true, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
      { code: 'BBBB-BBBB', amountFen: 0n, singleUse: true, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
  });
});

describe('planRedemption: gift cards', () => {
  it('reduces the balance and keeps the card ACTIVATED while it holds money', () => {
    const card = giftCard('GGGG-GGGG', '500.00');
    const plan = expectOk(planRedemption(request(['GGGG-GGGG'], '150.00'), byCode(card)));
    expect(plan.pricing).toMatchObject({ discountFen: 15000n, payableFen: 0n });
    expect(spendSummary(plan)).toEqual([
      { code: 'GGGG-GGGG', amountFen: 15000n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 35000n, statusAfter: 'ACTIVATED' },
    ]);
  });

  it('marks the card USED when the spend takes the balance to 0 and nothing is held', () => {
    const card = giftCard('GGGG-GGGG', '30.00');
    const plan = expectOk(planRedemption(request(['GGGG-GGGG'], '30.00'), byCode(card)));
    expect(spendSummary(plan)).toEqual([
      { code: 'GGGG-GGGG', amountFen: 3000n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
  });

  it('keeps the card ACTIVATED at balance 0 while a lock holds money on it', () => {
    const card = giftCard('GGGG-GGGG', '30.00', { held: '0.01' });
    const plan = expectOk(planRedemption(request(['GGGG-GGGG'], '30.00'), byCode(card)));
    expect(spendSummary(plan)).toEqual([
      { code: 'GGGG-GGGG', amountFen: 3000n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'ACTIVATED' },
    ]);
  });

  it('refuses an insufficient balance as COUPON_BALANCE_INSUFFICIENT without partial payment, and drains it with', () => {
    const card = giftCard('GGGG-GGGG', '2.00');
    expect(planRedemption(request(['GGGG-GGGG'], '3.00'), byCode(card))).toEqual({
      ok: false,
      code: 'COUPON_BALANCE_INSUFFICIENT',
      couponCode: 'GGGG-GGGG',
    });
    const plan = expectOk(planRedemption(request(['GGGG-GGGG'], '3.00', { allowPartial: true }), byCode(card)));
    expect(plan.pricing).toMatchObject({ discountFen: 200n, payableFen: 100n });
    expect(spendSummary(plan)).toEqual([
      { code: 'GGGG-GGGG', amountFen: 200n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
  });

  it('refuses a gift card in a refused status with the state machine code', () => {
    for (const status of ['USED', 'FROZEN', 'UNACTIVATED', 'EXPIRED', 'REFUNDED'] as const) {
      const expected = nextStatus(status, 'consume', { giftCard: true, balanceAfterFen: 1n });
      expect(expected.ok).toBe(false);
      const card = giftCard('GGGG-GGGG', '100.00', { status });
      expect(planRedemption(request(['GGGG-GGGG'], '1.00'), byCode(card))).toEqual({
        ok: false,
        code: expected.ok ? 'unexpected' : expected.code,
        couponCode: 'GGGG-GGGG',
      });
    }
  });

  it('does not touch a gift card when earlier coupons covered the whole order', () => {
    const big = spendable('AAAA-AAAA', 'CASH', { amount: '50.00' });
    const card = giftCard('GGGG-GGGG', '100.00');
    const plan = expectOk(planRedemption(request(['GGGG-GGGG', 'AAAA-AAAA'], '30.00'), byCode(big, card)));
    expect(plan.pricing.lines.map((l) => [l.code, l.amountFen])).toEqual([
      ['AAAA-AAAA', 3000n],
      ['GGGG-GGGG', 0n],
    ]);
    expect(spendSummary(plan)).toEqual([
      { code: 'AAAA-AAAA', amountFen: 3000n, singleUse: true, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
    applySpends(plan.spends);
    expect(card.balanceFen).toBe(10000n);
    expect(card.status).toBe('ACTIVATED');
  });
});

describe('planRedemption: sequential decisions on shared state', () => {
  it('decides 500 charges of 3.00 against one 500.00 card: 166 succeed, 2.00 stays', () => {
    const card = giftCard('GGGG-GGGG', '500.00');
    const coupons = byCode(card);
    let succeeded = 0;
    const refusals = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const plan = planRedemption(request(['GGGG-GGGG'], 300n), coupons);
      if (plan.ok) {
        expect(plan.spends).toHaveLength(1);
        expect(plan.spends[0]?.amountFen).toBe(300n);
        applySpends(plan.spends);
        succeeded++;
      } else {
        refusals.set(plan.code, (refusals.get(plan.code) ?? 0) + 1);
      }
    }
    expect(succeeded).toBe(166);
    expect(card.balanceFen).toBe(200n);
    expect(card.status).toBe('ACTIVATED');
    expect(Object.fromEntries(refusals)).toEqual({ COUPON_BALANCE_INSUFFICIENT: 334 });
  });

  it('spends a card down to exactly 0, then refuses it as used', () => {
    const card = giftCard('GGGG-GGGG', '9.00');
    const coupons = byCode(card);
    for (let i = 0; i < 3; i++) applySpends(expectOk(planRedemption(request(['GGGG-GGGG'], 300n), coupons)).spends);
    expect(card.balanceFen).toBe(0n);
    expect(card.status).toBe('USED');
    expect(planRedemption(request(['GGGG-GGGG'], 1n, { allowPartial: true }), coupons)).toEqual({
      ok: false,
      code: 'COUPON_ALREADY_USED',
      couponCode: 'GGGG-GGGG',
    });
  });

  it('lets a single-use coupon through once and refuses it the second time', () => {
    const coupon = cash('AAAA-AAAA');
    const coupons = byCode(coupon);
    const first = expectOk(planRedemption(request(['AAAA-AAAA'], '50.00'), coupons));
    applySpends(first.spends);
    expect(coupon.status).toBe('USED');
    const expected = nextStatus('USED', 'consume', { giftCard: false });
    expect(expected).toEqual({ ok: false, code: 'COUPON_ALREADY_USED' });
    expect(planRedemption(request(['AAAA-AAAA'], '50.00'), coupons)).toEqual({
      ok: false,
      code: 'COUPON_ALREADY_USED',
      couponCode: 'AAAA-AAAA',
    });
  });

  it('never mutates the coupons itself; only applySpends does', () => {
    const single = cash('AAAA-AAAA');
    const card = giftCard('GGGG-GGGG', '20.00');
    const coupons = byCode(single, card);
    const req = request(['AAAA-AAAA', 'GGGG-GGGG'], '30.00');
    const first = expectOk(planRedemption(req, coupons));
    expect(single.status).toBe('ACTIVATED');
    expect(single.balanceFen).toBe(0n);
    expect(card.status).toBe('ACTIVATED');
    expect(card.balanceFen).toBe(2000n);
    // Planned again without applying: the same decision, from the same state.
    const second = expectOk(planRedemption(req, coupons));
    expect(spendSummary(second)).toEqual(spendSummary(first));
    expect(spendSummary(first)).toEqual([
      { code: 'AAAA-AAAA', amountFen: 1000n, singleUse: true, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
      { code: 'GGGG-GGGG', amountFen: 2000n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
    applySpends(first.spends);
    expect(single.status).toBe('USED');
    expect(card.status).toBe('USED');
    expect(card.balanceFen).toBe(0n);
  });

  it('does not mutate the coupons when it refuses', () => {
    const single = cash('AAAA-AAAA');
    const card = giftCard('GGGG-GGGG', '5.00');
    const coupons = byCode(single, card);
    expect(planRedemption(request(['AAAA-AAAA', 'GGGG-GGGG'], '30.00'), coupons)).toMatchObject({ ok: false, code: 'COUPON_BALANCE_INSUFFICIENT' });
    expect(single.status).toBe('ACTIVATED');
    expect(card.status).toBe('ACTIVATED');
    expect(card.balanceFen).toBe(500n);
  });
});

describe('planRedemption: several codes in one order', () => {
  it('applies a threshold, then a gift card for what is left', () => {
    const t = threshold('TTTT-TTTT');
    const card = giftCard('GGGG-GGGG', '500.00');
    const plan = expectOk(planRedemption(request(['GGGG-GGGG', 'TTTT-TTTT'], '150.00'), byCode(card, t)));
    expect(plan.pricing.discountFen).toBe(15000n);
    expect(plan.pricing.payableFen).toBe(0n);
    expect(plan.pricing.discountFen + plan.pricing.payableFen).toBe(15000n);
    expect(spendSummary(plan)).toEqual([
      { code: 'TTTT-TTTT', amountFen: 2000n, singleUse: true, fromStatus: 'ACTIVATED', balanceAfterFen: 0n, statusAfter: 'USED' },
      { code: 'GGGG-GGGG', amountFen: 13000n, singleUse: false, fromStatus: 'ACTIVATED', balanceAfterFen: 37000n, statusAfter: 'ACTIVATED' },
    ]);
    applySpends(plan.spends);
    expect(t.status).toBe('USED');
    expect(card.balanceFen).toBe(37000n);
  });

  it('keeps discount + payable equal to the order amount with partial payment', () => {
    const t = threshold('TTTT-TTTT');
    const c = cash('CCCC-CCCC');
    const card = giftCard('GGGG-GGGG', '50.00');
    const amountFen = parseMoney('234.56');
    const plan = expectOk(planRedemption(request(['TTTT-TTTT', 'CCCC-CCCC', 'GGGG-GGGG'], amountFen, { allowPartial: true }), byCode(t, c, card)));
    // 234.56 − 20.00 − 10.00 = 204.56; the card pays 50.00 → 154.56 payable.
    expect(plan.pricing.discountFen).toBe(8000n);
    expect(plan.pricing.payableFen).toBe(15456n);
    expect(plan.pricing.discountFen + plan.pricing.payableFen).toBe(amountFen);
    const spent = plan.spends.reduce((sum, s) => sum + s.amountFen, 0n);
    expect(spent).toBe(plan.pricing.discountFen);
    expect(spendSummary(plan)).toMatchObject([
      { code: 'CCCC-CCCC', amountFen: 1000n, statusAfter: 'USED' },
      { code: 'TTTT-TTTT', amountFen: 2000n, statusAfter: 'USED' },
      { code: 'GGGG-GGGG', amountFen: 5000n, balanceAfterFen: 0n, statusAfter: 'USED' },
    ]);
  });

  it('refuses the whole order when one code is refused, whatever its position', () => {
    const t = threshold('TTTT-TTTT');
    const card = giftCard('GGGG-GGGG', '500.00', { status: 'FROZEN' });
    expect(planRedemption(request(['TTTT-TTTT', 'GGGG-GGGG'], '150.00'), byCode(t, card))).toEqual({
      ok: false,
      code: 'COUPON_FROZEN',
      couponCode: 'GGGG-GGGG',
    });
  });

  it('passes stacking refusals through from pricing', () => {
    const a = spendable('AAAA-AAAA', 'THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00', stackable: false });
    const b = spendable('BBBB-BBBB', 'DISCOUNT', { discount_rate: '0.90' });
    expect(planRedemption(request(['AAAA-AAAA', 'BBBB-BBBB'], '150.00'), byCode(a, b))).toMatchObject({
      ok: false,
      code: 'COUPON_NOT_STACKABLE',
    });
  });

  describe('template budgets', () => {
    it('spends a budget coupon by coupon and refuses the one that would overdraw it', () => {
      const budget: TemplateBudget = { templateId: 't1', remainingFen: 2_500n }; // room for two 10.00 coupons, not three
      const coupons = byCode(cash('AAAA-AAAA', { budget }), cash('BBBB-BBBB', { budget }), cash('CCCC-CCCC', { budget }));
      const answers = ['AAAA-AAAA', 'BBBB-BBBB', 'CCCC-CCCC'].map((code) => {
        const plan = planRedemption({ codes: [code], merchantId: 'm1', amountFen: 5_000n, allowPartial: false }, coupons);
        if (plan.ok) applySpends(plan.spends);
        return plan.ok ? 'ok' : plan.code;
      });
      expect(answers).toEqual(['ok', 'ok', 'COUPON_BUDGET_EXHAUSTED']);
      expect(budget.remainingFen).toBe(500n);
      expect(coupons.get('CCCC-CCCC')!.status).toBe('ACTIVATED');
    });

    it('counts every coupon of one order against their shared budget', () => {
      const budget: TemplateBudget = { templateId: 't1', remainingFen: 1_500n };
      const coupons = byCode(cash('AAAA-AAAA', { budget }), cash('BBBB-BBBB', { budget }));
      const plan = planRedemption({ codes: ['AAAA-AAAA', 'BBBB-BBBB'], merchantId: 'm1', amountFen: 5_000n, allowPartial: false }, coupons);
      expect(plan).toMatchObject({ ok: false, code: 'COUPON_BUDGET_EXHAUSTED' });
      expect(budget.remainingFen).toBe(1_500n);
    });

    it('never charges a gift card payment to a budget', () => {
      const budget: TemplateBudget = { templateId: 't2', remainingFen: 0n };
      const coupons = byCode(giftCard('GGGG-GGGG', '100.00', { budget }));
      const plan = planRedemption({ codes: ['GGGG-GGGG'], merchantId: 'm1', amountFen: 3_000n, allowPartial: false }, coupons);
      expect(plan.ok).toBe(true);
    });
  });
});
