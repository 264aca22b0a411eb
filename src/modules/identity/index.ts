import { createHmac } from 'node:crypto';
import type { QuanyiModule } from '../../platform/module/module.js';
import { perPlatform } from '../../platform/module/per-platform.js';
import { identityMigrations } from './migrations/index.js';
import { identityAdminRoutes } from './admin-routes.js';
import { BrowserBinding } from './oidc/browser-binding.js';
import { OIDC_FLOW_TTL_SECONDS, OidcLogin } from './oidc/oidc-login.js';
import { oidcRoutes } from './oidc/oidc-routes.js';
import { reencryptBatch } from './pii-rotation.js';
import { PrivacyService } from './privacy-service.js';
import { privacyRoutes } from './privacy-routes.js';
import { auditOf } from '../audit/index.js';
import { RealNameAttempts } from './real-name/attempt-limits.js';
import { HttpRealNameVerifier } from './real-name/http-verifier.js';
import { SandboxRealNameVerifier } from './real-name/sandbox-verifier.js';
import { sandboxRealNameRoutes } from './real-name/sandbox-routes.js';
import { IdentityRepo } from './repo.js';
import { identityRoutes } from './routes.js';
import { IdentityService } from './service.js';
import { SignupFingerprints } from './signup-fingerprints.js';
import { DevSmsProvider } from './sms/dev-sms-provider.js';
import { HttpSmsProvider } from './sms/http-sms-provider.js';
import { OneTimeCodes } from './sms/one-time-codes.js';
import type { SmsProvider } from './sms/sms-provider.js';
import { Sessions } from './tokens/sessions.js';
import { TokenSigner } from './tokens/token-signer.js';

export interface Identity {
  readonly service: IdentityService;
  readonly oidc: OidcLogin;
  readonly oidcBinding: BrowserBinding;
  readonly privacy: PrivacyService;
  readonly signer: TokenSigner;
  readonly sms: SmsProvider;
}

/** Builds the identity services once per platform (routes, authenticators and the CLI share them). */
export const identityOf = perPlatform((platform): Identity => {
  const { database, cache, ids, vault, secrets, config } = platform;
  const repo = new IdentityRepo();
  const signer = secrets.hsm ? TokenSigner.fromHsm(secrets.hsm.tokenSigningKeys) : TokenSigner.create(secrets.tokenSigningKeys);
  const sms: SmsProvider = config.sms.provider === 'dev' ? new DevSmsProvider(vault, ids) : new HttpSmsProvider(config.sms);
  // One-time codes get their own key, derived from the blind-index key, so the two uses never share a MAC key.
  const otpKey = createHmac('sha256', secrets.blindIndexKey).update('quanyi/sms-code-key').digest();
  const codes = new OneTimeCodes(database.db, repo, vault, cache, sms, ids, otpKey);
  const sessions = new Sessions(database.db, repo, signer, cache, ids);
  const verifier = config.realNameUrl ? new HttpRealNameVerifier(config.realNameUrl) : new SandboxRealNameVerifier();
  const fingerprints = new SignupFingerprints(secrets.blindIndexKey);
  const attempts = new RealNameAttempts(database.db, config.realNameAttempts, platform.clock);
  const privacy = new PrivacyService(database.db, vault, verifier, sessions, platform.outbox, ids, platform.clock, attempts, auditOf(platform).trail, fingerprints);
  const oidcBinding = new BrowserBinding(secrets.blindIndexKey, OIDC_FLOW_TTL_SECONDS, config.nodeEnv === 'production');
  const oidc = new OidcLogin(config.oidcProviders, database.db, sessions, ids, config.nodeEnv !== 'production', oidcBinding);
  const service = new IdentityService(database.db, repo, vault, codes, sessions, ids, platform.outbox, fingerprints);
  return { service, oidc, oidcBinding, privacy, signer, sms };
});

export const identityModule: QuanyiModule = {
  name: 'identity',
  migrations: identityMigrations,
  authenticators: (platform) => [identityOf(platform).service.sessions.authenticate],
  routes: async (app, platform) => {
    const { service, privacy, signer, sms, oidc, oidcBinding } = identityOf(platform);
    await identityRoutes(app, { service, signer, devSms: sms.kind === 'dev', riskGate: () => platform.hooks.riskGate });
    await privacyRoutes(app, privacy);
    await identityAdminRoutes(app, service);
    if (oidc.providerNames.length > 0) await oidcRoutes(app, oidc, oidcBinding);
    if (platform.config.nodeEnv !== 'production') await sandboxRealNameRoutes(app);
  },
  jobs: ({ database, vault, logger, config, clock }) => [
    {
      name: 'identity.purge-real-name-attempts',
      schedule: { everyMs: 3_600_000 },
      run: async () => {
        await new RealNameAttempts(database.db, config.realNameAttempts, clock).purgeOld();
      },
    },
    {
      name: 'identity.reencrypt-pii',
      schedule: { everyMs: 60_000 },
      run: async ({ signal }) => {
        let total = 0;
        for (let batch = await reencryptBatch(database.db, vault); batch > 0 && !signal.aborted; batch = await reencryptBatch(database.db, vault)) {
          total += batch;
        }
        if (total) logger.info({ rows: total, key_id: vault.activeKeyId }, 'personal data re-encrypted under the active key');
      },
    },
  ],
};
