import { describe, expect, it } from 'vitest';
import {
  COUPON_STATUSES,
  TRANSITIONS,
  giftCardSpendAction,
  nextStatus,
  statusCode,
  statusFromCode,
} from './state-machine.js';
import type { CouponAction, CouponStatus, TransitionContext } from './state-machine.js';

const ACTIONS: readonly CouponAction[] = ['activate', 'claim', 'freeze', 'unfreeze', 'consume', 'exhaust', 'expire', 'refund', 'revoke'];

/** Written out by hand from the specification's diagram, not derived from TRANSITIONS: "→X" is allowed, else the code. */
const SINGLE_USE: Record<CouponStatus, Partial<Record<CouponAction, string>>> = {
  UNACTIVATED: {
    activate: '→ACTIVATED', claim: '→ACTIVATED', freeze: 'COUPON_NOT_ACTIVATED', unfreeze: 'COUPON_NOT_ACTIVATED',
    consume: 'COUPON_NOT_ACTIVATED', expire: '→EXPIRED', refund: 'COUPON_NOT_ACTIVATED', revoke: 'COUPON_NOT_ACTIVATED',
  },
  ACTIVATED: {
    activate: 'COUPON_ALREADY_ACTIVATED', claim: 'COUPON_ALREADY_ACTIVATED', freeze: '→FROZEN',
    unfreeze: 'COUPON_NOT_FROZEN', consume: '→USED', expire: '→EXPIRED', refund: 'COUPON_NOT_USED', revoke: 'COUPON_NOT_FROZEN',
  },
  FROZEN: {
    activate: 'COUPON_FROZEN', claim: 'COUPON_FROZEN', freeze: 'COUPON_FROZEN', unfreeze: '→ACTIVATED',
    consume: 'COUPON_FROZEN', expire: '→EXPIRED', refund: 'COUPON_FROZEN', revoke: '→REVOKED',
  },
  USED: {
    activate: 'COUPON_ALREADY_USED', claim: 'COUPON_ALREADY_USED', freeze: 'COUPON_ALREADY_USED',
    unfreeze: 'COUPON_ALREADY_USED', consume: 'COUPON_ALREADY_USED', expire: 'COUPON_ALREADY_USED', refund: '→REFUNDED', revoke: 'COUPON_ALREADY_USED',
  },
  EXPIRED: {
    activate: 'COUPON_EXPIRED', claim: 'COUPON_EXPIRED', freeze: 'COUPON_EXPIRED', unfreeze: 'COUPON_EXPIRED',
    consume: 'COUPON_EXPIRED', expire: 'COUPON_EXPIRED', refund: 'COUPON_EXPIRED', revoke: 'COUPON_EXPIRED',
  },
  REFUNDED: {
    activate: 'COUPON_REFUNDED', claim: 'COUPON_REFUNDED', freeze: 'COUPON_REFUNDED', unfreeze: 'COUPON_REFUNDED',
    consume: 'COUPON_REFUNDED', expire: 'COUPON_REFUNDED', refund: 'COUPON_REFUNDED', revoke: 'COUPON_REFUNDED',
  },
  REVOKED: {
    activate: 'COUPON_REVOKED', claim: 'COUPON_REVOKED', freeze: 'COUPON_REVOKED', unfreeze: 'COUPON_REVOKED',
    consume: 'COUPON_REVOKED', expire: 'COUPON_REVOKED', refund: 'COUPON_REVOKED', revoke: 'COUPON_REVOKED',
  },
};

const GIFT_CARD: Record<CouponStatus, Record<CouponAction, string>> = {
  UNACTIVATED: { ...(SINGLE_USE.UNACTIVATED as Record<CouponAction, string>), exhaust: 'COUPON_NOT_ACTIVATED' },
  ACTIVATED: {
    ...(SINGLE_USE.ACTIVATED as Record<CouponAction, string>),
    consume: '→ACTIVATED', exhaust: '→USED', refund: '→ACTIVATED',
  },
  // A gift card was paid for: a rejected case keeps it frozen instead of revoking it.
  FROZEN: { ...(SINGLE_USE.FROZEN as Record<CouponAction, string>), exhaust: 'COUPON_FROZEN', refund: '→FROZEN', revoke: 'COUPON_FROZEN' },
  USED: { ...(SINGLE_USE.USED as Record<CouponAction, string>), exhaust: 'COUPON_ALREADY_USED', refund: '→ACTIVATED' },
  EXPIRED: { ...(SINGLE_USE.EXPIRED as Record<CouponAction, string>), exhaust: 'COUPON_EXPIRED' },
  REFUNDED: { ...(SINGLE_USE.REFUNDED as Record<CouponAction, string>), exhaust: 'COUPON_REFUNDED' },
  REVOKED: { ...(SINGLE_USE.REVOKED as Record<CouponAction, string>), exhaust: 'COUPON_REVOKED' },
};

function outcome(status: CouponStatus, action: CouponAction, context: TransitionContext): string {
  const result = nextStatus(status, action, context);
  return result.ok ? `→${result.to}` : result.code;
}

function giftContext(action: CouponAction): TransitionContext {
  if (action === 'consume') return { giftCard: true, balanceAfterFen: 100n };
  if (action === 'exhaust') return { giftCard: true, balanceAfterFen: 0n };
  return { giftCard: true };
}

describe('nextStatus', () => {
  const singleCases = COUPON_STATUSES.flatMap((status) =>
    ACTIONS.filter((a) => a !== 'exhaust').map((action) => [status, action, SINGLE_USE[status][action]] as const),
  );
  it.each(singleCases)('single-use %s --%s--> %s', (status, action, expected) => {
    expect(outcome(status, action, { giftCard: false })).toBe(expected);
  });

  const giftCases = COUPON_STATUSES.flatMap((status) =>
    ACTIONS.map((action) => [status, action, GIFT_CARD[status][action]] as const),
  );
  it.each(giftCases)('gift card %s --%s--> %s', (status, action, expected) => {
    expect(outcome(status, action, giftContext(action))).toBe(expected);
  });

  it('covers all 7 statuses and 9 actions in the tables above', () => {
    expect(singleCases).toHaveLength(7 * 8);
    expect(giftCases).toHaveLength(7 * 9);
    expect(new Set(COUPON_STATUSES)).toEqual(new Set(Object.keys(SINGLE_USE)));
  });

  it('throws on contexts that contradict the action, which are bugs in the caller', () => {
    expect(() => nextStatus('ACTIVATED', 'exhaust', { giftCard: false })).toThrow(RangeError);
    expect(() => nextStatus('ACTIVATED', 'exhaust', { giftCard: true, balanceAfterFen: 1n })).toThrow(RangeError);
    expect(() => nextStatus('ACTIVATED', 'consume', { giftCard: true })).toThrow(RangeError);
    expect(() => nextStatus('ACTIVATED', 'consume', { giftCard: true, balanceAfterFen: 0n })).toThrow(RangeError);
    expect(() => nextStatus('ACTIVATED', 'consume', { giftCard: true, balanceAfterFen: -1n })).toThrow(RangeError);
    // Even when the state would refuse anyway, so that the bug shows up in every state.
    expect(() => nextStatus('FROZEN', 'consume', { giftCard: true })).toThrow(RangeError);
  });

  it("accepts 'exhaust' without a balance (it can only be 0)", () => {
    expect(nextStatus('ACTIVATED', 'exhaust', { giftCard: true })).toEqual({ ok: true, to: 'USED' });
  });
});

describe('TRANSITIONS', () => {
  it('agrees with nextStatus for every listed transition', () => {
    for (const t of TRANSITIONS) {
      const kinds = t.appliesTo === 'any' ? (['single-use', 'gift-card'] as const) : [t.appliesTo];
      for (const kind of kinds) {
        const context = kind === 'gift-card' ? giftContext(t.action) : { giftCard: false };
        expect(nextStatus(t.from, t.action, context), `${t.from} ${t.action} ${kind}`).toEqual({ ok: true, to: t.to });
      }
    }
  });

  it('never lists two targets for the same state, action and kind', () => {
    const keys = TRANSITIONS.flatMap((t) =>
      (t.appliesTo === 'any' ? ['single-use', 'gift-card'] : [t.appliesTo]).map((k) => `${t.from} ${t.action} ${k}`),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves EXPIRED and REFUNDED terminal', () => {
    expect(TRANSITIONS.filter((t) => t.from === 'EXPIRED' || t.from === 'REFUNDED')).toEqual([]);
  });

  it('is frozen data', () => {
    expect(Object.isFrozen(TRANSITIONS)).toBe(true);
  });
});

describe('giftCardSpendAction', () => {
  it('exhausts at 0 and consumes above', () => {
    expect(giftCardSpendAction(0n)).toBe('exhaust');
    expect(giftCardSpendAction(1n)).toBe('consume');
    expect(() => giftCardSpendAction(-1n)).toThrow(RangeError);
  });
});

describe('statusCode', () => {
  it.each([
    ['UNACTIVATED', 1],
    ['USED', 2],
    ['ACTIVATED', 3],
    ['FROZEN', 4],
    ['EXPIRED', 5],
    ['REFUNDED', 6],
    ['REVOKED', 7],
  ] as const)('stores %s as %i (specification: 1=未激活 2=已使用…)', (status, code) => {
    expect(statusCode(status)).toBe(code);
    expect(statusFromCode(code)).toBe(status);
  });

  it.each([0, 8, -1, 1.5, Number.NaN])('refuses unknown code %s', (code) => {
    expect(() => statusFromCode(code)).toThrow(RangeError);
  });
});
