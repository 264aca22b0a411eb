import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { QuanyiModule } from '../src/platform/module/module.js';
import { identityModule } from '../src/modules/identity/index.js';
import { merchantsModule } from '../src/modules/merchants/index.js';
import * as cleanup0054 from '../src/platform/db/migrations/2026_12_03_0054_idempotency_credentials.js';
import { ok } from '../src/platform/http/envelope.js';
import { carriesCredential } from '../src/platform/http/idempotency.js';
import { backendPairs } from './support/backends.js';
import { http, type HttpResult } from './support/http.js';
import { bearer, newPhone, sendAndReadCode, sessionFor, type Tokens } from './support/identity.js';
import { probeModule } from './support/probe-module.js';
import { useTestServer } from './support/test-platform.js';

/** A route that answers a credential and forgets to declare `idempotency: 'no-store'`: the backstop's case. */
const forgetfulModule: QuanyiModule = {
  name: 'forgetful',
  async routes(app) {
    app.post('/test/forgetful/session', async (_request, reply) =>
      reply.transact(async () => ok({ session: { id: randomUUID(), session_token: randomBytes(24).toString('base64url') } })),
    );
  },
};

describe('the backstop: carriesCredential', () => {
  it.each([
    ['{"data":{"access_token":"a.b.c"}}'],
    ['{"data":{"refresh_token":"xyz"}}'],
    ['{"data":{"id_token":"xyz"}}'],
    ['{"data":{"merchant":{"api_secret":"s3cr3t"}}}'],
    ['{"data":[{"items":[{"clientSecret":"s"}]}]}'],
    ['{"secret":"s"}'],
    ['{"data":{"password":"hunter2"}}'],
    ['{"data":{"otp":"123456"}}'],
    ['{"data":{"private_key":"-----BEGIN"}}'],
    ['access_token=abc&x=1'],
  ])('finds a credential in %s', (body) => {
    expect(carriesCredential(body)).toBe(true);
  });

  it.each([
    ['{"code":200,"message":"OK","data":{"coupon_code":"ABCD","effect_id":"1"}}'],
    ['{"data":{"token_type":"Bearer","expires_in":900,"api_key":"mk_1"}}'],
    ['{"data":{"refresh_token":null,"secret":""}}'],
    ['{"code":403,"error":"FORBIDDEN","message":"no","request_id":"r"}'],
    [''],
    ['not json at all'],
  ])('finds none in %s', (body) => {
    expect(carriesCredential(body)).toBe(false);
  });
});

describe.each(backendPairs())('idempotency keys and credentials on $label', ({ db, cache }) => {
  const pgliteDir = db === 'pglite' ? path.join(os.tmpdir(), `quanyi-idem-${randomUUID()}`, 'pgdata') : undefined;
  const server = useTestServer({ db, cache, modules: [identityModule, merchantsModule, forgetfulModule, probeModule()], probeTable: true, pgliteDir });
  afterAll(() => {
    if (pgliteDir) fs.rmSync(path.dirname(pgliteDir), { recursive: true, force: true });
  });

  /** Every token and secret the server answered during this run. */
  const issued = new Set<string>();
  /** Every Idempotency-Key sent: stored in clear, so the file scan must find them (it sees the table). */
  const keys: string[] = [];
  const collect = (res: HttpResult) => {
    const data = res.json.data ?? {};
    for (const field of ['access_token', 'refresh_token', 'api_secret']) {
      const value = data[field];
      if (typeof value === 'string') issued.add(value);
    }
  };
  const post = (pathName: string, body: unknown, key: string, headers: Record<string, string> = {}) =>
    http(`${server.base}${pathName}`, { body, headers: { 'idempotency-key': key, ...headers } });
  const newKey = () => {
    const key = `k-${randomUUID()}`;
    keys.push(key);
    return key;
  };

  it('answers a login with a key once; a repeat of the key is refused with 409 IDEMPOTENCY_KEY_NOT_REPLAYABLE, no tokens', async () => {
    const phone = newPhone();
    const code = await sendAndReadCode(server.base, phone);
    const key = newKey();
    const first = await post('/api/v1/auth/sms/login', { phone, code }, key);
    expect(first.status, first.text).toBe(200);
    collect(first);
    const tokens = first.json.data as unknown as Tokens;
    expect((await http(`${server.base}/api/v1/users/me`, { headers: bearer(tokens.access_token) })).status).toBe(200);

    const again = await post('/api/v1/auth/sms/login', { phone, code }, key);
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('IDEMPOTENCY_KEY_NOT_REPLAYABLE');
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.text).not.toContain(tokens.access_token);
    expect(again.text).not.toContain(tokens.refresh_token);
    expect(again.text).not.toMatch(/access_token|refresh_token/);
  });

  it('a login without a key still works (the web client sends none)', async () => {
    const phone = newPhone();
    const code = await sendAndReadCode(server.base, phone);
    const res = await http(`${server.base}/api/v1/auth/sms/login`, { body: { phone, code } });
    expect(res.status).toBe(200);
    collect(res);
  });

  it('a rotated-out refresh token presented again with the same key trips reuse detection and revokes the session', async () => {
    const phone = newPhone();
    const code = await sendAndReadCode(server.base, phone);
    const login = await post('/api/v1/auth/sms/login', { phone, code }, newKey());
    expect(login.status).toBe(200);
    collect(login);
    const first = login.json.data as unknown as Tokens;

    const key = newKey();
    const refreshed = await post('/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, key);
    expect(refreshed.status).toBe(200);
    collect(refreshed);
    const second = refreshed.json.data as unknown as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const replayed = await post('/api/v1/auth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, key);
    expect(replayed.status).toBe(401);
    expect(replayed.json.error).toBe('REFRESH_TOKEN_REUSED');
    expect(replayed.text).not.toContain(second.refresh_token);
    expect(replayed.text).not.toContain(second.access_token);

    // The whole family is revoked, as on any reuse.
    const afterTheft = await http(`${server.base}/api/v1/auth/token`, { body: { grant_type: 'refresh_token', refresh_token: second.refresh_token } });
    expect(afterTheft.status).toBe(401);
    expect(afterTheft.json.error).toBe('SESSION_REVOKED');
    expect((await http(`${server.base}/api/v1/users/me`, { headers: bearer(second.access_token) })).status).toBe(401);
  });

  it("an operator's merchant creation with a key: the secret is answered once, a repeat is refused, one merchant", async () => {
    const operator = await sessionFor(server.platform, 'operator');
    issued.add(operator.access_token);
    issued.add(operator.refresh_token);
    const name = `Idem ${randomUUID()}`;
    const key = newKey();
    const created = await post('/api/v1/merchants', { name }, key, bearer(operator.access_token));
    expect(created.status, created.text).toBe(200);
    collect(created);
    const secret = (created.json.data as { api_secret: string }).api_secret;
    expect(secret).toEqual(expect.any(String));

    const again = await post('/api/v1/merchants', { name }, key, bearer(operator.access_token));
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('IDEMPOTENCY_KEY_NOT_REPLAYABLE');
    expect(again.text).not.toContain(secret);
    const merchants = await server.platform.database.db.selectFrom('merchants').select('merchant_id').where('name', '=', name).execute();
    expect(merchants).toHaveLength(1);
  });

  it('a route that answers a credential without declaring no-store is caught by the backstop: stored without its body', async () => {
    const key = newKey();
    const first = await post('/test/forgetful/session', {}, key);
    expect(first.status).toBe(200);
    const token = (first.json.data as { session: { session_token: string } }).session.session_token;
    issued.add(token);
    const again = await post('/test/forgetful/session', {}, key);
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('IDEMPOTENCY_KEY_NOT_REPLAYABLE');
    expect(again.text).not.toContain(token);
  });

  it("scopes anonymous keys per caller: caller B sending caller A's key gets its own answer, not A's", async () => {
    const key = newKey();
    const add = (remoteAddress: string) =>
      server.app.inject({ method: 'POST', url: '/test/probe/anon-scope/add', payload: { amount: 1 }, headers: { 'idempotency-key': key }, remoteAddress });
    const a = await add('198.51.100.7');
    expect(a.statusCode).toBe(200);
    const b = await add('203.0.113.9');
    expect(b.statusCode).toBe(200);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    const effectOf = (body: string) => (JSON.parse(body) as { data: { effect_id: string } }).data.effect_id;
    expect(effectOf(b.body)).not.toBe(effectOf(a.body));

    // Each caller's own repeat is still a replay.
    const aAgain = await add('198.51.100.7');
    expect(aAgain.headers['idempotent-replayed']).toBe('true');
    expect(aAgain.body).toBe(a.body);
    const rows = await server.platform.database.db.selectFrom('idempotency_keys').select('scope').where('key', '=', key).execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.scope).toMatch(/^anonymous:[0-9a-f]{40}$/);
  });

  it('migration 0054 drops the bodies stored with a credential before this change, and keeps the others', async () => {
    const database = server.platform.database.db;
    const leaked = `leaked-${randomBytes(16).toString('hex')}`;
    const rows = [
      { key: newKey(), body: JSON.stringify({ code: 200, data: { access_token: leaked, token_type: 'Bearer', refresh_token: leaked } }) },
      { key: newKey(), body: JSON.stringify({ code: 200, data: { merchant_id: '1', api_secret: leaked } }) },
      { key: newKey(), body: JSON.stringify({ code: 200, data: { effect_id: '7', refresh_token: null } }) },
    ];
    for (const row of rows) {
      await sql`
        INSERT INTO idempotency_keys (scope, key, fingerprint, status, locked_until, response_status, response_body, completed_at, expires_at)
        VALUES ('user:1', ${row.key}, 'f', 'completed', now(), 200, ${row.body}, now(), now() + interval '1 day')
      `.execute(database);
    }
    await cleanup0054.up(database as unknown as Kysely<unknown>);
    const after = await database.selectFrom('idempotency_keys').select(['key', 'response_body', 'status']).where('key', 'in', rows.map((r) => r.key)).execute();
    const bodyOf = (key: string) => after.find((r) => r.key === key)?.response_body;
    expect(after).toHaveLength(3);
    expect(bodyOf(rows[0]!.key)).toBeNull();
    expect(bodyOf(rows[1]!.key)).toBeNull();
    expect(bodyOf(rows[2]!.key)).toBe(rows[2]!.body);
  });

  it('keeps no token or secret at rest in the idempotency table, whatever the column', async () => {
    expect(issued.size).toBeGreaterThanOrEqual(9);
    const rows = await sql<{ row: string }>`SELECT row_to_json(k)::text AS row FROM idempotency_keys k`.execute(server.platform.database.db);
    const table = rows.rows.map((r) => r.row).join('\n');
    expect(table).toContain(keys[0]); // the keys themselves are recorded: the table was read
    for (const value of issued) expect(table, 'a token or secret in idempotency_keys').not.toContain(value);
  });

  it.runIf(db === 'pglite')("keeps none of them in any of PGlite's files", async () => {
    const database = server.platform.database.db;
    await sql`CHECKPOINT`.execute(database);
    const files = listFiles(pgliteDir!);
    expect(files.length).toBeGreaterThan(10);
    const contents = files.map((file) => fs.readFileSync(file));
    const found = (value: string) => contents.some((bytes) => bytes.includes(Buffer.from(value)));
    expect(found(keys[0]!), 'the scan sees what the table holds').toBe(true);
    for (const value of issued) expect(found(value), 'a token or secret in the database files').toBe(false);
  });
});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : entry.isFile() ? [full] : [];
  });
}
