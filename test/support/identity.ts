import { expect } from 'vitest';
import { idNumberCheckChar } from '../../src/modules/identity/domain/id-number.js';
import type { Platform } from '../../src/platform/module/platform.js';
import { identityOf } from '../../src/modules/identity/index.js';
import { http } from './http.js';
import type { FastifyRequest } from 'fastify';
import type { Sessions } from '../../src/modules/identity/tokens/sessions.js';

let phoneSeq = 0;
/** A distinct valid mainland mobile number per call, so per-phone send limits don't interfere between tests. */
export function newPhone(): string {
  phoneSeq += 1;
  return `139${String(process.pid % 10_000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly user_id: string;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Sends a login code and reads it back from the dev SMS outbox, as the web app's dev mode does. */
export async function sendAndReadCode(base: string, phone: string): Promise<string> {
  const sent = await http(`${base}/api/v1/auth/sms/send`, { body: { phone } });
  expect(sent.status).toBe(200);
  const outbox = await http(`${base}/api/v1/dev/sms?phone=${phone}`);
  const messages = (outbox.json.data as { messages: { otp: string; text: string }[] }).messages;
  return messages[0]!.otp;
}

export async function smsLogin(base: string, phone: string = newPhone()): Promise<Tokens> {
  const code = await sendAndReadCode(base, phone);
  const res = await http(`${base}/api/v1/auth/sms/login`, { body: { phone, code } });
  expect(res.status).toBe(200);
  return res.json.data as unknown as Tokens;
}

let idSerial = 0;

/**
 * A signed-in consumer who passed real-name verification through the API (consent, then the sandbox bank
 * 4-factor check). Each gets a distinct, well-formed ID number: one ID number belongs to one account.
 * `tokens` skips the SMS login (whose per-IP send limit caps how many logins a test can do).
 */
export async function verifiedLogin(base: string, tokens?: Tokens): Promise<Tokens> {
  const session = tokens ?? (await smsLogin(base));
  const auth = bearer(session.access_token);
  const consent = await http(`${base}/api/v1/users/me/consents`, { body: { purpose: 'real_name_verification' }, headers: auth });
  expect(consent.status).toBe(200);
  idSerial += 1;
  const first17 = `11010519700101${String(idSerial % 1000).padStart(3, '0')}`;
  const verified = await http(`${base}/api/v1/users/me/real-name`, {
    body: { name: '张三', id_number: `${first17}${idNumberCheckChar(first17)}`, bank_card: '6222600260001072444', bank_phone: '13800001234' },
    headers: auth,
  });
  expect(verified.status, verified.text).toBe(200);
  return session;
}

/**
 * A signed-in user without the SMS round trip (whose per-IP send limit caps how many logins a test can do):
 * the user is created and a session opened through the identity services. `role` is granted first (with
 * `merchantId` for merchant_staff).
 */
export async function sessionFor(platform: Platform, role?: string, merchantId?: string): Promise<Tokens & { phone: string }> {
  const identity = identityOf(platform);
  const phone = newPhone();
  if (role) await identity.service.grantRole(phone, role, merchantId, 'test');
  const userId = await identity.service.ensureUser(platform.database.db, phone);
  const tokens = await platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
  return { ...tokens, user_id: userId, phone } as Tokens & { phone: string };
}

/** Whether `sessions` accepts the bearer token (false when it answers SESSION_REVOKED; anything else throws). */
export function acceptsToken(sessions: Sessions, token: string): Promise<boolean> {
  return sessions.authenticate({ headers: { authorization: `Bearer ${token}` } } as FastifyRequest).then(
    () => true,
    (error: { code?: string }) => {
      if (error.code !== 'SESSION_REVOKED') throw error;
      return false;
    },
  );
}
