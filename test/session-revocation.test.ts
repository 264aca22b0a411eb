import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOf } from '../src/modules/identity/index.js';
import { IdentityRepo } from '../src/modules/identity/repo.js';
import { Sessions } from '../src/modules/identity/tokens/sessions.js';
import { RedisCache } from '../src/platform/cache/redis-cache.js';
import { acceptsToken, newPhone } from './support/identity.js';
import { createTestPlatform, type TestPlatform } from './support/test-platform.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sessions in several processes: each `process` here is its own Sessions with its own Redis connections (one
 * key prefix, as one deployment), over one database. The cache's revocation keys are deleted after each
 * revocation, so what is tested is each process's in-memory view: the broadcast, and the read at start.
 */
describe.runIf(process.env.DATABASE_URL && process.env.REDIS_URL)('session revocation across processes', () => {
  let platform: TestPlatform;
  const prefix = `quanyi-test:${randomBytes(6).toString('hex')}:`;
  const caches: RedisCache[] = [];

  beforeAll(async () => {
    platform = await createTestPlatform({ db: 'postgres', cache: 'redis' });
  });
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await platform?.close();
  });

  async function startProcess(): Promise<{ sessions: Sessions; cache: RedisCache }> {
    const cache = await RedisCache.connect(globalThis.process.env.REDIS_URL!, prefix);
    caches.push(cache);
    return { sessions: new Sessions(platform.database.db, new IdentityRepo(), identityOf(platform).signer, cache, platform.ids), cache };
  }

  const accepts = acceptsToken;

  async function signIn(sessions: Sessions): Promise<{ token: string; sessionId: string }> {
    const userId = await identityOf(platform).service.ensureUser(platform.database.db, newPhone());
    const { access_token } = await platform.database.db.transaction().execute((trx) => sessions.open(trx, userId));
    const sessionId = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()).sid as string;
    return { token: access_token, sessionId };
  }

  /** Polls until `check` holds or a second passes; returns whether it held. */
  async function eventually(check: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return true;
      await sleep(10);
    }
    return false;
  }

  it('a logout in one process reaches the others by broadcast, and a process started later reads it at start', async () => {
    const a = await startProcess();
    const b = await startProcess();
    const { token, sessionId } = await signIn(a.sessions);
    expect(await accepts(a.sessions, token)).toBe(true);
    expect(await accepts(b.sessions, token)).toBe(true);
    await sleep(100); // b's view subscribes and reads the database on its first use

    await a.sessions.close(sessionId, 'logout');
    await a.cache.delete(`session-revoked:${sessionId}`);
    expect(await accepts(a.sessions, token)).toBe(false); // at once in the revoking process
    expect(await eventually(async () => !(await accepts(b.sessions, token)))).toBe(true);

    const c = await startProcess();
    await accepts(c.sessions, token); // starts c's view; until it is live, c asks the cache
    expect(await eventually(async () => !(await accepts(c.sessions, token)))).toBe(true);
    expect(await accepts(c.sessions, (await signIn(a.sessions)).token)).toBe(true); // others are unaffected
  });
});
