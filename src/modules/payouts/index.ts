import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { payoutsMigrations } from './migrations/index.js';
import { HttpPayouts } from './http-payouts.js';
import { PayoutUnavailableError, type PayoutPort } from './port.js';
import { SandboxBank } from './sandbox/sandbox-bank.js';
import { payoutSandboxRoutes } from './sandbox/sandbox-routes.js';

export interface Payouts {
  /** The bank: PAYOUT_URL, or (never in production) the sandbox this process mounts. */
  readonly port: PayoutPort;
  readonly sandbox: SandboxBank;
}

export const payoutsOf = perPlatform((platform): Payouts => {
  const { config, database } = platform;
  // Without PAYOUT_URL (never in production) the platform pays through the sandbox it mounts itself, over HTTP.
  const baseUrl =
    config.payoutUrl ??
    (() => {
      if (!platform.self.url) throw new PayoutUnavailableError('the in-process sandbox bank is reachable only once the server listens');
      return `${platform.self.url}/sandbox/payouts`;
    });
  return { port: new HttpPayouts({ baseUrl }), sandbox: new SandboxBank(database.db) };
});

export const payoutsModule: QuanyiModule = {
  name: 'payouts',
  migrations: payoutsMigrations,
  routes: async (app, platform) => {
    if (platform.config.nodeEnv !== 'production') await payoutSandboxRoutes(app, payoutsOf(platform).sandbox);
  },
};
