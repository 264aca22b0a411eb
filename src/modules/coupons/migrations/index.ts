import type { Migrations } from '../../../platform/db/migrate.js';
import * as coupons0005 from './2026_11_22_0005_coupons.js';
import * as couponBatches0006 from './2026_11_22_0006_coupon_batches.js';
import * as couponLocks0007 from './2026_11_22_0007_coupon_locks.js';
import * as couponClaimBatch0020 from './2026_11_29_0020_coupon_claim_batch.js';
import * as couponRedeemBatch0021 from './2026_11_29_0021_coupon_redeem_batch.js';
import * as templateFunding0025 from './2026_11_29_0025_template_funding.js';
import * as couponRevoked0031 from './2026_11_29_0031_coupon_revoked.js';
import * as couponTimeIndexes0032 from './2026_11_29_0032_coupon_time_indexes.js';
import * as couponOrders0053 from './2026_12_03_0053_coupon_orders.js';
import * as couponLockOrders0055 from './2026_12_03_0055_coupon_lock_orders.js';

/** The coupons module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const couponsMigrations: Migrations = {
  '2026_11_22_0005_coupons': coupons0005,
  '2026_11_22_0006_coupon_batches': couponBatches0006,
  '2026_11_22_0007_coupon_locks': couponLocks0007,
  '2026_11_29_0020_coupon_claim_batch': couponClaimBatch0020,
  '2026_11_29_0021_coupon_redeem_batch': couponRedeemBatch0021,
  '2026_11_29_0025_template_funding': templateFunding0025,
  '2026_11_29_0031_coupon_revoked': couponRevoked0031,
  '2026_11_29_0032_coupon_time_indexes': couponTimeIndexes0032,
  '2026_12_03_0053_coupon_orders': couponOrders0053,
  '2026_12_03_0055_coupon_lock_orders': couponLockOrders0055,
};
