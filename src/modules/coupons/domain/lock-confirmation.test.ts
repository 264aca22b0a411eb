import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../../platform/money/money.js';
import { deserializeParams } from './coupon-types.js';
import { checkLockConfirmation } from './lock-confirmation.js';

const yuan = (text: string) => parseMoney(text, { allowZero: true });
const threshold = deserializeParams('THRESHOLD', { min_amount: '100.00', reduce_amount: '20.00' });
const discount = deserializeParams('DISCOUNT', { discount_rate: '0.80', max_discount: '15.00' });
const cash = deserializeParams('CASH', { amount: '3.00' });
const giftCard = deserializeParams('GIFT_CARD', { balance: '50.00' });
const mismatch = (field: 'order_id' | 'amount') => ({ ok: false, code: 'COUPON_LOCK_ORDER_MISMATCH', field });

describe('checkLockConfirmation', () => {
  const lock = { orderId: 'A', orderAmountFen: yuan('100.00'), amountFen: yuan('20.00') };

  it('accepts the order and amount the lock was taken for', () => {
    expect(checkLockConfirmation(threshold, lock, { orderId: 'A', orderAmountFen: yuan('100.00') })).toEqual({ ok: true });
  });

  it('refuses another amount, even one that still meets the threshold', () => {
    expect(checkLockConfirmation(threshold, lock, { orderId: 'A', orderAmountFen: yuan('1.00') })).toEqual(mismatch('amount'));
    expect(checkLockConfirmation(threshold, lock, { orderId: 'A', orderAmountFen: yuan('150.00') })).toEqual(mismatch('amount'));
  });

  it('refuses another order, even at the same amount', () => {
    expect(checkLockConfirmation(threshold, lock, { orderId: 'B', orderAmountFen: yuan('100.00') })).toEqual(mismatch('order_id'));
  });

  describe('a lock from before the amount was stored: the coupon is priced again on the amount confirmed', () => {
    const old = { orderId: 'A', orderAmountFen: null, amountFen: yuan('20.00') };

    it('refuses an amount below the threshold', () => {
      expect(checkLockConfirmation(threshold, old, { orderId: 'A', orderAmountFen: yuan('99.99') })).toEqual(mismatch('amount'));
      expect(checkLockConfirmation(threshold, old, { orderId: 'A', orderAmountFen: yuan('1.00') })).toEqual(mismatch('amount'));
    });

    it('accepts an amount on which the coupon gives at least what is held', () => {
      expect(checkLockConfirmation(threshold, old, { orderId: 'A', orderAmountFen: yuan('100.00') })).toEqual({ ok: true });
      expect(checkLockConfirmation(threshold, old, { orderId: 'A', orderAmountFen: yuan('120.00') })).toEqual({ ok: true });
    });

    it('still refuses another order', () => {
      expect(checkLockConfirmation(threshold, old, { orderId: 'B', orderAmountFen: yuan('100.00') })).toEqual(mismatch('order_id'));
    });

    it('refuses a held discount larger than the capped discount on the amount confirmed', () => {
      // 20% off 50.00 is 10.00; a lock holding 12.00 (priced on 60.00) cannot be confirmed at 50.00.
      const held = { orderId: 'A', orderAmountFen: null, amountFen: yuan('12.00') };
      expect(checkLockConfirmation(discount, held, { orderId: 'A', orderAmountFen: yuan('50.00') })).toEqual(mismatch('amount'));
      expect(checkLockConfirmation(discount, held, { orderId: 'A', orderAmountFen: yuan('60.00') })).toEqual({ ok: true });
      // The cap: 20% of 200.00 would be 40.00, the coupon gives at most 15.00.
      const overCap = { orderId: 'A', orderAmountFen: null, amountFen: yuan('16.00') };
      expect(checkLockConfirmation(discount, overCap, { orderId: 'A', orderAmountFen: yuan('200.00') })).toEqual(mismatch('amount'));
    });

    it('refuses a cash coupon held for more than the order confirmed', () => {
      const held = { orderId: 'A', orderAmountFen: null, amountFen: yuan('3.00') };
      expect(checkLockConfirmation(cash, held, { orderId: 'A', orderAmountFen: yuan('2.00') })).toEqual(mismatch('amount'));
      expect(checkLockConfirmation(cash, held, { orderId: 'A', orderAmountFen: yuan('3.00') })).toEqual({ ok: true });
    });

    it('lets a gift card pay what it holds only when the order is at least that much', () => {
      const held = { orderId: 'A', orderAmountFen: null, amountFen: yuan('30.00') };
      expect(checkLockConfirmation(giftCard, held, { orderId: 'A', orderAmountFen: yuan('29.99') })).toEqual(mismatch('amount'));
      expect(checkLockConfirmation(giftCard, held, { orderId: 'A', orderAmountFen: yuan('30.00') })).toEqual({ ok: true });
      expect(checkLockConfirmation(giftCard, held, { orderId: 'A', orderAmountFen: yuan('40.00') })).toEqual({ ok: true });
    });
  });
});
