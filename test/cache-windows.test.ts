import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_HITS_KEPT, type Cache } from '../src/platform/cache/cache.js';
import { MemoryCache } from '../src/platform/cache/memory-cache.js';
import { RedisCache } from '../src/platform/cache/redis-cache.js';
import { cacheBackends, createTestCache } from './support/backends.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FIVE_MINUTES = 5 * 60_000;

describe.each(cacheBackends())('sliding windows on %s', (kind) => {
  let cache: Cache;
  beforeAll(async () => {
    cache = await createTestCache(kind);
  });
  afterAll(() => cache?.close());

  it('counts 11 hits within the window as 11, the latest included', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 11; i++) counts.push(await cache.hitWindow('ip:10.0.0.1', FIVE_MINUTES));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await cache.countWindow('ip:10.0.0.1', FIVE_MINUTES)).toBe(11);
  });

  it('lets hits older than the window fall out (a hit exactly one window old is out)', async () => {
    const base = Date.now();
    expect(await cache.hitWindow('old', 5_000, { nowMs: base })).toBe(1);
    expect(await cache.hitWindow('old', 5_000, { nowMs: base + 1_000 })).toBe(2);
    expect(await cache.hitWindow('old', 5_000, { nowMs: base + 2_000 })).toBe(3);
    expect(await cache.countWindow('old', 5_000, base + 4_999)).toBe(3);
    expect(await cache.countWindow('old', 5_000, base + 5_000)).toBe(2);
    // At base+5000 the hit at base is exactly 5 s old: out. The ones at +1000 and +2000 are in, with this one.
    expect(await cache.hitWindow('old', 5_000, { nowMs: base + 5_000 })).toBe(3);
    // At base+7001 the window is (base+2001, base+7001]: only +5000 and this one.
    expect(await cache.hitWindow('old', 5_000, { nowMs: base + 7_001 })).toBe(2);
    expect(await cache.countWindow('old', 5_000, base + 11_999)).toBe(1);
    expect(await cache.countWindow('old', 5_000, base + 12_001)).toBe(0);
  });

  it('slides: no fixed buckets, a burst straddling a bucket edge is seen whole', async () => {
    // 10 hits in the last second of one minute and 10 in the first second of the next: 20 in 2 seconds.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    let last = 0;
    for (let i = 0; i < 10; i++) last = await cache.hitWindow('edge', 60_000, { nowMs: minute - 1_000 + i * 100 });
    for (let i = 0; i < 10; i++) last = await cache.hitWindow('edge', 60_000, { nowMs: minute + i * 100 });
    expect(last).toBe(20);
  });

  it('counts 200 concurrent hits exactly', async () => {
    const counts = await Promise.all(Array.from({ length: 200 }, () => cache.hitWindow('burst', FIVE_MINUTES)));
    expect(new Set(counts).size).toBe(200);
    expect(Math.max(...counts)).toBe(200);
    expect(await cache.countWindow('burst', FIVE_MINUTES)).toBe(200);
  });

  it('countWindow records nothing', async () => {
    for (let i = 0; i < 3; i++) expect(await cache.countWindow('quiet', FIVE_MINUTES)).toBe(0);
    expect(await cache.hitWindow('quiet', FIVE_MINUTES)).toBe(1);
    for (let i = 0; i < 3; i++) expect(await cache.countWindow('quiet', FIVE_MINUTES)).toBe(1);
    expect(await cache.hitWindow('quiet', FIVE_MINUTES)).toBe(2);
  });

  it('keeps different keys apart', async () => {
    await Promise.all([...Array.from({ length: 7 }, () => cache.hitWindow('k:a', FIVE_MINUTES)), ...Array.from({ length: 3 }, () => cache.hitWindow('k:b', FIVE_MINUTES))]);
    expect(await cache.countWindow('k:a', FIVE_MINUTES)).toBe(7);
    expect(await cache.countWindow('k:b', FIVE_MINUTES)).toBe(3);
    expect(await cache.countWindow('k:c', FIVE_MINUTES)).toBe(0);
  });

  it('counts a shorter window than the one recorded with', async () => {
    const base = Date.now();
    for (const offset of [0, 60_000, 120_000, 240_000, 290_000]) await cache.hitWindow('sub', FIVE_MINUTES, { nowMs: base + offset });
    expect(await cache.countWindow('sub', 60_000, base + 290_000)).toBe(2); // +240000 and +290000
    expect(await cache.countWindow('sub', FIVE_MINUTES, base + 290_000)).toBe(5);
  });

  it('counts hits with the same member once, at the latest time', async () => {
    const base = Date.now();
    expect(await cache.hitWindow('claims', 10_000, { member: 'claim-1', nowMs: base })).toBe(1);
    expect(await cache.hitWindow('claims', 10_000, { member: 'claim-1', nowMs: base + 100 })).toBe(1); // a retry
    expect(await cache.hitWindow('claims', 10_000, { member: 'claim-2', nowMs: base + 200 })).toBe(2);
    expect(await cache.hitWindow('claims', 10_000, { nowMs: base + 300 })).toBe(3); // unnamed: always a new hit
    // claim-1 moved to base+100, so it is still in at base+10050; the first time (base) alone would be out.
    expect(await cache.countWindow('claims', 10_000, base + 10_050)).toBe(3);
    expect(await cache.countWindow('claims', 10_000, base + 10_100)).toBe(2);
    // A member that left the window counts again when it comes back.
    expect(await cache.hitWindow('claims', 10_000, { member: 'claim-1', nowMs: base + 10_150 })).toBe(3);
  });

  it('keeps hits in time order when a time comes earlier than the last one', async () => {
    const base = Date.now();
    await cache.hitWindow('order', 1_000, { nowMs: base + 500 });
    await cache.hitWindow('order', 1_000, { nowMs: base });
    await cache.hitWindow('order', 1_000, { nowMs: base + 900 });
    expect(await cache.countWindow('order', 1_000, base + 1_000)).toBe(2);
    expect(await cache.countWindow('order', 1_000, base + 1_500)).toBe(1);
  });

  it('lets the key die a window after its last hit', async () => {
    await cache.hitWindow('short', 100);
    await cache.hitWindow('short', 100);
    expect(await cache.countWindow('short', 100)).toBe(2);
    await sleep(150);
    expect(await cache.countWindow('short', 100)).toBe(0);
    expect(await cache.hitWindow('short', 100)).toBe(1);
  });

  it('refuses a window or time that is not a whole positive number', async () => {
    await expect(cache.hitWindow('bad', 0)).rejects.toThrow(RangeError);
    await expect(cache.hitWindow('bad', 1.5)).rejects.toThrow(RangeError);
    await expect(cache.hitWindow('bad', 1_000, { nowMs: Number.NaN })).rejects.toThrow(RangeError);
    await expect(cache.countWindow('bad', -1)).rejects.toThrow(RangeError);
  });
});

describe.runIf(process.env.REDIS_URL)('redis sliding windows across connections', () => {
  const url = process.env.REDIS_URL!;
  const prefix = `quanyi-test:${randomBytes(6).toString('hex')}:`;
  let one: RedisCache;
  let two: RedisCache;
  beforeAll(async () => {
    [one, two] = await Promise.all([RedisCache.connect(url, prefix), RedisCache.connect(url, prefix)]);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });
  const raw = (cache: RedisCache) => (cache as unknown as { redis: { pttl(key: string): Promise<number>; zcard(key: string): Promise<number> } }).redis;

  it('counts 200 concurrent hits from two connections exactly', async () => {
    const counts = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? one : two).hitWindow('ip:shared', FIVE_MINUTES)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await one.countWindow('ip:shared', FIVE_MINUTES)).toBe(200);
    expect(await two.countWindow('ip:shared', FIVE_MINUTES)).toBe(200);
  });

  it('counts the same member from two connections once', async () => {
    await Promise.all([one.hitWindow('dup', FIVE_MINUTES, { member: 'claim-9' }), two.hitWindow('dup', FIVE_MINUTES, { member: 'claim-9' })]);
    expect(await one.countWindow('dup', FIVE_MINUTES)).toBe(1);
  });

  it('gives the key a TTL of at most the window, renewed by each hit', async () => {
    await one.hitWindow('ttl', 60_000);
    const ttl = await raw(one).pttl('ttl');
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await one.hitWindow('ttl', 2_000);
    const shorter = await raw(one).pttl('ttl');
    expect(shorter).toBeGreaterThan(0);
    expect(shorter).toBeLessThanOrEqual(2_000);
  });

  it('keeps at most the cap of hits, dropping the oldest (the script run with a cap of 3)', async () => {
    const script = (cache: RedisCache) =>
      (cache as unknown as { redis: { quanyiHitWindow(key: string, nowMs: number, windowMs: number, member: string, cap: number): Promise<number> } }).redis;
    const base = Date.now();
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) counts.push(await script(one).quanyiHitWindow('capped', base + i, 60_000, `h:test:${i}`, 3));
    expect(counts).toEqual([1, 2, 3, 3, 3]);
    expect(await one.countWindow('capped', 60_000, base + 4)).toBe(3);
    expect(await one.countWindow('capped', 3, base + 4)).toBe(3); // the hits at +2, +3, +4 are the ones kept
  });

  it('keeps its keys under the adapter prefix', async () => {
    await one.hitWindow('prefixed', FIVE_MINUTES);
    const stranger = await RedisCache.connect(url, `${prefix}other:`);
    expect(await stranger.countWindow('prefixed', FIVE_MINUTES)).toBe(0);
    await stranger.close();
    expect(await raw(one).zcard('prefixed')).toBe(1);
  });
});

describe('memory sliding windows stay bounded', () => {
  it('keeps at most WINDOW_HITS_KEPT hits per key, dropping the oldest', async () => {
    const cache = new MemoryCache();
    const base = Date.now();
    let count = 0;
    for (let i = 0; i < WINDOW_HITS_KEPT + 500; i++) count = await cache.hitWindow('hot', FIVE_MINUTES, { nowMs: base + Math.floor(i / 1_000) });
    expect(count).toBe(WINDOW_HITS_KEPT);
    expect(await cache.countWindow('hot', FIVE_MINUTES, base + 1_000)).toBe(WINDOW_HITS_KEPT);
    const window = (cache as unknown as { windows: Map<string, { times: number[]; head: number }> }).windows.get('hot')!;
    expect(window.times.length).toBeLessThanOrEqual(WINDOW_HITS_KEPT * 1.125 + 1_024); // pruned slots are cut in batches
    expect(window.times[window.head]).toBe(base); // hits 0..499 (all at base) went, 500..999 remain
    await cache.close();
  });

  it('drops keys a window after their last hit, on access and in the periodic sweep', async () => {
    let clock = 1_000_000;
    const cache = new MemoryCache(() => clock);
    const windows = (cache as unknown as { windows: Map<string, unknown> }).windows;
    for (let i = 0; i < 100; i++) await cache.hitWindow(`ip:${i}`, 60_000);
    await cache.hitWindow('late', 60_000, { member: 'x' });
    expect(windows.size).toBe(101);
    clock += 30_000;
    await cache.hitWindow('late', 60_000);
    clock += 30_000; // the ip: keys are a window past their last hit; 'late' has 30 s left
    expect(await cache.countWindow('ip:0', 60_000)).toBe(0);
    expect(windows.has('ip:0')).toBe(false);
    (cache as unknown as { sweep(): void }).sweep();
    expect([...windows.keys()]).toEqual(['late']);
    expect(await cache.countWindow('late', 60_000)).toBe(1); // the first hit is exactly a window old: out
    clock += 30_000;
    (cache as unknown as { sweep(): void }).sweep();
    expect(windows.size).toBe(0);
    await cache.close();
  });

  it('frees named members as their hits leave the window', async () => {
    let clock = 0;
    const cache = new MemoryCache(() => clock);
    for (let i = 0; i < 5_000; i++) {
      clock = i;
      await cache.hitWindow('named', 100, { member: `claim-${i}` });
    }
    const window = (cache as unknown as { windows: Map<string, { named: Map<string, number>; times: number[]; head: number }> }).windows.get('named')!;
    expect(window.named.size).toBe(100);
    expect(window.times.length - window.head).toBe(100);
    await cache.close();
  });
});
