import { MoneyFormatError, parseMoney } from '../../../../platform/money/money.js';
import type { Fen } from '../../../../platform/money/money.js';
import { CouponTypeError } from './contract.js';

type Fields = Readonly<Record<string, unknown>>;

/**
 * A params object with only the known fields. An unknown field is refused rather than ignored: a misspelt
 * "max_discont" would otherwise silently issue coupons without their cap.
 */
export function paramsObject(input: unknown, known: readonly string[]): Fields {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CouponTypeError('params', 'must be an object');
  }
  for (const field of Object.keys(input)) {
    if (!known.includes(field)) throw new CouponTypeError(field, 'is not a parameter of this coupon type');
  }
  return input as Fields;
}

export function requiredMoney(fields: Fields, field: string, options: { allowZero: boolean }): Fen {
  if (fields[field] === undefined) throw new CouponTypeError(field, 'is required');
  try {
    return parseMoney(fields[field], { allowZero: options.allowZero });
  } catch (error) {
    if (error instanceof MoneyFormatError) {
      throw new CouponTypeError(field, `must be an amount with at most 2 decimal places, like "150.00"${zeroHint(options)}`);
    }
    throw error;
  }
}

export function optionalMoney(fields: Fields, field: string, options: { allowZero: boolean }): Fen | undefined {
  return fields[field] === undefined ? undefined : requiredMoney(fields, field, options);
}

export function optionalBoolean(fields: Fields, field: string, fallback: boolean): boolean {
  const value = fields[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new CouponTypeError(field, 'must be true or false');
  return value;
}

function zeroHint(options: { allowZero: boolean }): string {
  return options.allowZero ? ', not negative' : ', greater than 0';
}
