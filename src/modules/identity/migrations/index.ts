import type { Migrations } from '../../../platform/db/migrate.js';
import * as identity0002 from './2026_11_22_0002_identity.js';
import * as oidc0003 from './2026_11_22_0003_oidc.js';
import * as revokedSessions0022 from './2026_11_29_0022_revoked_sessions.js';
import * as signupFingerprints0048 from './2026_12_02_0048_signup_fingerprints.js';
import * as realNameAttempts0049 from './2026_12_02_0049_real_name_attempts.js';

/** The identity module's migrations, by name; src/app/modules.ts merges every module's into one list. */
export const identityMigrations: Migrations = {
  '2026_11_22_0002_identity': identity0002,
  '2026_11_22_0003_oidc': oidc0003,
  '2026_11_29_0022_revoked_sessions': revokedSessions0022,
  '2026_12_02_0048_signup_fingerprints': signupFingerprints0048,
  '2026_12_02_0049_real_name_attempts': realNameAttempts0049,
};
