import path from 'node:path';
import type { QuanyiModule } from '../../platform/module/module.js';
import { LocalFileStore, type FileStore } from '../../platform/files/file-store.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { invoicesMigrations } from './migrations/index.js';
import type { Clock } from '../../platform/time/clock.js';
import { identityOf } from '../identity/index.js';
import { lotteryOf } from '../lottery/index.js';
import { InvoiceFileReader } from './file-reader.js';
import { InvoiceRepo } from './repo.js';
import { invoiceRoutes } from './routes.js';
import { InvoiceService } from './service.js';
import { HttpTaxAuthority } from './tax-authority/http-tax-authority.js';
import { TaxQueryRefusedError } from './tax-authority/port.js';
import { taxSandboxRoutes } from './tax-sandbox/sandbox-routes.js';
import { TaxSandbox } from './tax-sandbox/sandbox-service.js';
import { UploadQuota } from './upload-quota.js';
import type { Platform } from '../../platform/module/platform.js';
import { parseSandboxImport, type ImportRowInput } from './tax-sandbox/import-file.js';
import { parseSm2Certificate } from './xml/sm2-certificate.js';

export { parseSandboxImport, readImportRows, SandboxImportError, type ImportRowInput } from './tax-sandbox/import-file.js';

export interface Invoices {
  readonly service: InvoiceService;
  readonly authority: HttpTaxAuthority;
  readonly sandbox: TaxSandbox;
  readonly clock: Clock;
  readonly files: FileStore;
  /** Reads uploaded files in the bounded worker pool. */
  readonly reader: InvoiceFileReader;
  readonly quota: UploadQuota;
}

export const invoicesOf = perPlatform((platform): Invoices => {
  const { database, config, cache, clock } = platform;
  // Without TAX_AUTHORITY_URL (never in production) the platform asks the sandbox it mounts itself, over HTTP.
  const baseUrl = config.taxAuthorityUrl ?? (() => {
    if (!platform.self.url) throw new Error('the in-process tax sandbox is reachable only once the server listens');
    return `${platform.self.url}/sandbox/tax`;
  });
  const authority = new HttpTaxAuthority({ baseUrl, cache });
  platform.metrics.watchBreaker('tax_authority', () => authority.stats().breaker.state);
  const identity = identityOf(platform);
  const buyers = {
    isRealNameVerified: (userId: string) => identity.service.isRealNameVerified(userId),
    verifiedNameOf: (userId: string) => identity.privacy.verifiedNameOf(userId),
  };
  // The floor and age limit are the lottery campaigns' terms (the loosest of those running).
  const policies = { current: (now: Date) => lotteryOf(platform).service.intakePolicy(now) };
  const uploads = config.invoiceUploads;
  const reader = new InvoiceFileReader(
    { threads: uploads.workers, queue: uploads.queue, deadlineMs: uploads.jobTimeoutMs, memoryMb: uploads.jobMemoryMb },
    { maxPixels: uploads.maxPixels, maxXmlElements: uploads.maxXmlElements, maxXmlDepth: uploads.maxXmlDepth, maxPdfPages: uploads.maxPdfPages },
    uploads.ocrWorkers === 0
      ? null
      : { processes: uploads.ocrWorkers, queue: uploads.ocrQueue, deadlineMs: uploads.ocrTimeoutMs, memoryMb: uploads.ocrMemoryMb, maxPixels: uploads.maxPixels },
  );
  const quota = new UploadQuota(cache, uploads, (error) => platform.logger.warn({ err: error }, 'upload quota counter unavailable; letting the upload through'));
  const files = new LocalFileStore(path.join(config.dataDir, 'files'));
  // Bureau-layout XML must be signed by a certificate these CAs issued: TAX_BUREAU_CA_CERTS, else (never in
  // production) the sandbox's own CA, asked of the sandbox.
  const configuredAnchors = config.taxBureauCaCertificates;
  configuredAnchors?.forEach((der, i) => {
    try {
      parseSm2Certificate(Buffer.from(der));
    } catch (error) {
      throw new Error(`TAX_BUREAU_CA_CERTS: certificate ${i + 1} is not an SM2 certificate: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const trustAnchors = async (): Promise<readonly Uint8Array[]> => {
    if (configuredAnchors) return configuredAnchors;
    if (config.nodeEnv === 'production') return [];
    // An authority that publishes no CA (a 4xx: not the sandbox) vouches for no bureau-layout file; an outage is a 503.
    return authority.caCertificates().catch((error: unknown) => {
      if (error instanceof TaxQueryRefusedError) return [];
      throw error;
    });
  };
  const service = new InvoiceService(
    database.db,
    new InvoiceRepo(),
    authority,
    buyers,
    platform.outbox,
    platform.ids,
    clock,
    policies,
    () => platform.hooks.riskGate,
    files,
    (xml, trust) => reader.verifySignature(xml, trust),
    trustAnchors,
    platform.metrics.business,
  );
  return { service, authority, sandbox: new TaxSandbox(database.db, clock), clock, files, reader, quota };
});

export const invoicesModule: QuanyiModule = {
  name: 'invoices',
  migrations: invoicesMigrations,
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

/**
 * Adds known invoices to the platform's tax sandbox register (`quanyi tax-sandbox import FILE`, and tests with a
 * running server): the file's text (JSON array or CSV, see tax-sandbox/import-file.ts) or rows already as objects.
 * Every row is checked first (SandboxImportError names the row and the field); then all are added, or none.
 */
export async function importSandboxInvoices(platform: Platform, input: string | readonly ImportRowInput[], fileName?: string): Promise<{ imported: number }> {
  const rows = typeof input === 'string' ? parseSandboxImport(input, fileName) : parseSandboxImport(JSON.stringify(input), 'rows.json');
  return invoicesOf(platform).sandbox.importInvoices(rows);
}
