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

const [embedded] = backendPairs();

describe('third-party login with OpenID Connect (authorization code + PKCE)', () => {
  const server = useTestServer({
    db: embedded!.db,
    cache: embedded!.cache,
    modules: [identityModule],
    env: {
      OIDC_PROVIDERS: JSON.stringify([{ name: 'testidp', issuer, client_id: 'quanyi', client_secret: 'quanyi-secret', redirect_uri: REDIRECT_URI }]),
    },
  });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);

  async function runFlow(login: string, token?: string) {
    const started = await api('/api/v1/auth/oidc/testidp/start', { method: 'POST', headers: token ? bearer(token) : {} });
    expect(started.status).toBe(200);
    const { authorization_url, state } = started.json.data as { authorization_url: string; state: string };
    const authorization = new URL(authorization_url);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toBeTruthy();
    const back = await signInAtProvider(authorization_url, login);
    expect(back.searchParams.get('state')).toBe(state);
    const body = { code: back.searchParams.get('code')!, state, ...(back.searchParams.get('iss') ? { iss: back.searchParams.get('iss')! } : {}) };
    return { body, finish: () => api('/api/v1/auth/oidc/testidp/callback', { body }) };
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

  it('a state works once; a forged code fails without a 500', async () => {
    const flow = await runFlow('carol');
    expect((await flow.finish()).status).toBe(200);
    const replay = await flow.finish();
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('OIDC_STATE_INVALID');

    const started = await api('/api/v1/auth/oidc/testidp/start', { method: 'POST' });
    const { state } = started.json.data as { state: string };
    const forged = await api('/api/v1/auth/oidc/testidp/callback', { body: { code: 'forged-code', state } });
    expect(forged.status).toBe(401);
    expect(forged.json.error).toBe('OIDC_LOGIN_FAILED');
  });

  it('an unknown provider is a validation error', async () => {
    const res = await api('/api/v1/auth/oidc/nope/start', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('VALIDATION_FAILED');
  });
});
