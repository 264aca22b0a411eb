/**
 * The till's own check of a scanned or typed coupon code, so a typo or a code scanned twice is caught before the
 * order is priced. It mirrors the server's normalizeCouponCode (src/modules/coupons/domain/coupon-code.ts), which
 * the browser cannot import as is (that file also generates codes with node:crypto's randomInt); the server
 * checks again, so the two disagreeing could only cost a round trip, never a wrong redemption.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 8;

/** The API takes at most this many codes for one order (coupon_codes maxItems). */
export const MAX_CODES_PER_ORDER = 10;

/** "7xk9 b2t4", "７ＸＫ９－Ｂ２Ｔ４" → "7XK9-B2T4"; undefined when it cannot be a coupon code. */
export function normalizeCode(input: string): string | undefined {
  const compact = input.normalize('NFKC').toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '');
  if (compact.length !== LENGTH) return undefined;
  for (const char of compact) if (!ALPHABET.includes(char)) return undefined;
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}

export type AddRefusal = 'errCode' | 'errCodeFormat' | 'errCodeDuplicate' | 'errTooManyCodes';

/** Whether `input` may join the order's codes: the normalized code, or the message key of the refusal. */
export function checkNewCode(input: string, codes: readonly string[]): { code: string } | { refusal: AddRefusal } {
  if (!input.trim()) return { refusal: 'errCode' };
  const code = normalizeCode(input);
  if (!code) return { refusal: 'errCodeFormat' };
  if (codes.includes(code)) return { refusal: 'errCodeDuplicate' };
  if (codes.length >= MAX_CODES_PER_ORDER) return { refusal: 'errTooManyCodes' };
  return { code };
}
