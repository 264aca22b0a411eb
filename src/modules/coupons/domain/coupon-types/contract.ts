import type { Fen } from '../../../../platform/money/money.js';
import type { Language } from '../../../../platform/errors/language.js';

/**
 * What every coupon type provides (Vendure's PromotionCondition idea): a code, a parser for its parameters, and
 * a pure price function. Adding a type is one file in this folder plus one line in ../coupon-types.ts.
 */
export interface CouponType<P> {
  readonly code: string;
  /** Gift cards are spent many times against a balance; every other type is used once. */
  readonly multiUse: boolean;
  /** When the type applies in an order with several coupons (pricing.ts explains the order). */
  readonly stage: PricingStage;
  /** Whether these parameters make the coupon one that cannot be combined with another such coupon. */
  exclusive(params: P): boolean;
  /** Checks API or stored JSON. Money becomes bigint fen. Throws CouponTypeError naming the field. */
  parse(input: unknown): P;
  /** The JSON-safe form for jsonb and API answers: money as "150.00", so parse(serialize(p)) equals p. */
  serialize(params: P): SerializedParams;
  describe(params: P, language?: Language): string;
  price(params: P, context: PriceContext): PriceOutcome;
}

/** Fixed reductions first, then percentage discounts on what is left, then gift cards pay the rest. */
export type PricingStage = 'reduction' | 'discount' | 'payment';

export type SerializedParams = Readonly<Record<string, string | boolean>>;

export interface PriceContext {
  /** The order amount before any coupon: thresholds are measured against it. */
  readonly orderAmountFen: Fen;
  /** What is still payable when this coupon's turn comes. */
  readonly remainingFen: Fen;
  /** A gift card's current balance (not its face value in params). */
  readonly balanceFen?: Fen;
  /** Whether a gift card may pay part of `remainingFen` and leave the rest to another means of payment. */
  readonly allowPartial: boolean;
}

export type PriceOutcome =
  | { readonly ok: true; readonly amountFen: Fen; readonly balanceAfterFen?: Fen }
  | { readonly ok: false; readonly code: 'COUPON_THRESHOLD_NOT_MET' | 'COUPON_BALANCE_INSUFFICIENT' };

export class CouponTypeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    // The message stays bare so the HTTP layer can list {field, message} pairs like other validation failures.
    super(message);
    this.name = 'CouponTypeError';
  }
}
