import type { Migrations } from '../migrate.js';
import * as platform0001 from './2026_11_22_0001_platform.js';
import * as kernelFunctions0019 from './2026_11_29_0019_kernel_functions.js';
import * as idempotencyCredentials0054 from './2026_12_03_0054_idempotency_credentials.js';

/**
 * The kernel's own migrations (outbox, idempotency keys, leases, shared SQL functions). Each module declares its
 * own in `src/modules/<m>/migrations/index.ts`; src/app/modules.ts merges them all (assembleMigrations).
 * A migration, once released, is never edited: add a new one.
 */
export const KERNEL_MIGRATIONS: Migrations = {
  '2026_11_22_0001_platform': platform0001,
  '2026_11_29_0019_kernel_functions': kernelFunctions0019,
  '2026_12_03_0054_idempotency_credentials': idempotencyCredentials0054,
};
