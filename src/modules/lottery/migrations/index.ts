import type { Migrations } from '../../../platform/db/migrate.js';
import * as lottery0013 from './2026_11_29_0013_lottery.js';
import * as lotteryWeekly0014 from './2026_11_29_0014_lottery_weekly.js';
import * as lotteryPrizePayouts0017 from './2026_11_29_0017_lottery_prize_payouts.js';
import * as lotteryWeeklySets0018 from './2026_11_29_0018_lottery_weekly_sets.js';
import * as lotteryHeldInvoices0029 from './2026_11_29_0029_lottery_held_invoices.js';
import * as lotteryBonusChances0030 from './2026_11_29_0030_lottery_bonus_chances.js';
import * as lotteryTimeIndexes0033 from './2026_11_29_0033_lottery_time_indexes.js';

/** The lottery module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const lotteryMigrations: Migrations = {
  '2026_11_29_0013_lottery': lottery0013,
  '2026_11_29_0014_lottery_weekly': lotteryWeekly0014,
  '2026_11_29_0017_lottery_prize_payouts': lotteryPrizePayouts0017,
  '2026_11_29_0018_lottery_weekly_sets': lotteryWeeklySets0018,
  '2026_11_29_0029_lottery_held_invoices': lotteryHeldInvoices0029,
  '2026_11_29_0030_lottery_bonus_chances': lotteryBonusChances0030,
  '2026_11_29_0033_lottery_time_indexes': lotteryTimeIndexes0033,
};
