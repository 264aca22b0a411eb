import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import * as oidc from 'openid-client';
import type { OidcProviderConfig } from '../../../platform/config/config.js';
import type { Database } from '../../../platform/db/schema.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { IdGenerator } from '../../../platform/ids/snowflake.js';
import type { Sessions, TokenResponse } from '../tokens/sessions.js';
import type { BoundFlow, BrowserBinding } from './browser-binding.js';

/** How long a started flow may take (its state row and its browser cookie). */
export const OIDC_FLOW_TTL_SECONDS = 600;

export type OidcCallbackResult = ({ readonly kind: 'login'; readonly user_id: string } & TokenResponse) | { readonly kind: 'linked'; readonly user_id: string; readonly provider: string };

/**
 * Third-party login with any OpenID Connect provider: authorization code flow with PKCE (S256), state and
 * nonce kept server-side for ten minutes and usable once, and bound to the starting browser by a signed cookie. The provider's `sub` is linked to one of our users:
 * the signed-in user when the flow was started with a bearer token, otherwise the user already linked, or a new
 * user (who can add a phone later).
 */
export class OidcLogin {
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly providers: readonly OidcProviderConfig[],
    private readonly db: Kysely<Database>,
    private readonly sessions: Sessions,
    private readonly ids: IdGenerator,
    private readonly allowInsecureLocalIssuers: boolean,
    private readonly binding: BrowserBinding,
  ) {}

  get providerNames(): string[] {
    return this.providers.map((p) => p.name);
  }

  /** Starts a flow; `cookie` is the Set-Cookie header that binds it to this browser (browser-binding.ts). */
  async start(providerName: string, linkUserId: string | null): Promise<{ authorization_url: string; state: string; cookie: string }> {
    const provider = this.provider(providerName);
    const config = await this.configuration(provider);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    await this.db
      .insertInto('oidc_states')
      .values({
        state,
        provider: provider.name,
        code_verifier: codeVerifier,
        nonce,
        link_user_id: linkUserId,
        expires_at: sql<Date>`now() + make_interval(secs => ${OIDC_FLOW_TTL_SECONDS})`,
      })
      .execute();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: provider.redirectUri,
      scope: 'openid',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { authorization_url: url.href, state, cookie: this.binding.cookieFor({ provider: provider.name, state, linkUserId }) };
  }

  /**
   * Completes the flow with the parameters the provider put on the redirect URI, in the browser that started it
   * (`browser`: the flow its cookie vouches for) and, for a link, signed in as the user who started it (`signedInUserId`).
   */
  async callback(
    providerName: string,
    params: { code: string; state: string; iss?: string },
    browser: BoundFlow | undefined,
    signedInUserId: string | null,
  ): Promise<OidcCallbackResult> {
    const provider = this.provider(providerName);
    // Another browser's state (an attacker's flow posted by a victim: login CSRF) goes no further.
    if (!browser || browser.state !== params.state || browser.provider !== provider.name) throw new AppError('OIDC_BROWSER_MISMATCH');
    const pending = await this.db
      .updateTable('oidc_states')
      .set({ used_at: sql<Date>`now()` })
      .where('state', '=', params.state)
      .where('provider', '=', provider.name)
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning(['code_verifier', 'nonce', 'link_user_id'])
      .executeTakeFirst();
    if (!pending) throw new AppError('OIDC_STATE_INVALID');
    const linkUserId = pending.link_user_id === null ? null : String(pending.link_user_id);
    // A link is made only for the user who started it, still signed in: never for whoever finishes the flow.
    if (linkUserId !== browser.linkUserId || (linkUserId !== null && signedInUserId !== linkUserId)) throw new AppError('OIDC_LINK_SESSION_REQUIRED');

    const config = await this.configuration(provider);
    const redirect = new URL(provider.redirectUri);
    redirect.searchParams.set('code', params.code);
    redirect.searchParams.set('state', params.state);
    if (params.iss) redirect.searchParams.set('iss', params.iss);
    let subject: string;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, redirect, {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: params.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub) throw new Error('no subject in the ID token');
      subject = claims.sub;
    } catch {
      throw new AppError('OIDC_LOGIN_FAILED');
    }

    return this.db.transaction().execute(async (trx) => {
      const linked = await trx
        .selectFrom('external_accounts')
        .select('user_id')
        .where('provider', '=', provider.name)
        .where('subject', '=', subject)
        .executeTakeFirst();
      if (linkUserId !== null) {
        const userId = linkUserId;
        if (linked && String(linked.user_id) !== userId) throw new AppError('EXTERNAL_ACCOUNT_LINKED');
        if (!linked) await trx.insertInto('external_accounts').values({ provider: provider.name, subject, user_id: userId }).execute();
        return { kind: 'linked' as const, user_id: userId, provider: provider.name };
      }
      let userId = linked ? String(linked.user_id) : null;
      if (!userId) {
        userId = this.ids.next();
        await trx.insertInto('user_auth').values({ user_id: userId, updated_at: sql<Date>`now()` }).execute();
        await trx.insertInto('external_accounts').values({ provider: provider.name, subject, user_id: userId }).execute();
      }
      const tokens = await this.sessions.open(trx, userId);
      return { kind: 'login' as const, user_id: userId, ...tokens };
    });
  }

  private provider(name: string): OidcProviderConfig {
    const provider = this.providers.find((p) => p.name === name);
    if (!provider) throw new AppError('NOT_FOUND');
    return provider;
  }

  private configuration(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    let config = this.discovered.get(provider.name);
    if (!config) {
      const issuer = new URL(provider.issuer);
      const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      config = oidc
        .discovery(issuer, provider.clientId, provider.clientSecret, undefined, {
          // Plain http only for a provider on this machine outside production (tests, local development).
          ...(local && this.allowInsecureLocalIssuers ? { execute: [oidc.allowInsecureRequests] } : {}),
        })
        .catch(() => {
          this.discovered.delete(provider.name); // retry discovery next time
          throw new AppError('OIDC_PROVIDER_UNAVAILABLE');
        });
      this.discovered.set(provider.name, config);
    }
    return config;
  }
}
