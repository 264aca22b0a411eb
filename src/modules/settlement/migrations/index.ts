import type { Migrations } from '../../../platform/db/migrate.js';
import * as ledger0023 from './2026_11_29_0023_ledger.js';
import * as settlement0024 from './2026_11_29_0024_settlement.js';
import * as ledgerTimeIndexes0035 from './2026_11_29_0035_ledger_time_indexes.js';

/** The settlement module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const settlementMigrations: Migrations = {
  '2026_11_29_0023_ledger': ledger0023,
  '2026_11_29_0024_settlement': settlement0024,
  '2026_11_29_0035_ledger_time_indexes': ledgerTimeIndexes0035,
};
