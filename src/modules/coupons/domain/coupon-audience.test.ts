import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../platform/http/actor.js';
import { couponAudience } from './coupon-audience.js';

const cashier = (id: string): Actor => ({ kind: 'merchant', id, roles: ['merchant_staff'], merchantIds: [id] });
const activated = { userId: '7', status: 'ACTIVATED' };

describe('couponAudience', () => {
  it('staff and the holder see everything', () => {
    expect(couponAudience({ kind: 'user', id: '1', roles: ['consumer', 'auditor'] }, activated, ['M1'])).toEqual({ kind: 'staff' });
    expect(couponAudience({ kind: 'user', id: '7', roles: ['consumer'] }, activated, ['M1'])).toEqual({ kind: 'owner' });
  });

  it('a till sees a coupon usable at one of its merchants, as a till, and only through those merchants', () => {
    expect(couponAudience(cashier('M1'), activated, null)).toEqual({ kind: 'till', merchantIds: ['M1'] });
    const staff: Actor = { kind: 'user', id: '2', roles: ['consumer', 'merchant_staff'], merchantIds: ['M1', 'M2'] };
    expect(couponAudience(staff, activated, ['M2', 'M3'])).toEqual({ kind: 'till', merchantIds: ['M2'] });
    expect(couponAudience(cashier('M9'), activated, ['M1'])).toBeUndefined();
  });

  it('a merchant whose id equals the holder’s user id is still a till, and never sees unactivated codes', () => {
    expect(couponAudience(cashier('7'), activated, null)).toEqual({ kind: 'till', merchantIds: ['7'] });
    expect(couponAudience(cashier('M1'), { userId: null, status: 'UNACTIVATED' }, null)).toBeUndefined();
    expect(couponAudience({ kind: 'user', id: '3', roles: ['consumer'] }, activated, null)).toBeUndefined();
  });
});
