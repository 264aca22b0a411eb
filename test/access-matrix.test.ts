import { describe, expect, it } from 'vitest';
import { MODULES } from '../src/app/modules.js';
import { identityOf } from '../src/modules/identity/index.js';
import { ROLES, type Access, type RoleName } from '../src/platform/http/access.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone } from './support/identity.js';
import { signedCall, type MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';

/** `cashier`: a merchant's signed till call (X-Api-Key …), which is no signed-in person. */
type Caller = RoleName | 'anonymous' | 'cashier';
const CALLERS: readonly Caller[] = ['anonymous', 'cashier', ...ROLES];

function expected(access: Access, caller: Caller): 'allow' | 'deny' {
  if (access === 'public') return 'allow';
  if (caller === 'anonymous') return 'deny';
  if (caller === 'cashier') return typeof access === 'object' && access.cashier === true ? 'allow' : 'deny';
  if (access === 'authenticated') return 'allow';
  // Every signed-in person holds `consumer` besides the roles granted.
  return access.roles.includes(caller) || access.roles.includes('consumer') || caller === 'admin' ? 'allow' : 'deny';
}

/**
 * Every route of every module, called as every role: the route's declared access decides, and nothing else.
 * Routes are collected from the real app, so a new route is covered the moment it exists.
 */
describe('access control: every route × every role and a cashier signature', () => {
  const [embedded] = backendPairs();
  const server = useTestServer({ db: embedded!.db, cache: embedded!.cache, modules: MODULES });

  it('allows and denies as declared', async () => {
    const identity = identityOf(server.platform);
    // A fresh account per call: some routes (DELETE /users/me) end the caller's sessions for good.
    const tokenFor = async (caller: Caller): Promise<string | null> => {
      if (caller === 'anonymous') return null;
      const phone = newPhone();
      const userId = await identity.service.ensureUser(server.platform.database.db, phone);
      if (caller !== 'consumer') await identity.service.grantRole(phone, caller, caller === 'merchant_staff' ? 'M1' : undefined, 'test');
      const issued = await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
      return issued.access_token;
    };

    const created = await http(`${server.base}/api/v1/merchants`, { body: { name: '矩阵商户' }, headers: bearer((await tokenFor('operator'))!) });
    expect(created.status, created.text).toBe(200);
    const merchant = created.json.data as unknown as MerchantCredentialsForTest;

    const rules = server.app.accessRules;
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const failures: string[] = [];
    for (const { method, url: template, access } of rules) {
      const url = template.replace(/:(\w+)/g, 'x');
      for (const caller of CALLERS) {
        // An empty JSON body: access is decided before the body is validated, so a 400 means "let in".
        const withBody = method !== 'GET' && method !== 'DELETE';
        let res;
        if (caller === 'cashier') {
          res = await signedCall(server.base, merchant, method, url, withBody ? {} : undefined);
        } else {
          const token = await tokenFor(caller);
          const auth = token ? bearer(token) : {};
          res = await http(`${server.base}${url}`, {
            method,
            headers: withBody ? { 'content-type': 'application/json', ...auth } : auth,
            ...(withBody ? { rawBody: '{}' } : {}),
          });
        }
        const denied = res.json.error === 'UNAUTHORIZED' || res.json.error === 'FORBIDDEN';
        const want = expected(access, caller);
        if ((want === 'deny') !== denied) failures.push(`${method} ${template} as ${caller}: wanted ${want}, got ${res.status} ${res.json.error ?? ''}`);
        if (want === 'deny' && res.status !== (caller === 'anonymous' ? 401 : 403)) {
          failures.push(`${method} ${template} as ${caller}: wanted ${caller === 'anonymous' ? 401 : 403}, got ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The matrix means something only if some routes are role-restricted and some take cashier signatures.
    expect(rules.some((r) => typeof r.access === 'object')).toBe(true);
    expect(rules.some((r) => typeof r.access === 'object' && r.access.cashier)).toBe(true);
  });

  it('a cashier signature on a consumer route (claim) gets 403 FORBIDDEN in the envelope and claims nothing', async () => {
    const identity = identityOf(server.platform);
    const phone = newPhone();
    await identity.service.grantRole(phone, 'operator', undefined, 'test');
    const userId = await identity.service.ensureUser(server.platform.database.db, phone);
    const { access_token } = await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
    const merchant = (await http(`${server.base}/api/v1/merchants`, { body: { name: '收银台' }, headers: bearer(access_token) })).json.data as unknown as MerchantCredentialsForTest;
    const template = await http(`${server.base}/api/v1/coupon/templates`, { body: { name: '立减5元', type: 'CASH', amount: '5.00', valid_days: 30 }, headers: bearer(access_token) });
    const templateId = (template.json.data as { template_id: string }).template_id;
    const res = await signedCall(server.base, merchant, 'POST', '/api/v1/coupon/claim', { template_id: templateId });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 403, error: 'FORBIDDEN', message: '无权执行此操作' });
    const claimed = await server.platform.database.db.selectFrom('coupon_info').select('coupon_id').where('template_id', '=', templateId).execute();
    expect(claimed).toEqual([]);
  });

  it('a consumer token on an operator route gets 403 FORBIDDEN in the envelope', async () => {
    const identity = identityOf(server.platform);
    const userId = await identity.service.ensureUser(server.platform.database.db, newPhone());
    const { access_token } = await server.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
    const res = await http(`${server.base}/api/v1/admin/users/${userId}`, { headers: bearer(access_token) });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 403, error: 'FORBIDDEN', message: '无权执行此操作' });
  });
});
