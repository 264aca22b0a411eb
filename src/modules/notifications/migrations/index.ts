import type { Migrations } from '../../../platform/db/migrate.js';
import * as notifications0016 from './2026_11_29_0016_notifications.js';

/** The notifications module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const notificationsMigrations: Migrations = {
  '2026_11_29_0016_notifications': notifications0016,
};
