import type { Language } from '../../../platform/errors/language.js';
import { CouponTypeError } from './coupon-types/contract.js';
import type { CouponType, PriceContext, PriceOutcome, SerializedParams } from './coupon-types/contract.js';
import { CASH } from './coupon-types/cash.js';
import type { CashParams } from './coupon-types/cash.js';
import { DISCOUNT } from './coupon-types/discount.js';
import type { DiscountParams } from './coupon-types/discount.js';
import { GIFT_CARD } from './coupon-types/gift-card.js';
import type { GiftCardParams } from './coupon-types/gift-card.js';
import { THRESHOLD } from './coupon-types/threshold.js';
import type { ThresholdParams } from './coupon-types/threshold.js';

export { CouponTypeError };
export type { CouponType, PriceContext, PriceOutcome, PricingStage, SerializedParams } from './coupon-types/contract.js';
export type { CashParams, DiscountParams, GiftCardParams, ThresholdParams };

/** The parameters of each registered type. Registering a type is one line here and one in COUPON_TYPES. */
export interface CouponParamsByType {
  readonly DISCOUNT: DiscountParams;
  readonly THRESHOLD: ThresholdParams;
  readonly CASH: CashParams;
  readonly GIFT_CARD: GiftCardParams;
}

export type CouponTypeCode = keyof CouponParamsByType;

export const COUPON_TYPES: { readonly [K in CouponTypeCode]: CouponType<CouponParamsByType[K]> } = Object.freeze({
  DISCOUNT,
  THRESHOLD,
  CASH,
  GIFT_CARD,
});

/** A type code together with parameters of that type; the pairing is what keeps price() from misreading them. */
export type TypedParams = {
  readonly [K in CouponTypeCode]: { readonly type: K; readonly params: CouponParamsByType[K] };
}[CouponTypeCode];

export function isCouponTypeCode(code: string): code is CouponTypeCode {
  return Object.hasOwn(COUPON_TYPES, code);
}

/** The registered type, or a CouponTypeError on field "type" (an API caller can send any string). */
export function couponType<K extends CouponTypeCode>(code: K): CouponType<CouponParamsByType[K]>;
export function couponType(code: string): CouponType<CouponParamsByType[CouponTypeCode]>;
export function couponType(code: string): CouponType<CouponParamsByType[CouponTypeCode]> {
  if (!isCouponTypeCode(code)) {
    throw new CouponTypeError('type', `must be one of ${Object.keys(COUPON_TYPES).join(', ')}`);
  }
  return COUPON_TYPES[code] as CouponType<CouponParamsByType[CouponTypeCode]>;
}

/** API or jsonb params of a type → checked params with money in fen. Throws CouponTypeError naming the field. */
export function deserializeParams(type: string, json: unknown): TypedParams {
  // couponType refuses an unregistered code, so the pairing below is one the registry made.
  return { type, params: couponType(type).parse(json) } as TypedParams;
}

/** Checked params → JSON with money as "150.00" strings, for jsonb and API answers. */
export function serializeParams(typed: TypedParams): SerializedParams;
export function serializeParams<K extends CouponTypeCode>(type: K, params: CouponParamsByType[K]): SerializedParams;
export function serializeParams(typeOrTyped: CouponTypeCode | TypedParams, params?: unknown): SerializedParams {
  const typed = (typeof typeOrTyped === 'string' ? { type: typeOrTyped, params } : typeOrTyped) as TypedParams;
  return withType(typed, (type, p) => type.serialize(p));
}

export function describeCoupon(typed: TypedParams, language?: Language): string {
  return withType(typed, (type, p) => type.describe(p, language));
}

export function priceCoupon(typed: TypedParams, context: PriceContext): PriceOutcome {
  return withType(typed, (type, p) => type.price(p, context));
}

export function isExclusive(typed: TypedParams): boolean {
  return withType(typed, (type, p) => type.exclusive(p));
}

/**
 * Hands a type its own params. TypeScript cannot follow the correlation between `type` and `params` through a
 * union, so the one cast lives here, guarded by TypedParams having been built from a registered pairing.
 */
function withType<R>(typed: TypedParams, use: <P>(type: CouponType<P>, params: P) => R): R {
  return use(COUPON_TYPES[typed.type] as CouponType<unknown>, typed.params);
}
