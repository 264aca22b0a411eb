import type { Migrations } from '../../../platform/db/migrate.js';
import * as merchants0004 from './2026_11_22_0004_merchants.js';
import * as channels0008 from './2026_11_29_0008_channels.js';
import * as signatureNonces0052 from './2026_12_02_0052_signature_nonces.js';

/** The merchants module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const merchantsMigrations: Migrations = {
  '2026_11_22_0004_merchants': merchants0004,
  '2026_11_29_0008_channels': channels0008,
  '2026_12_02_0052_signature_nonces': signatureNonces0052,
};
