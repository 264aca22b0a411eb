import path from 'node:path';
import type { QuanyiModule } from '../../app/module.js';
import { LocalFileStore, type FileStore } from '../../platform/files/file-store.js';
import { perPlatform } from '../../app/per-platform.js';
import type { Clock } from '../../platform/time/clock.js';
import { identityOf } from '../identity/index.js';
import { lotteryOf } from '../lottery/index.js';
import { InvoiceRepo } from './repo.js';
import { invoiceRoutes } from './routes.js';
import { InvoiceService } from './service.js';
import { HttpTaxAuthority } from './tax-authority/http-tax-authority.js';
import { taxSandboxRoutes } from './tax-sandbox/sandbox-routes.js';
import { TaxSandbox } from './tax-sandbox/sandbox-service.js';

export interface Invoices {
  readonly service: InvoiceService;
  readonly authority: HttpTaxAuthority;
  readonly sandbox: TaxSandbox;
  readonly clock: Clock;
  readonly files: FileStore;
}

export const invoicesOf = perPlatform((platform): Invoices => {
  const { database, config, cache, clock } = platform;
  // Without TAX_AUTHORITY_URL (never in production) the platform asks the sandbox it mounts itself, over HTTP.
  const baseUrl = config.taxAuthorityUrl ?? (() => {
    if (!platform.self.url) throw new Error('the in-process tax sandbox is reachable only once the server listens');
    return `${platform.self.url}/sandbox/tax`;
  });
  const authority = new HttpTaxAuthority({ baseUrl, cache });
  const identity = identityOf(platform).service;
  const buyers = { isRealNameVerified: (userId: string) => identity.isRealNameVerified(userId) };
  // The floor and age limit are the lottery campaigns' terms (the loosest of those running).
  const policies = { current: (now: Date) => lotteryOf(platform).service.intakePolicy(now) };
  const service = new InvoiceService(database.db, new InvoiceRepo(), authority, buyers, platform.outbox, platform.ids, clock, policies, () => platform.hooks.riskGate);
  const files = new LocalFileStore(path.join(config.dataDir, 'files'));
  return { service, authority, sandbox: new TaxSandbox(database.db, clock), clock, files };
});

export const invoicesModule: QuanyiModule = {
  name: 'invoices',
  routes: async (app, platform) => {
    const invoices = invoicesOf(platform);
    await invoiceRoutes(app, invoices, () => platform.hooks.riskGate);
    if (platform.config.nodeEnv !== 'production') await taxSandboxRoutes(app, invoices.sandbox);
  },
};

/** The sandbox alone, as `quanyi tax-sandbox` serves it: a stand-in for the tax authority that can be stopped. */
export const taxSandboxModule: QuanyiModule = {
  name: 'tax-sandbox',
  routes: (app, platform) => taxSandboxRoutes(app, invoicesOf(platform).sandbox),
};
