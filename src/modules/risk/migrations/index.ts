import type { Migrations } from '../../../platform/db/migrate.js';
import * as risk0027 from './2026_11_29_0027_risk.js';
import * as riskTimeIndexes0034 from './2026_11_29_0034_risk_time_indexes.js';

/** The risk module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const riskMigrations: Migrations = {
  '2026_11_29_0027_risk': risk0027,
  '2026_11_29_0034_risk_time_indexes': riskTimeIndexes0034,
};
