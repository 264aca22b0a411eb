import type { QuanyiModule } from '../../app/module.js';
import { perPlatform } from '../../app/per-platform.js';
import { TransparencyLogRepo } from './repo.js';
import { transparencyRoutes } from './routes.js';
import { loadLogKeys } from './signing-key.js';
import { TransparencyLog } from './transparency-log.js';

export interface Audit {
  readonly log: TransparencyLog;
}

export const auditOf = perPlatform((platform): Audit => {
  const { database, config } = platform;
  return { log: new TransparencyLog(database.db, new TransparencyLogRepo(), config.transparencyLog.origin, loadLogKeys(config)) };
});

export const auditModule: QuanyiModule = {
  name: 'audit',
  routes: (app, platform) => transparencyRoutes(app, auditOf(platform).log),
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
