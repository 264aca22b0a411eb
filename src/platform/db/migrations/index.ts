import type { Migration } from 'kysely';
import * as locks0007 from '../../../modules/coupons/migrations/2026_11_22_0007_coupon_locks.js';
import * as channels0008 from '../../../modules/merchants/migrations/2026_11_29_0008_channels.js';
import * as taxSandbox0009 from '../../../modules/invoices/migrations/2026_11_29_0009_tax_sandbox.js';
import * as invoices0010 from '../../../modules/invoices/migrations/2026_11_29_0010_invoices.js';
import * as transparencyLog0012 from '../../../modules/audit/migrations/2026_11_29_0012_transparency_log.js';
import * as lottery0013 from '../../../modules/lottery/migrations/2026_11_29_0013_lottery.js';
import * as lotteryWeekly0014 from '../../../modules/lottery/migrations/2026_11_29_0014_lottery_weekly.js';
import * as payoutSandbox0015 from '../../../modules/payouts/migrations/2026_11_29_0015_payout_sandbox.js';
import * as notifications0016 from '../../../modules/notifications/migrations/2026_11_29_0016_notifications.js';
import * as lotteryPrizePayouts0017 from '../../../modules/lottery/migrations/2026_11_29_0017_lottery_prize_payouts.js';
import * as lotteryWeeklySets0018 from '../../../modules/lottery/migrations/2026_11_29_0018_lottery_weekly_sets.js';
import * as fraudSignals0011 from '../../../modules/invoices/migrations/2026_11_29_0011_invoice_fraud_signals.js';
import * as batches0006 from '../../../modules/coupons/migrations/2026_11_22_0006_coupon_batches.js';
import * as coupons0005 from '../../../modules/coupons/migrations/2026_11_22_0005_coupons.js';
import * as identity0002 from '../../../modules/identity/migrations/2026_11_22_0002_identity.js';
import * as oidc0003 from '../../../modules/identity/migrations/2026_11_22_0003_oidc.js';
import * as merchants0004 from '../../../modules/merchants/migrations/2026_11_22_0004_merchants.js';
import * as platform0001 from './2026_11_22_0001_platform.js';
import * as kernelFunctions0019 from './2026_11_29_0019_kernel_functions.js';
import * as claimBatch0020 from '../../../modules/coupons/migrations/2026_11_29_0020_coupon_claim_batch.js';
import * as redeemBatch0021 from '../../../modules/coupons/migrations/2026_11_29_0021_coupon_redeem_batch.js';
import * as revokedSessions0022 from '../../../modules/identity/migrations/2026_11_29_0022_revoked_sessions.js';
import * as ledger0023 from '../../../modules/settlement/migrations/2026_11_29_0023_ledger.js';
import * as settlement0024 from '../../../modules/settlement/migrations/2026_11_29_0024_settlement.js';
import * as templateFunding0025 from '../../../modules/coupons/migrations/2026_11_29_0025_template_funding.js';
import * as auditRecords0026 from '../../../modules/audit/migrations/2026_11_29_0026_audit_records.js';
import * as risk0027 from '../../../modules/risk/migrations/2026_11_29_0027_risk.js';
import * as activities0028 from '../../../modules/activities/migrations/2026_11_29_0028_activities.js';
import * as lotteryHeld0029 from '../../../modules/lottery/migrations/2026_11_29_0029_lottery_held_invoices.js';
import * as couponRevoked0031 from '../../../modules/coupons/migrations/2026_11_29_0031_coupon_revoked.js';
import * as couponTime0032 from '../../../modules/coupons/migrations/2026_11_29_0032_coupon_time_indexes.js';
import * as lotteryTime0033 from '../../../modules/lottery/migrations/2026_11_29_0033_lottery_time_indexes.js';
import * as riskTime0034 from '../../../modules/risk/migrations/2026_11_29_0034_risk_time_indexes.js';
import * as ledgerTime0035 from '../../../modules/settlement/migrations/2026_11_29_0035_ledger_time_indexes.js';
import * as signupFingerprints0048 from '../../../modules/identity/migrations/2026_12_02_0048_signup_fingerprints.js';
import * as realNameAttempts0049 from '../../../modules/identity/migrations/2026_12_02_0049_real_name_attempts.js';

import * as signatureNonces0052 from '../../../modules/merchants/migrations/2026_12_02_0052_signature_nonces.js';
import * as couponOrders0053 from '../../../modules/coupons/migrations/2026_12_03_0053_coupon_orders.js';
import * as idempotencyCredentials0054 from './2026_12_03_0054_idempotency_credentials.js';
import * as couponLockOrders0055 from '../../../modules/coupons/migrations/2026_12_03_0055_coupon_lock_orders.js';
import * as taxSandboxLegacy0061 from '../../../modules/invoices/migrations/2026_12_03_0061_tax_sandbox_legacy.js';
import * as lotteryBonus0030 from '../../../modules/lottery/migrations/2026_11_29_0030_lottery_bonus_chances.js';

/**
 * Every migration of every module, in the order they apply. Names sort by date so the order is also the
 * alphabetical order Kysely's migrator checks. A migration, once released, is never edited: add a new one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_22_0001_platform': platform0001,
  '2026_11_22_0002_identity': identity0002,
  '2026_11_22_0003_oidc': oidc0003,
  '2026_11_22_0004_merchants': merchants0004,
  '2026_11_22_0005_coupons': coupons0005,
  '2026_11_22_0006_coupon_batches': batches0006,
  '2026_11_22_0007_coupon_locks': locks0007,
  '2026_11_29_0008_channels': channels0008,
  '2026_11_29_0009_tax_sandbox': taxSandbox0009,
  '2026_11_29_0010_invoices': invoices0010,
  '2026_11_29_0011_invoice_fraud_signals': fraudSignals0011,
  '2026_11_29_0012_transparency_log': transparencyLog0012,
  '2026_11_29_0013_lottery': lottery0013,
  '2026_11_29_0014_lottery_weekly': lotteryWeekly0014,
  '2026_11_29_0015_payout_sandbox': payoutSandbox0015,
  '2026_11_29_0016_notifications': notifications0016,
  '2026_11_29_0017_lottery_prize_payouts': lotteryPrizePayouts0017,
  '2026_11_29_0018_lottery_weekly_sets': lotteryWeeklySets0018,
  '2026_11_29_0019_kernel_functions': kernelFunctions0019,
  '2026_11_29_0020_coupon_claim_batch': claimBatch0020,
  '2026_11_29_0021_coupon_redeem_batch': redeemBatch0021,
  '2026_11_29_0022_revoked_sessions': revokedSessions0022,
  '2026_11_29_0023_ledger': ledger0023,
  '2026_11_29_0024_settlement': settlement0024,
  '2026_11_29_0025_template_funding': templateFunding0025,
  '2026_11_29_0026_audit_records': auditRecords0026,
  '2026_11_29_0027_risk': risk0027,
  '2026_11_29_0028_activities': activities0028,
  '2026_11_29_0029_lottery_held_invoices': lotteryHeld0029,
  '2026_11_29_0030_lottery_bonus_chances': lotteryBonus0030,
  '2026_11_29_0031_coupon_revoked': couponRevoked0031,
  '2026_11_29_0032_coupon_time_indexes': couponTime0032,
  '2026_11_29_0033_lottery_time_indexes': lotteryTime0033,
  '2026_11_29_0034_risk_time_indexes': riskTime0034,
  '2026_11_29_0035_ledger_time_indexes': ledgerTime0035,
  '2026_12_02_0048_signup_fingerprints': signupFingerprints0048,
  '2026_12_02_0049_real_name_attempts': realNameAttempts0049,

  '2026_12_02_0052_signature_nonces': signatureNonces0052,
  '2026_12_03_0053_coupon_orders': couponOrders0053,
  '2026_12_03_0054_idempotency_credentials': idempotencyCredentials0054,
  '2026_12_03_0055_coupon_lock_orders': couponLockOrders0055,
  '2026_12_03_0061_tax_sandbox_legacy': taxSandboxLegacy0061,
};
