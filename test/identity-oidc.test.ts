import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, smsLogin } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

// A real OpenID Connect provider (oidc-provider, with its development login and consent pages) on 127.0.0.1.
const REDIRECT_URI = 'http://localhost/oidc/callback';
const idpServer = createServer();
await new Promise<void>((resolve) => idpServer.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(idpServer.address() as AddressInfo).port}`;
const idp = new Provider(issuer, {
  clients: [{ client_id: 'quanyi', client_secret: 'quanyi-secret', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'] }],
  pkce: { required: () => true },
  cookies: { keys: ['oidc-test-cookie-key'] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
});
idpServer.on('request', idp.callback());
afterAll(() => new Promise<void>((resolve) => idpServer.close(() => resolve())));

/** Plays the browser: follows the provider's redirects, signs in as `login` and consents, keeping cookies. */
async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  let next = new URL(authorizationUrl);
  let signedIn = false;
  for (let hop = 0; hop < 12; hop++) {
    if (next.href.startsWith(REDIRECT_URI)) return next;
    let res: Response;
    if (next.pathname.startsWith('/interaction/')) {
      const form = signedIn ? 'prompt=consent' : `prompt=login&login=${login}&password=any`;
      signedIn = true;
      res = await fetch(next, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    } else {
      res = await fetch(next, { redirect: 'manual', headers: { cookie: cookie() } });
    }
    keep(res);
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider answered ${res.status} at ${next.pathname} without a redirect`);
    next = new URL(location, next);
  }
  throw new Error('too many redirects');
}

/** A browser's cookie for our API: what the flow's start set (name=value only, as a browser would send it). */
function flowCookieOf(res: { headers: Headers }): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('quanyi_oidc='));
  if (!set) throw new Error('start set no flow cookie');
  return set.split(';')[0]!;
}

describe.each(backendPairs())('third-party login with OpenID Connect (authorization code + PKCE) on $label', ({ db, cache }) => {
  const server = useTestServer({
    db,
    cache,
    modules: [identityModule],
    env: {
      OIDC_PROVIDERS: JSON.stringify([{ name: 'testidp', issuer, client_id: 'quanyi', client_secret: 'quanyi-secret', redirect_uri: REDIRECT_URI }]),
    },
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const callback = (body: object, headers: Record<string, string> = {}) => api('/api/v1/auth/oidc/testidp/callback', { body, headers });

  /** Starts a flow in one browser (its cookie, and `token` when signed in) and signs in at the provider as `login`. */
  async function runFlow(login: string, token?: string) {
    const started = await api('/api/v1/auth/oidc/testidp/start', { method: 'POST', headers: token ? bearer(token) : {} });
    expect(started.status).toBe(200);
    const { authorization_url, state } = started.json.data as { authorization_url: string; state: string };
    const cookie = flowCookieOf(started);
    const setCookie = started.headers.getSetCookie().find((c) => c.startsWith('quanyi_oidc='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\/api\/v1\/auth\/oidc/);
    expect(setCookie).toMatch(/Max-Age=600/);
    const authorization = new URL(authorization_url);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toBeTruthy();
    const back = await signInAtProvider(authorization_url, login);
    expect(back.searchParams.get('state')).toBe(state);
    const body = { code: back.searchParams.get('code')!, state, ...(back.searchParams.get('iss') ? { iss: back.searchParams.get('iss')! } : {}) };
    const sameBrowser = { cookie, ...(token ? bearer(token) : {}) };
    return { body, cookie, finish: (headers: Record<string, string> = sameBrowser) => callback(body, headers) };
  }

  it('logs a new external account in as a new user, and the same account in as that user again', async () => {
    const first = await (await runFlow('alice')).finish();
    expect(first.status).toBe(200);
    const tokens = first.json.data as { kind: string; user_id: string; access_token: string };
    expect(tokens.kind).toBe('login');
    const me = await api('/api/v1/users/me', { headers: bearer(tokens.access_token) });
    expect(me.json.data).toMatchObject({ user_id: tokens.user_id, phone: null });

    const second = await (await runFlow('alice')).finish();
    expect((second.json.data as { user_id: string }).user_id).toBe(tokens.user_id);
  });

  it('links an external account to the signed-in user; it cannot then be linked to someone else', async () => {
    const owner = await smsLogin(server.base);
    const linked = await (await runFlow('bob', owner.access_token)).finish();
    expect(linked.json.data).toEqual({ kind: 'linked', user_id: owner.user_id, provider: 'testidp' });
    const login = await (await runFlow('bob')).finish();
    expect((login.json.data as { user_id: string }).user_id).toBe(owner.user_id);

    const other = await smsLogin(server.base);
    const refused = await (await runFlow('bob', other.access_token)).finish();
    expect(refused.status).toBe(409);
    expect(refused.json.error).toBe('EXTERNAL_ACCOUNT_LINKED');
  });

  it('login CSRF: a callback without the flow cookie, or with another browser\'s, is refused and logs no one in', async () => {
    const attackers = await runFlow('mallory');
    const bare = await attackers.finish({});
    expect({ status: bare.status, error: bare.json.error }).toEqual({ status: 400, error: 'OIDC_BROWSER_MISMATCH' });
    const victimsBrowser = flowCookieOf(await api('/api/v1/auth/oidc/testidp/start', { method: 'POST' }));
    const crossed = await attackers.finish({ cookie: victimsBrowser });
    expect({ status: crossed.status, error: crossed.json.error }).toEqual({ status: 400, error: 'OIDC_BROWSER_MISMATCH' });
    const forged = await attackers.finish({ cookie: `${attackers.cookie.slice(0, -3)}abc` });
    expect(forged.json.error).toBe('OIDC_BROWSER_MISMATCH');
    // The refusals did not use the state up: the browser that started the flow can still finish it.
    expect((await attackers.finish()).status).toBe(200);
  });

  it("account linking: an attacker's link flow completed by a victim links nothing", async () => {
    const attacker = await smsLogin(server.base);
    const victim = await smsLogin(server.base);
    // The attacker starts a link and has the victim sign in at the provider with the victim's account.
    const flow = await runFlow('victim-account', attacker.access_token);
    const inVictimsBrowser = await flow.finish(bearer(victim.access_token));
    expect(inVictimsBrowser.json.error).toBe('OIDC_BROWSER_MISMATCH');
    // Even with the attacker's cookie, the signed-in user is not the one who started the link.
    const withStolenCookie = await flow.finish({ cookie: flow.cookie, ...bearer(victim.access_token) });
    expect({ status: withStolenCookie.status, error: withStolenCookie.json.error }).toEqual({ status: 403, error: 'OIDC_LINK_SESSION_REQUIRED' });
    // The victim's external account stays unlinked: logging in with it makes a new user, not the attacker.
    const victimLogin = await (await runFlow('victim-account')).finish();
    expect(victimLogin.status).toBe(200);
    expect((victimLogin.json.data as { user_id: string }).user_id).not.toBe(attacker.user_id);
  });

  it('a link needs its starter still signed in at the callback', async () => {
    const owner = await smsLogin(server.base);
    const flow = await runFlow('dave', owner.access_token);
    const signedOut = await flow.finish({ cookie: flow.cookie });
    expect({ status: signedOut.status, error: signedOut.json.error }).toEqual({ status: 403, error: 'OIDC_LINK_SESSION_REQUIRED' });
  });

  it('a state works once; a forged code fails without a 500', async () => {
    const flow = await runFlow('carol');
    expect((await flow.finish()).status).toBe(200);
    const replay = await flow.finish();
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('OIDC_STATE_INVALID');

    const started = await api('/api/v1/auth/oidc/testidp/start', { method: 'POST' });
    const { state } = started.json.data as { state: string };
    const forged = await callback({ code: 'forged-code', state }, { cookie: flowCookieOf(started) });
    expect(forged.status).toBe(401);
    expect(forged.json.error).toBe('OIDC_LOGIN_FAILED');
  });

  it('an unknown provider is a validation error', async () => {
    const res = await api('/api/v1/auth/oidc/nope/start', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('VALIDATION_FAILED');
  });
});
