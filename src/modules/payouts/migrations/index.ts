import type { Migrations } from '../../../platform/db/migrate.js';
import * as payoutSandbox0015 from './2026_11_29_0015_payout_sandbox.js';

/** The payouts module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const payoutsMigrations: Migrations = {
  '2026_11_29_0015_payout_sandbox': payoutSandbox0015,
};
