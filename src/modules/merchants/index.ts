import type { QuanyiModule } from '../../app/module.js';
import { perPlatform } from '../../app/per-platform.js';
import { merchantRoutes } from './routes.js';
import { MerchantService } from './service.js';
import { merchantSignatureAuthenticator } from './signature.js';

export const merchantsOf = perPlatform((platform) => new MerchantService(platform.database.db, platform.vault, platform.ids));

export const merchantsModule: QuanyiModule = {
  name: 'merchants',
  authenticators: (platform) => [merchantSignatureAuthenticator(merchantsOf(platform).lookupCredentials, platform.cache, platform.clock)],
  routes: (app, platform) => merchantRoutes(app, merchantsOf(platform)),
};
