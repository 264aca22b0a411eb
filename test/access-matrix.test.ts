import { describe, expect, it } from 'vitest';
import { MODULES } from '../src/app/modules.js';
import { identityOf } from '../src/modules/identity/index.js';
import { ROLES, type Access, type RoleName } from '../src/platform/http/access.js';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { bearer, newPhone } from './support/identity.js';
import { useTestServer } from './support/test-platform.js';

type Caller = RoleName | 'anonymous';
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

function expected(access: Access, caller: Caller): 'allow' | 'deny' {
  if (access === 'public') return 'allow';
  if (caller === 'anonymous') return 'deny';
  if (access === 'authenticated') return 'allow';
  return access.roles.includes(caller) || caller === 'admin' ? 'allow' : 'deny';
}

/**
 * Every route of every module, called as every role: the route's declared access decides, and nothing else.
 * Routes are collected from the real app, so a new route is covered the moment it exists.
 */
describe('access control: every route × every role', () => {
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

    const rules = server.app.accessRules;
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const failures: string[] = [];
    for (const { method, url: template, access } of rules) {
      const url = template.replace(/:(\w+)/g, 'x');
      for (const caller of CALLERS) {
        const token = await tokenFor(caller);
        const auth = token ? bearer(token) : {};
        // An empty JSON body: access is decided before the body is validated, so a 400 means "let in".
        const withBody = method !== 'GET' && method !== 'DELETE';
        const res = await http(`${server.base}${url}`, {
          method,
          headers: withBody ? { 'content-type': 'application/json', ...auth } : auth,
          ...(withBody ? { rawBody: '{}' } : {}),
        });
        const denied = res.json.error === 'UNAUTHORIZED' || res.json.error === 'FORBIDDEN';
        const want = expected(access, caller);
        if ((want === 'deny') !== denied) failures.push(`${method} ${template} as ${caller}: wanted ${want}, got ${res.status} ${res.json.error ?? ''}`);
        if (want === 'deny' && res.status !== (caller === 'anonymous' ? 401 : 403)) {
          failures.push(`${method} ${template} as ${caller}: wanted ${caller === 'anonymous' ? 401 : 403}, got ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The matrix means something only if some routes are role-restricted.
    expect(rules.some((r) => typeof r.access === 'object')).toBe(true);
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
