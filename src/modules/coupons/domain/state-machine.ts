/**
 * The coupon life cycle of the specification's §4.1.2, in one place. The repo applies a transition with a guarded update
 * (`… WHERE status = <from>`), so the table below is also the list of every status change the database sees.
 */
export type CouponStatus = 'UNACTIVATED' | 'ACTIVATED' | 'FROZEN' | 'USED' | 'EXPIRED' | 'REFUNDED' | 'REVOKED';

export type CouponAction = 'activate' | 'claim' | 'freeze' | 'unfreeze' | 'consume' | 'exhaust' | 'expire' | 'refund' | 'revoke';

/** Which coupons a transition applies to: gift cards hold a balance and are spent many times. */
export type CouponKind = 'single-use' | 'gift-card';

/** Each code names the state that made the action impossible, so a client can tell the customer why. */
export type CouponStateRefusalCode =
  | 'COUPON_NOT_ACTIVATED'
  | 'COUPON_FROZEN'
  | 'COUPON_ALREADY_USED'
  | 'COUPON_EXPIRED'
  | 'COUPON_REFUNDED'
  | 'COUPON_REVOKED'
  | 'COUPON_ALREADY_ACTIVATED'
  | 'COUPON_NOT_FROZEN'
  | 'COUPON_NOT_USED';

export interface Transition {
  readonly from: CouponStatus;
  readonly action: CouponAction;
  readonly to: CouponStatus;
  readonly appliesTo: CouponKind | 'any';
}

export const TRANSITIONS: readonly Transition[] = Object.freeze([
  // Operators activate cards sold offline; customers claim (领取) what is issued to them.
  { from: 'UNACTIVATED', action: 'activate', to: 'ACTIVATED', appliesTo: 'any' },
  { from: 'UNACTIVATED', action: 'claim', to: 'ACTIVATED', appliesTo: 'any' },
  { from: 'ACTIVATED', action: 'freeze', to: 'FROZEN', appliesTo: 'any' },
  { from: 'FROZEN', action: 'unfreeze', to: 'ACTIVATED', appliesTo: 'any' },
  { from: 'ACTIVATED', action: 'consume', to: 'USED', appliesTo: 'single-use' },
  // A gift card stays usable while it holds money; it is USED only once its balance reaches 0 ('exhaust').
  { from: 'ACTIVATED', action: 'consume', to: 'ACTIVATED', appliesTo: 'gift-card' },
  { from: 'ACTIVATED', action: 'exhaust', to: 'USED', appliesTo: 'gift-card' },
  { from: 'ACTIVATED', action: 'expire', to: 'EXPIRED', appliesTo: 'any' },
  // A risk hold must not outlive the validity period: otherwise unfreezing later would revive an expired coupon.
  { from: 'FROZEN', action: 'expire', to: 'EXPIRED', appliesTo: 'any' },
  // Unclaimed stock past its validity expires too, so it can never be claimed and batch reports count it.
  { from: 'UNACTIVATED', action: 'expire', to: 'EXPIRED', appliesTo: 'any' },
  // Refunding an order voids a single-use coupon for good; reissuing one is a new coupon, by policy.
  { from: 'USED', action: 'refund', to: 'REFUNDED', appliesTo: 'single-use' },
  // A gift-card refund puts the money back, so the card is spendable again, whatever it had left.
  { from: 'USED', action: 'refund', to: 'ACTIVATED', appliesTo: 'gift-card' },
  { from: 'ACTIVATED', action: 'refund', to: 'ACTIVATED', appliesTo: 'gift-card' },
  // An order refund must go through even after a risk hold; the money returns but the hold stays.
  { from: 'FROZEN', action: 'refund', to: 'FROZEN', appliesTo: 'gift-card' },
  // An expired gift card is not refilled: the service refunds that part of the order some other way.
  // A reviewer who rejects a farming case claws back the free coupons it froze. Gift cards were paid for: they
  // stay frozen (their money is the customer's) until someone decides otherwise.
  { from: 'FROZEN', action: 'revoke', to: 'REVOKED', appliesTo: 'single-use' },
] satisfies Transition[]);

export interface TransitionContext {
  readonly giftCard: boolean;
  /** For a gift card being spent: its balance after this spend. Decides between 'consume' and 'exhaust'. */
  readonly balanceAfterFen?: bigint;
}

export type TransitionResult =
  | { readonly ok: true; readonly to: CouponStatus }
  | { readonly ok: false; readonly code: CouponStateRefusalCode };

/**
 * The status `action` leads to from `current`, or the refusal a client should see. A context that contradicts
 * the action (spending a gift card to 0 with 'consume', 'exhaust' on a single-use coupon) is a bug in the
 * caller, not an answer for the customer, so it throws a RangeError.
 */
export function nextStatus(current: CouponStatus, action: CouponAction, context: TransitionContext): TransitionResult {
  checkContext(action, context);
  const kind: CouponKind = context.giftCard ? 'gift-card' : 'single-use';
  const transition = TRANSITIONS.find(
    (t) => t.from === current && t.action === action && (t.appliesTo === 'any' || t.appliesTo === kind),
  );
  return transition ? { ok: true, to: transition.to } : { ok: false, code: refusalCode(current, action) };
}

/** The action for spending a gift card down to `balanceAfterFen`. */
export function giftCardSpendAction(balanceAfterFen: bigint): 'consume' | 'exhaust' {
  if (balanceAfterFen < 0n) throw new RangeError(`gift card balance cannot go below 0, got ${balanceAfterFen}`);
  return balanceAfterFen === 0n ? 'exhaust' : 'consume';
}

function checkContext(action: CouponAction, { giftCard, balanceAfterFen }: TransitionContext): void {
  if (balanceAfterFen !== undefined && balanceAfterFen < 0n) {
    throw new RangeError(`gift card balance cannot go below 0, got ${balanceAfterFen}`);
  }
  if (action === 'exhaust') {
    if (!giftCard) throw new RangeError("'exhaust' applies to gift cards only; single-use coupons 'consume'");
    if (balanceAfterFen !== undefined && balanceAfterFen !== 0n) {
      throw new RangeError(`'exhaust' leaves a balance of 0, got ${balanceAfterFen}; use 'consume'`);
    }
  }
  if (action === 'consume' && giftCard) {
    if (balanceAfterFen === undefined) throw new RangeError("'consume' of a gift card needs balanceAfterFen");
    if (balanceAfterFen === 0n) throw new RangeError("a gift card spent down to 0 is 'exhaust', not 'consume'");
  }
}

function refusalCode(current: CouponStatus, action: CouponAction): CouponStateRefusalCode {
  switch (current) {
    case 'UNACTIVATED':
      return 'COUPON_NOT_ACTIVATED';
    case 'ACTIVATED':
      // ACTIVATED is the healthy state, so the code says what the action expected instead.
      if (action === 'unfreeze' || action === 'revoke') return 'COUPON_NOT_FROZEN';
      if (action === 'refund') return 'COUPON_NOT_USED';
      return 'COUPON_ALREADY_ACTIVATED';
    case 'FROZEN':
      return 'COUPON_FROZEN';
    case 'USED':
      return 'COUPON_ALREADY_USED';
    case 'EXPIRED':
      return 'COUPON_EXPIRED';
    case 'REFUNDED':
      return 'COUPON_REFUNDED';
    case 'REVOKED':
      return 'COUPON_REVOKED';
  }
}

/**
 * The specification's TINYINT for `coupon_info.status`. The specification lists only "1=未激活 2=已使用…", so 1 and 2
 * follow it and the rest continue in the order the specification's state diagram introduces them. Never renumber:
 * rows store these.
 */
const STATUS_CODES: Readonly<Record<CouponStatus, number>> = Object.freeze({
  UNACTIVATED: 1,
  USED: 2,
  ACTIVATED: 3,
  FROZEN: 4,
  EXPIRED: 5,
  REFUNDED: 6,
  REVOKED: 7,
});

export const COUPON_STATUSES: readonly CouponStatus[] = Object.freeze(Object.keys(STATUS_CODES) as CouponStatus[]);

export function statusCode(status: CouponStatus): number {
  return STATUS_CODES[status];
}

export function statusFromCode(code: number): CouponStatus {
  const status = COUPON_STATUSES.find((s) => STATUS_CODES[s] === code);
  if (!status) throw new RangeError(`unknown coupon status code ${code}`);
  return status;
}
