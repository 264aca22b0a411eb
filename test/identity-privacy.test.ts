import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, smsLogin } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

// Test identities from docs/sandbox-identities.md.
const ZHANG_SAN = { name: '张三', id_number: '11010519491231002X', bank_card: '6222600260001072444', bank_phone: '13800001234' };
const LI_SI = { name: '李四', id_number: '130503196704010016', bank_card: '6222600260001072444', bank_phone: '13912345678' };

describe.each(backendPairs())('real-name verification and personal data on $label', ({ db, cache }) => {
  let logs = '';
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const server = useTestServer({ db, cache, modules: [identityModule], logStream });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  const consent = (token: string) => api('/api/v1/users/me/consents', { body: { purpose: 'real_name_verification' }, headers: bearer(token) });
  const verify = (token: string, body: object) => api('/api/v1/users/me/real-name', { body, headers: bearer(token) });

  it('needs separate consent first, then verifies and answers masked', async () => {
    const { access_token } = await smsLogin(server.base);
    const refused = await verify(access_token, ZHANG_SAN);
    expect(refused.status).toBe(422);
    expect(refused.json.error).toBe('CONSENT_REQUIRED');

    expect((await consent(access_token)).status).toBe(200);
    const verified = await verify(access_token, ZHANG_SAN);
    expect(verified.status).toBe(200);
    expect(verified.json.data).toEqual({
      real_name_status: 'VERIFIED',
      name: '张*',
      id_number: '1****************X',
      bank_card: '622260*********2444',
      warnings: [],
    });
    expect((await api('/api/v1/users/me', { headers: bearer(access_token) })).json.data).toMatchObject({ real_name_status: 'VERIFIED' });
    const again = await verify(access_token, ZHANG_SAN);
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('REAL_NAME_ALREADY_VERIFIED');
  });

  it('refuses bad input locally and maps the provider outcomes to stable codes', async () => {
    const { access_token } = await smsLogin(server.base);
    await consent(access_token);
    const cases: [object, number, string][] = [
      [{ ...LI_SI, id_number: '130503196704010012' }, 422, 'ID_NUMBER_INVALID'],
      [{ ...LI_SI, name: '李4' }, 422, 'NAME_INVALID'],
      [{ ...LI_SI, bank_card: '1234' }, 422, 'BANK_CARD_INVALID'],
      [{ ...LI_SI, bank_card: '6222600260001060001' }, 422, 'REAL_NAME_MISMATCH'],
      [{ ...LI_SI, bank_card: '6222600260001050002' }, 422, 'REAL_NAME_CARD_PROBLEM'],
      [{ ...LI_SI, bank_card: '6222600260001040003' }, 503, 'REAL_NAME_UNAVAILABLE'],
      [{ ...LI_SI, bank_phone: '13800000000' }, 422, 'REAL_NAME_MISMATCH'],
    ];
    for (const [body, status, error] of cases) {
      const res = await verify(access_token, body);
      expect({ status: res.status, error: res.json.error }).toEqual({ status, error });
    }
    const bad = await verify(access_token, { ...LI_SI, id_number: '130503196704010012' });
    expect(bad.json.reason).toBe('ID_NUMBER_CHECKSUM');
  });

  it('an ID number verified by one account is refused for another', async () => {
    const first = await smsLogin(server.base);
    const second = await smsLogin(server.base);
    const person = { ...LI_SI, id_number: '440305199003071236', name: 'JOHN SMITH' };
    await consent(first.access_token);
    await consent(second.access_token);
    expect((await verify(first.access_token, person)).status).toBe(200);
    const taken = await verify(second.access_token, person);
    expect(taken.status).toBe(409);
    expect(taken.json.error).toBe('ID_NUMBER_IN_USE');
  });

  it('never stores or logs a phone number or an ID number in clear', async () => {
    const phone = '13700005678';
    const person = { name: '买买提·艾力', id_number: '650102198506152016', bank_card: '6222600260001072444', bank_phone: '13700005678' };
    const { access_token } = await smsLogin(server.base, phone);
    await consent(access_token);
    expect((await verify(access_token, person)).status).toBe(200);

    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${server.platform.database.schema}
    `.execute(server.platform.database.db);
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ row: unknown }>`SELECT row_to_json(t) AS row FROM ${sql.table(table_name)} t`.execute(server.platform.database.db);
      dump += JSON.stringify(rows.rows);
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const secret of [phone, person.id_number, person.bank_card, person.name]) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain('/api/v1/dev/sms?phone=137****5678');
  });

  it('exports my data, then erases it: my tokens stop working and my phone no longer leads to the account', async () => {
    const phone = '13612345678';
    const tokens = await smsLogin(server.base, phone);
    await consent(tokens.access_token);
    await verify(tokens.access_token, { ...ZHANG_SAN, id_number: '310115200002290048', name: '王芳', bank_phone: phone });

    const exported = await api('/api/v1/users/me/export', { headers: bearer(tokens.access_token) });
    expect(exported.status).toBe(200);
    expect(exported.json.data).toMatchObject({
      user: { user_id: tokens.user_id, phone: '136****5678', real_name_status: 'VERIFIED' },
      real_name: { name: '王*', id_number: '3****************8', bank_phone: '136****5678' },
      consents: [expect.objectContaining({ purpose: 'real_name_verification', withdrawn_at: null })],
    });
    expect((exported.json.data as { certificates: unknown[]; sessions: unknown[] }).certificates).toHaveLength(2);

    const erased = await api('/api/v1/users/me', { method: 'DELETE', headers: bearer(tokens.access_token) });
    expect(erased.status).toBe(200);
    expect((await api('/api/v1/users/me', { headers: bearer(tokens.access_token) })).status).toBe(401);
    const refresh = await api('/api/v1/auth/token', { body: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token } });
    expect(refresh.status).toBe(401);

    const row = await server.platform.database.db.selectFrom('user_auth').selectAll().where('user_id', '=', tokens.user_id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'erased', phone_hash: null, phone_enc: null, id_card_hash: null });
    const pii = await server.platform.database.db.selectFrom('user_pii').selectAll().where('user_id', '=', tokens.user_id).execute();
    expect(pii).toEqual([]);
    const event = await server.platform.database.db.selectFrom('outbox_events').select('payload').where('topic', '=', 'user.erased').where('aggregate_id', '=', tokens.user_id).execute();
    expect(event).toHaveLength(1);

    // The phone no longer leads to the erased account: a later login with it would create a new user.
    const byPhone = await server.platform.database.db
      .selectFrom('user_auth')
      .select('user_id')
      .where('phone_hash', '=', server.platform.vault.blindIndex('phone', phone))
      .execute();
    expect(byPhone).toEqual([]);
  });
});

describe('bank 4-factor verification over HTTP against the sandbox service', () => {
  const [embedded] = backendPairs();
  const sandbox = useTestServer({ db: embedded!.db, cache: embedded!.cache, modules: [identityModule] });

  it('the HTTP adapter and the sandbox endpoint agree with the documented rules', async () => {
    const { HttpRealNameVerifier } = await import('../src/modules/identity/real-name/http-verifier.js');
    const verifier = new HttpRealNameVerifier(`${sandbox.base}/sandbox/bank/four-factor`);
    const person = { name: '张三', idNumber: '11010519491231002X', bankCard: '6222600260001072444', bankPhone: '13800001234' };
    expect(await verifier.verify(person)).toMatchObject({ outcome: 'MATCH', providerCode: '0', reference: expect.stringMatching(/^SBX/) });
    expect(await verifier.verify({ ...person, bankCard: '6222600260001060001' })).toMatchObject({ outcome: 'MISMATCH', providerCode: '-1' });
    expect(await verifier.verify({ ...person, bankCard: '6222600260001050002' })).toMatchObject({ outcome: 'CARD_PROBLEM' });
    expect(await verifier.verify({ ...person, bankCard: '6222600260001040003' })).toMatchObject({ outcome: 'UNAVAILABLE', providerCode: '-18' });
    const down = new HttpRealNameVerifier('http://127.0.0.1:1/four-factor');
    expect(await down.verify(person)).toMatchObject({ outcome: 'UNAVAILABLE', providerCode: 'unreachable' });
  });
});
