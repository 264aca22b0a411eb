import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { auditMigrations } from './migrations/index.js';
import { AuditTrail } from './audit-trail.js';
import { auditTrailRoutes } from './audit-routes.js';
import { TransparencyLogRepo } from './repo.js';
import { transparencyRoutes } from './routes.js';
import { loadLogKeys } from './signing-key.js';
import { registerAuditMetrics } from './metrics.js';
import { TransparencyLog } from './transparency-log.js';

export interface Audit {
  readonly log: TransparencyLog;
  readonly trail: AuditTrail;
}

export const auditOf = perPlatform((platform): Audit => {
  const { database, config, secrets } = platform;
  return {
    log: new TransparencyLog(database.db, new TransparencyLogRepo(), config.transparencyLog.origin, loadLogKeys(config, secrets.hsm?.logSigningKeys)),
    trail: new AuditTrail(database.db, platform.ids),
  };
});

export const auditModule: QuanyiModule = {
  name: 'audit',
  init: (platform) => registerAuditMetrics(platform),
  migrations: auditMigrations,
  routes: async (app, platform) => {
    await transparencyRoutes(app, auditOf(platform).log);
    await auditTrailRoutes(app, auditOf(platform).trail);
  },
  jobs: (platform) => [
    {
      name: 'audit.sign-checkpoint',
      // Every minute a checkpoint of what the log holds is signed (if it grew), so every entry is inside a signed
      // tree within a minute, and later trees can be proven consistent with it.
      schedule: { cron: '* * * * *' },
      run: async () => {
        await auditOf(platform).log.checkpoint();
      },
    },
  ],
};
