import type { Migrations } from '../../../platform/db/migrate.js';
import * as transparencyLog0012 from './2026_11_29_0012_transparency_log.js';
import * as auditRecords0026 from './2026_11_29_0026_audit_records.js';

/** The audit module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const auditMigrations: Migrations = {
  '2026_11_29_0012_transparency_log': transparencyLog0012,
  '2026_11_29_0026_audit_records': auditRecords0026,
};
