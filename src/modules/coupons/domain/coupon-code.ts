import { randomInt } from 'node:crypto';

/**
 * Coupon codes as customers read them off a screen or a card and type them into a till: 8 characters grouped
 * XXXX-XXXX like the specification's 7XK9-B2T4. The alphabet leaves out 0/O and 1/I/L, which people confuse.
 *
 * 31^8 ≈ 8.5e11 codes (39.6 bits). Even with ten million live coupons a guessed code hits one with probability
 * ~1.2e-5, which the caps on failed activations (../activation-attempts.ts, docs/security.md) keep from adding up. Two
 * generated codes can still collide, so the database's unique index decides, and the issuer draws again on a
 * conflict.
 */
export const COUPON_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const COUPON_CODE_LENGTH = 8;

/** XXXX-XXXX over the alphabet, for schemas and tests. */
export const COUPON_CODE_PATTERN = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

/**
 * randomInt draws each character uniformly (it rejects the bytes that would bias a modulo). `random` is for
 * known-answer tests only.
 */
export function generateCouponCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < COUPON_CODE_LENGTH; i++) code += COUPON_CODE_ALPHABET[random(COUPON_CODE_ALPHABET.length)];
  return group(code);
}

/**
 * The grouped form of a typed code, or null if it cannot be one. Case, spaces, dashes and full-width characters
 * (a Chinese keyboard's ７ＸＫ９) are forgiven. Look-alikes are not mapped: 0, O, 1, I and L are all outside the
 * alphabet, so there is nothing to map them to, and guessing could turn a typo into someone else's coupon.
 */
export function normalizeCouponCode(input: string): string | null {
  const compact = input.normalize('NFKC').toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '');
  if (compact.length !== COUPON_CODE_LENGTH) return null;
  for (const char of compact) if (!COUPON_CODE_ALPHABET.includes(char)) return null;
  return group(compact);
}

function group(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
