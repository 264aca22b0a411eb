import type { Migrations } from '../../../platform/db/migrate.js';
import * as activities0028 from './2026_11_29_0028_activities.js';

/** The activities module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const activitiesMigrations: Migrations = {
  '2026_11_29_0028_activities': activities0028,
};
