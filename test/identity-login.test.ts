import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone, sendAndReadCode as sendAndReadCodeAt, smsLogin } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

describe.each(backendPairs())('SMS login and tokens on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule] });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const sendAndReadCode = (phone: string) => sendAndReadCodeAt(server.base, phone);
  const login = (phone: string) => smsLogin(server.base, phone);

  it('logs in end to end: code by SMS, OAuth token response, masked profile; the same phone is the same user', async () => {
    const phone = newPhone();
    const tokens = await login(phone);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const me = await api('/api/v1/users/me', { headers: bearer(tokens.access_token) });
    expect(me.status).toBe(200);
    expect(me.json.data).toMatchObject({ user_id: tokens.user_id, phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, roles: ['consumer'] });
    expect(me.text).not.toContain(phone);
    const outbox = await api(`/api/v1/dev/sms?phone=${phone}`);
    expect(outbox.text).not.toContain(phone);
    const message = (outbox.json.data as { messages: { otp: string; text: string }[] }).messages[0]!;
    expect(message.text).toContain(message.otp);

    // One user per phone, found through the phone's blind index.
    const again = await server.platform.database.db.selectFrom('user_auth').select('user_id').where('phone_hash', '=', server.platform.vault.blindIndex('phone', phone)).execute();
    expect(again.map((r) => String(r.user_id))).toEqual([tokens.user_id]);
  });

  it('refuses a second send within a minute with 429 SMS_RATE_LIMITED', async () => {
    const phone = newPhone();
    expect((await api('/api/v1/auth/sms/send', { body: { phone } })).status).toBe(200);
    const second = await api('/api/v1/auth/sms/send', { body: { phone } });
    expect(second.status).toBe(429);
    expect(second.json).toMatchObject({ error: 'SMS_RATE_LIMITED' });
    expect(second.json.retry_after).toBeGreaterThan(0);
  });

  it('answers the same for a phone with and without an account', async () => {
    const known = newPhone();
    await login(known);
    const unknown = newPhone();
    const a = await api('/api/v1/auth/sms/send', { body: { phone: unknown } });
    const b = await api('/api/v1/auth/sms/send', { body: { phone: newPhone() } });
    expect(a.json.data).toEqual(b.json.data);
  });

  it('after 5 wrong codes the right code fails too (6th attempt)', async () => {
    const phone = newPhone();
    const code = await sendAndReadCode(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await api('/api/v1/auth/sms/login', { body: { phone, code: wrong } })).json.error);
    expect(answers).toEqual(['SMS_CODE_INVALID', 'SMS_CODE_INVALID', 'SMS_CODE_INVALID', 'SMS_CODE_INVALID', 'SMS_CODE_EXHAUSTED']);
    const sixth = await api('/api/v1/auth/sms/login', { body: { phone, code } });
    expect(sixth.status).toBe(401);
    expect(sixth.json.error).toBe('SMS_CODE_EXHAUSTED');
  });

  it('a code works once', async () => {
    const phone = newPhone();
    const code = await sendAndReadCode(phone);
    expect((await api('/api/v1/auth/sms/login', { body: { phone, code } })).status).toBe(200);
    const replay = await api('/api/v1/auth/sms/login', { body: { phone, code } });
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe('SMS_CODE_INVALID');
  });

  it('refuses malformed phones with 400 PHONE_INVALID', async () => {
    const res = await api('/api/v1/auth/sms/send', { body: { phone: '12345678901' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('PHONE_INVALID');
  });

  it('rotates refresh tokens; a reused one gets 401 and kills the token it was rotated into', async () => {
    const first = await login(newPhone());
    const rotated = await api('/api/v1/auth/token', { body: { grant_type: 'refresh_token', refresh_token: first.refresh_token } });
    expect(rotated.status).toBe(200);
    const second = rotated.json.data as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await api('/api/v1/users/me', { headers: bearer(second.access_token) })).status).toBe(200);

    const reuse = await api('/api/v1/auth/token', { body: { grant_type: 'refresh_token', refresh_token: first.refresh_token } });
    expect(reuse.status).toBe(401);
    expect(reuse.json.error).toBe('REFRESH_TOKEN_REUSED');

    const afterTheft = await api('/api/v1/auth/token', { body: { grant_type: 'refresh_token', refresh_token: second.refresh_token } });
    expect(afterTheft.status).toBe(401);
    expect(afterTheft.json.error).toBe('SESSION_REVOKED');
    const me = await api('/api/v1/users/me', { headers: bearer(second.access_token) });
    expect(me.status).toBe(401);
    expect(me.json.error).toBe('SESSION_REVOKED');
  });

  it('logout ends the session: its access and refresh tokens stop working', async () => {
    const tokens = await login(newPhone());
    expect((await api('/api/v1/auth/logout', { method: 'POST', headers: bearer(tokens.access_token) })).status).toBe(200);
    expect((await api('/api/v1/users/me', { headers: bearer(tokens.access_token) })).status).toBe(401);
    const refresh = await api('/api/v1/auth/token', { body: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token } });
    expect(refresh.status).toBe(401);
  });

  it('rejects missing, malformed and forged tokens with 401', async () => {
    expect((await api('/api/v1/users/me')).json.error).toBe('UNAUTHORIZED');
    expect((await api('/api/v1/users/me', { headers: { authorization: 'Bearer nope' } })).json.error).toBe('TOKEN_INVALID');
    const tokens = await login(newPhone());
    const [h, p, s] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${s}`;
    expect((await api('/api/v1/users/me', { headers: bearer(forged) })).json.error).toBe('TOKEN_INVALID');
  });

  it('publishes the verification keys as a JWKS that verifies the access tokens', async () => {
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const jwks = await api('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    const tokens = await login(newPhone());
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks.json as never));
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload.sub).toBe(tokens.user_id);
  });
});
