import { describe, expect, it } from 'vitest';
import { auditModule } from '../src/modules/audit/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { riskModule } from '../src/modules/risk/index.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone, sessionFor } from './support/identity.js';
import { useTestServer, type TestServer } from './support/test-platform.js';

/** The SMS send limit per client IP per hour (src/modules/identity/sms/one-time-codes.ts). */
const SMS_PER_IP_PER_HOUR = 30;

let serial = 0;
/** A new documentation-range address per call, as a client rotating its X-Forwarded-For would send. */
const rotatingIp = () => `192.0.2.${(serial = (serial % 250) + 1)}`;

/** The client IP (request.ip) comes from TRUST_PROXY alone; every limit and rule reads that one address. */
describe.each(backendPairs())('the client IP on $label', ({ db, cache }) => {
  const modules = [identityModule, auditModule, riskModule];

  function helpers(server: TestServer) {
    const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${server.base}${path}`, init);
    const sendSms = (forwardedFor: string) => api('/api/v1/auth/sms/send', { body: { phone: newPhone() }, headers: { 'x-forwarded-for': forwardedFor } });
    /** A login with a code never sent: SMS_CODE_INVALID, unless risk control refuses the client first. */
    const login = async (forwardedFor: string) =>
      (await api('/api/v1/auth/sms/login', { body: { phone: newPhone(), code: '000000' }, headers: { 'x-forwarded-for': forwardedFor } })).json.error;
    const blacklist = async (value: string) => {
      const operator = await sessionFor(server.platform, 'operator');
      const res = await api('/api/v1/risk/blacklist', { body: { kind: value.includes('/') ? 'CIDR' : 'IP', value, reason: 'test' }, headers: bearer(operator.access_token) });
      expect(res.status, res.text).toBe(200);
    };
    /** Sends until the per-IP SMS limit answers; the number of sends that passed. */
    const sendsUntilLimited = async (forwardedFor: () => string) => {
      for (let passed = 0; passed <= SMS_PER_IP_PER_HOUR + 5; passed++) {
        const res = await sendSms(forwardedFor());
        if (res.status !== 200) {
          expect(res.json.error, res.text).toBe('SMS_RATE_LIMITED');
          return passed;
        }
      }
      return Infinity;
    };
    return { sendSms, login, blacklist, sendsUntilLimited };
  }

  describe('TRUST_PROXY unset (none): X-Forwarded-For from the peer is ignored', () => {
    const server = useTestServer({ db, cache, modules });
    const { login, blacklist, sendsUntilLimited } = helpers(server);

    it('a blacklisted address claimed in X-Forwarded-For is not the client', async () => {
      await blacklist('198.51.100.9');
      await blacklist('203.0.113.0/24');
      expect(await login('198.51.100.9')).toBe('SMS_CODE_INVALID');
      expect(await login('203.0.113.50')).toBe('SMS_CODE_INVALID');
    });

    it('rotating X-Forwarded-For from one peer is one client: the SMS send after the 30th in the hour is refused', async () => {
      expect(await sendsUntilLimited(rotatingIp)).toBe(SMS_PER_IP_PER_HOUR);
    });

    it('the peer itself is the client the blacklist sees', async () => {
      await blacklist('127.0.0.1');
      expect(await login(rotatingIp())).toBe('RISK_DENIED');
    });
  });

  describe('TRUST_PROXY=127.0.0.1/8,::1: behind a trusted proxy the forwarded client is seen', () => {
    const server = useTestServer({ db, cache, modules, env: { TRUST_PROXY: '127.0.0.1/8,::1' } });
    const { sendSms, login, blacklist, sendsUntilLimited } = helpers(server);

    it('a blacklisted forwarded client is refused; its neighbour is not', async () => {
      await blacklist('198.51.100.9');
      await blacklist('203.0.113.0/24');
      expect(await login('198.51.100.9')).toBe('RISK_DENIED');
      expect(await login('203.0.113.50')).toBe('RISK_DENIED');
      expect(await login('198.51.100.10')).toBe('SMS_CODE_INVALID');
    });

    it('the SMS limit counts per forwarded client, and addresses the client prepends are not trusted', async () => {
      // The trusted proxy appends the address it saw; whatever the client put to its left is the client's word.
      expect(await sendsUntilLimited(() => `${rotatingIp()}, 198.51.100.20`)).toBe(SMS_PER_IP_PER_HOUR);
      expect((await sendSms('198.51.100.21')).status).toBe(200);
      expect((await sendSms('198.51.100.20')).json.error).toBe('SMS_RATE_LIMITED');
    });

    it('an untrusted hop in the chain is the client, even if a trusted address is to its left', async () => {
      // 127.0.0.2 is trusted but sits left of the untrusted 198.51.100.30: the walk stops at the first untrusted one.
      await blacklist('198.51.100.30');
      expect(await login('127.0.0.2, 198.51.100.30')).toBe('RISK_DENIED');
    });
  });

  describe('TRUST_PROXY=1: one proxy hop in front of the server', () => {
    const server = useTestServer({ db, cache, modules, env: { TRUST_PROXY: '1' } });
    const { sendSms, login, blacklist, sendsUntilLimited } = helpers(server);

    it('the address the proxy appended is the client; what the client prepended is ignored', async () => {
      await blacklist('198.51.100.9');
      expect(await login('198.51.100.9')).toBe('RISK_DENIED');
      expect(await login(`198.51.100.9, ${rotatingIp()}`)).toBe('SMS_CODE_INVALID');
    });

    it('the SMS limit counts per client named by the proxy', async () => {
      expect(await sendsUntilLimited(() => `${rotatingIp()}, 198.51.100.40`)).toBe(SMS_PER_IP_PER_HOUR);
      expect((await sendSms('198.51.100.41')).status).toBe(200);
    });
  });
});
