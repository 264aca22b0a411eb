import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../src/platform/cache/cache.js';
import { connectCache } from '../src/platform/cache/connect.js';
import { CacheUnavailableError, DegradingCache } from '../src/platform/cache/degrading-cache.js';
import { identityOf } from '../src/modules/identity/index.js';
import { IdentityRepo } from '../src/modules/identity/repo.js';
import { Sessions } from '../src/modules/identity/tokens/sessions.js';
import { http, listenForTest } from './support/http.js';
import { acceptsToken, newPhone } from './support/identity.js';
import { OwnRedis } from './support/own-redis.js';
import { probeModule } from './support/probe-module.js';
import { buildTestApp, createTestPlatform, type TestPlatform } from './support/test-platform.js';

// Redis accelerates and counts; it never decides alone. Losing it must degrade the platform (per-process limits),
// never stop it: every call answers promptly from the fallback, and Redis is used again once it is back.
describe('the cache while Redis is down', () => {
  let redis: OwnRedis;
  let cache: Cache;
  const changes: boolean[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    cache = await connectCache(redis.url, 'outage-test:', (degraded) => changes.push(degraded));
  });
  afterAll(async () => {
    await cache?.close();
    await redis?.kill();
  });

  it('answers every call from the fallback at once, reports the outage, and returns to Redis after a restart', async () => {
    expect(cache).toBeInstanceOf(DegradingCache);
    const degrading = cache as DegradingCache;
    expect((await cache.increment('hits', 60_000)).count).toBe(1);
    expect(changes).toEqual([]);

    await redis.kill();
    const started = performance.now();
    // Each of these used to wait for Redis (queued while reconnecting) and then fail the request.
    expect((await cache.increment('hits', 60_000)).count).toBe(1);
    await cache.set('key', 'value', 60_000);
    // A read cannot be answered by the fallback (another process may have written it): the caller is told.
    await expect(cache.get('key')).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(await cache.setIfAbsent('once', '1', 60_000)).toBe(true);
    expect(await cache.setIfAbsent('once', '1', 60_000)).toBe(false);
    expect(await cache.hitWindow('window', 60_000)).toBe(1);
    await cache.publish('channel', 'lost, and that is allowed');
    // A generous bound, only to show nothing waited for the dead server (the old client retried for seconds).
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(degrading.degraded).toBe(true);
    expect(changes).toEqual([true]);
    await expect(cache.ping()).rejects.toThrow();

    await redis.restart();
    const client = redis.client();
    try {
      // Back on Redis within a few seconds: the fallback is left after its retry interval.
      let back = false;
      for (let i = 0; i < 100 && !back; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await cache.set('after', 'on-redis', 60_000);
        back = (await client.get('outage-test:after')) === 'on-redis';
      }
      expect(back).toBe(true);
      expect(degrading.degraded).toBe(false);
      expect(changes).toEqual([true, false]);
      await cache.ping();
    } finally {
      client.disconnect();
    }
  });

  it('still throws what Redis itself refuses and what is wrongly asked (bugs, not outages)', async () => {
    await cache.set('a-string', 'x');
    await expect(cache.hitWindow('a-string', 60_000)).rejects.toThrow(/WRONGTYPE/);
    await expect(cache.hitWindow('w', -1)).rejects.toThrow(RangeError);
    expect((cache as DegradingCache).degraded).toBe(false);
  });
});

describe('requests while Redis is down', () => {
  let redis: OwnRedis;
  let platform: TestPlatform;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    const own = await createTestPlatform({ db: 'pglite', cache: 'memory', env: { RATE_LIMIT_PER_IP_PER_MINUTE: '5' } });
    platform = { ...own, cache: await connectCache(redis.url, 'outage-app:') };
    app = await buildTestApp(platform, [probeModule()]);
    base = await listenForTest(app);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.cache.close();
    await platform?.close();
    await redis?.kill();
  });

  it('are served, limited per process, and readiness says degraded but stays ready', async () => {
    expect((await http(`${base}/healthz`)).status).toBe(200);
    await redis.kill();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await http(`${base}/api/v1/anything`)).status);
    // The per-IP ceiling of 5 a minute now holds in this process alone.
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const ready = await http(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json.data).toMatchObject({ status: 'degraded', cache: 'redis', cache_status: 'unreachable' });
  });
});

// Revocations are shared facts: a per-process fallback cannot know a logout another process recorded. While
// Redis is down, a session revoked elsewhere must still be refused (the database answers), never let through
// because the fallback has not heard of it.
describe('session revocation while Redis is down', () => {
  let redis: OwnRedis;
  let platform: TestPlatform;
  const caches: Cache[] = [];

  beforeAll(async () => {
    redis = await OwnRedis.start();
    platform = await createTestPlatform({ db: 'pglite', cache: 'memory' });
  });
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await platform?.close();
    await redis?.kill();
  });

  async function startProcess(): Promise<Sessions> {
    const cache = await connectCache(redis.url, 'outage-sessions:');
    caches.push(cache);
    return new Sessions(platform.database.db, new IdentityRepo(), identityOf(platform).signer, cache, platform.ids);
  }
  const accepts = acceptsToken;

  it('refuses a session revoked by another process during the outage', async () => {
    const [revoker, checker] = [await startProcess(), await startProcess()];
    const userId = await identityOf(platform).service.ensureUser(platform.database.db, newPhone());
    const { access_token } = await platform.database.db.transaction().execute((trx) => revoker.open(trx, userId));
    const sessionId = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()).sid as string;
    expect(await accepts(checker, access_token)).toBe(true);

    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the subscriptions notice the lost connection
    await revoker.close(sessionId, 'logout'); // committed; its broadcast is lost with Redis
    expect(await accepts(checker, access_token)).toBe(false);
    expect(await accepts(revoker, access_token)).toBe(false);
  });
});
