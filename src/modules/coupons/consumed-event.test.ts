import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../platform/money/money.js';
import { consumedEvent } from './consumed-event.js';

describe('consumedEvent', () => {
  it('shapes coupon.consumed with money as decimal strings and the coupon type as given', () => {
    const event = consumedEvent({
      transactionId: 'TX2026120301',
      merchantId: '7',
      orderId: 'order-1',
      orderAmountFen: parseMoney('100.00'),
      lines: [
        { couponId: '11', templateId: '3', redemptionId: '21', code: '7XK9-B2T4', type: 'THRESHOLD', amountFen: parseMoney('20.00') },
        { couponId: '12', templateId: '4', redemptionId: null, code: '7XK9-B2T5', type: 'DISCOUNT', amountFen: parseMoney('0', { allowZero: true }) },
      ],
      requestId: 'req-1',
    });
    expect(event).toEqual({
      aggregateId: 'TX2026120301',
      requestId: 'req-1',
      payload: {
        transaction_id: 'TX2026120301',
        merchant_id: '7',
        order_id: 'order-1',
        order_amount: '100.00',
        lines: [
          { coupon_id: '11', template_id: '3', redemption_id: '21', coupon_code: '7XK9-B2T4', type: 'THRESHOLD', amount: '20.00' },
          { coupon_id: '12', template_id: '4', redemption_id: null, coupon_code: '7XK9-B2T5', type: 'DISCOUNT', amount: '0.00' },
        ],
      },
    });
  });
});
