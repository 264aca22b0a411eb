import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../src/platform/cache/cache.js';
import { RedisCache } from '../src/platform/cache/redis-cache.js';
import { cacheBackends, createTestCache } from './support/backends.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(cacheBackends())('cache port on %s', (kind) => {
  let cache: Cache;
  beforeAll(async () => {
    cache = await createTestCache(kind);
  });
  afterAll(() => cache?.close());

  it('gets, sets with expiry, deletes', async () => {
    await cache.set('a', '1');
    await cache.set('b', '2', 80);
    expect(await cache.get('a')).toBe('1');
    expect(await cache.get('b')).toBe('2');
    await sleep(120);
    expect(await cache.get('b')).toBeNull();
    await cache.delete('a');
    expect(await cache.get('a')).toBeNull();
  });

  it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
    const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => cache.setIfAbsent('nonce:x', String(i), 1_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('counts concurrent increments exactly within a window, then starts a new window', async () => {
    const states = await Promise.all(Array.from({ length: 200 }, () => cache.increment('ctr', 150)));
    expect(Math.max(...states.map((s) => s.count))).toBe(200);
    expect(new Set(states.map((s) => s.count)).size).toBe(200);
    expect(states.every((s) => s.resetInMs > 0 && s.resetInMs <= 150)).toBe(true);
    await sleep(200);
    expect((await cache.increment('ctr', 150, 5)).count).toBe(5);
  });

  it('answers ping', async () => {
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});

describe('redis cache connection errors', () => {
  it('names REDIS_URL when the server cannot be reached', async () => {
    await expect(RedisCache.connect('redis://127.0.0.1:1', 'x:')).rejects.toThrow(/^REDIS_URL cannot connect to redis:\/\/127\.0\.0\.1:1/);
  });
});
