import type { Actor } from '../../../platform/http/actor.js';

/**
 * Who is looking at a coupon, which decides what they see. Staff and the holder see everything, history
 * included. A till (a cashier signature, or merchant staff signed in) sees what it needs to take the coupon:
 * its state and balance and its own merchants' redemptions of it; never the history at other merchants, nor
 * a code nobody has activated yet (that would let a till test guessed codes for someone to activate).
 */
export type CouponAudience = { readonly kind: 'staff' | 'owner' } | { readonly kind: 'till'; readonly merchantIds: readonly string[] };

const STAFF_ROLES = new Set(['operator', 'risk_reviewer', 'auditor', 'admin']);

export function couponAudience(
  actor: Actor,
  coupon: { readonly userId: string | null; readonly status: string },
  usableAt: readonly string[] | null,
): CouponAudience | undefined {
  const person = actor.kind === 'user';
  if (person && actor.roles.some((r) => STAFF_ROLES.has(r))) return { kind: 'staff' };
  if (person && coupon.userId !== null && coupon.userId === actor.id) return { kind: 'owner' };
  const merchantIds = (actor.merchantIds ?? []).filter((m) => usableAt === null || usableAt.includes(m));
  if (merchantIds.length === 0 || coupon.status === 'UNACTIVATED') return undefined;
  return { kind: 'till', merchantIds };
}
