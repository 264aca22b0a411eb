import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { merchantsMigrations } from './migrations/index.js';
import { merchantRoutes } from './routes.js';
import { MerchantService } from './service.js';
import { merchantSignatureAuthenticator } from './signature.js';
import { SignatureNonces } from './signature-nonces.js';

export const merchantsOf = perPlatform((platform) => new MerchantService(platform.database.db, platform.vault, platform.ids));
const noncesOf = perPlatform((platform) => new SignatureNonces(platform.database.db));

export const merchantsModule: QuanyiModule = {
  name: 'merchants',
  migrations: merchantsMigrations,
  authenticators: (platform) => [merchantSignatureAuthenticator(merchantsOf(platform).lookupCredentials, noncesOf(platform), platform.clock)],
  routes: (app, platform) => merchantRoutes(app, merchantsOf(platform)),
  jobs: (platform) => [
    {
      name: 'merchants.purge-signature-nonces',
      // Nonces outlive their window by design; a purge every ten minutes keeps the table at about one window of
      // cashier traffic.
      schedule: { cron: '*/10 * * * *' },
      run: async () => {
        await noncesOf(platform).purgeExpired(platform.clock.now());
      },
    },
  ],
};
