import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { idNumberCheckChar } from '../src/modules/identity/domain/id-number.js';
import { identityModule } from '../src/modules/identity/index.js';
import { sandboxDecision } from '../src/modules/identity/real-name/sandbox-rules.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

// The bank's stand-in: the documented sandbox rules over HTTP, counting every call that reaches it (each one
// would be a charged call at the real provider).
const bankCalls: string[] = [];
const bank = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const { Name, IdCard, BankCard, Phone } = JSON.parse(body) as Record<string, string>;
    bankCalls.push(IdCard!);
    const result = sandboxDecision({ name: Name!, idNumber: IdCard!, bankCard: BankCard!, bankPhone: Phone! });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ Response: { Result: result.providerCode, Description: result.outcome, RequestId: result.reference } }));
  });
});
await new Promise<void>((resolve) => bank.listen(0, '127.0.0.1', resolve));
const bankUrl = `http://127.0.0.1:${(bank.address() as AddressInfo).port}/four-factor`;
afterAll(() => new Promise<void>((resolve) => bank.close(() => resolve())));

let serial = 0;
/** A well-formed ID number not used by any other test here. */
function newIdNumber(): string {
  serial += 1;
  const first17 = `44030519900307${String(serial).padStart(3, '0')}`;
  return `${first17}${idNumberCheckChar(first17)}`;
}
const WRONG_CARD = '6222600260001060001'; // the sandbox's "card does not belong to this person"
const RIGHT_CARD = '6222600260001072444';

describe.each(backendPairs())('real-name attempts are capped and audited on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule], env: { REAL_NAME_URL: bankUrl } });
  const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
  beforeEach(() => {
    bankCalls.length = 0;
  });

  async function consentingUser() {
    const session = await sessionFor(server.platform);
    expect((await api('/api/v1/users/me/consents', { body: { purpose: 'real_name_verification' }, headers: bearer(session.access_token) })).status).toBe(200);
    return session;
  }
  const verify = (token: string, idNumber: string, bankCard: string) =>
    api('/api/v1/users/me/real-name', { body: { name: 'JOHN SMITH', id_number: idNumber, bank_card: bankCard, bank_phone: '15012345678' }, headers: bearer(token) });

  it('12 failed attempts in a row: only the daily cap (5) reaches the verifier, the rest are 429 with Retry-After, all audited', async () => {
    const user = await consentingUser();
    const idNumber = newIdNumber();
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await verify(user.access_token, idNumber, WRONG_CARD));
    expect(answers.map((a) => a.json.error)).toEqual([...Array(5).fill('REAL_NAME_MISMATCH'), ...Array(7).fill('REAL_NAME_ATTEMPTS_EXCEEDED')]);
    expect(bankCalls).toHaveLength(5);
    const refused = answers[11]!;
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(refused.json.retry_after).toBe(retryAfter);

    const records = await server.platform.database.db
      .selectFrom('audit_records')
      .select(['action', 'details'])
      .where('subject_kind', '=', 'user')
      .where('subject_id', '=', user.user_id)
      .orderBy('record_id')
      .execute();
    expect(records).toHaveLength(12);
    expect(records.every((r) => r.action === 'identity.real_name_attempt')).toBe(true);
    expect(records.map((r) => (r.details as { outcome: string }).outcome)).toEqual([...Array(5).fill('MISMATCH'), ...Array(7).fill('ATTEMPTS_EXCEEDED')]);
    const dump = JSON.stringify(records);
    expect(dump).not.toContain(idNumber);
    expect(dump).not.toContain(WRONG_CARD);
    expect((records[0]!.details as { id_number: string }).id_number).toBe(`4${'*'.repeat(16)}${idNumber.slice(-1)}`);
  });

  it('one ID number is capped across accounts too', async () => {
    const idNumber = newIdNumber();
    for (let i = 0; i < 5; i++) {
      const user = await consentingUser();
      expect((await verify(user.access_token, idNumber, WRONG_CARD)).json.error).toBe('REAL_NAME_MISMATCH');
    }
    const sixth = await consentingUser();
    const refused = await verify(sixth.access_token, idNumber, RIGHT_CARD);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toBe('REAL_NAME_ATTEMPTS_EXCEEDED');
    expect(bankCalls).toHaveLength(5);
    // Another ID number is still open to the same account.
    expect((await verify(sixth.access_token, newIdNumber(), RIGHT_CARD)).status).toBe(200);
  });

  it('an ID number held by another account: wrong factors answer the factor failure; only proven factors hear it is in use', async () => {
    const idNumber = newIdNumber();
    const holder = await consentingUser();
    expect((await verify(holder.access_token, idNumber, RIGHT_CARD)).status).toBe(200);
    const prober = await consentingUser();
    const probe = await verify(prober.access_token, idNumber, WRONG_CARD);
    expect({ status: probe.status, error: probe.json.error }).toEqual({ status: 422, error: 'REAL_NAME_MISMATCH' });
    const proven = await verify(prober.access_token, idNumber, RIGHT_CARD);
    expect({ status: proven.status, error: proven.json.error }).toEqual({ status: 409, error: 'ID_NUMBER_IN_USE' });
    expect(bankCalls).toHaveLength(3);
  });
});
