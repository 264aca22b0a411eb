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

describe.each(cacheBackends())('cache channels on %s', (kind) => {
  it('delivers a published message to every subscriber of the channel, and tells them when delivery is live', async () => {
    const cache = await createTestCache(kind);
    const seen: string[] = [];
    const lives: boolean[] = [];
    const live = new Promise<void>((resolve) =>
      cache.subscribe('news', {
        onMessage: (m) => seen.push(m),
        onLive: (l) => {
          lives.push(l);
          if (l) resolve();
        },
      }),
    );
    await live;
    await cache.publish('news', 'a');
    await cache.publish('other', 'b');
    await cache.publish('news', 'c');
    for (let i = 0; i < 50 && seen.length < 2; i++) await sleep(10);
    expect(seen).toEqual(['a', 'c']);
    expect(lives).toEqual([true]);
    await cache.close();
  });
});

describe.runIf(process.env.REDIS_URL)('redis cache channels across connections', () => {
  const url = process.env.REDIS_URL!;

  it('reaches another connection with the same prefix only, and resumes after the subscriber connection is killed', async () => {
    const prefix = `quanyi-test:${Math.floor(performance.now() * 1000)}:`;
    const publisher = await RedisCache.connect(url, prefix);
    const subscriber = await RedisCache.connect(url, prefix);
    const stranger = await RedisCache.connect(url, `${prefix}other:`);
    const seen: string[] = [];
    const lives: boolean[] = [];
    subscriber.subscribe('news', { onMessage: (m) => seen.push(m), onLive: (l) => lives.push(l) });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 300 && !done(); i++) await sleep(10);
    };
    await until(() => lives.length === 1);
    await publisher.publish('news', 'one');
    await stranger.publish('news', 'not for us');
    await until(() => seen.length === 1);
    // Kill this subscriber's connection from the server side: delivery stops, then resumes on reconnect.
    const admin = await RedisCache.connect(url, prefix);
    const clients = (await (admin as unknown as { redis: { client(...args: string[]): Promise<string> } }).redis.client('LIST', 'TYPE', 'pubsub')).trim().split('\n');
    for (const line of clients.filter((l) => l.includes(` name=quanyi-subscriber:${prefix} `))) {
      const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
      if (id) await (admin as unknown as { redis: { client(...args: string[]): Promise<unknown> } }).redis.client('KILL', 'ID', id);
    }
    await until(() => lives.length >= 3);
    expect(lives.slice(0, 3)).toEqual([true, false, true]);
    await publisher.publish('news', 'two');
    await until(() => seen.length === 2);
    expect(seen).toEqual(['one', 'two']);
    await Promise.all([publisher, subscriber, stranger, admin].map((c) => c.close()));
  });
});

describe('redis cache connection errors', () => {
  it('names REDIS_URL when the server cannot be reached', async () => {
    await expect(RedisCache.connect('redis://127.0.0.1:1', 'x:')).rejects.toThrow(/^REDIS_URL cannot connect to redis:\/\/127\.0\.0\.1:1/);
  });
});
