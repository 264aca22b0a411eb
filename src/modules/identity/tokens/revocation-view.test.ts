import { describe, expect, it } from 'vitest';
import type { ChannelListener } from '../../../platform/cache/cache.js';
import { MemoryCache } from '../../../platform/cache/memory-cache.js';
import { RevocationView } from './revocation-view.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RevocationView', () => {
  it('answers only once subscribed and loaded, from the database read and from broadcasts', async () => {
    const cache = new MemoryCache();
    let release!: (ids: string[]) => void;
    const view = new RevocationView(cache, () => new Promise((resolve) => (release = resolve)), 960);
    expect(view.isRevoked('1')).toBeUndefined(); // not started
    view.start();
    await settle();
    expect(view.isRevoked('1')).toBeUndefined(); // subscribed, database read still running
    release(['1']);
    await settle();
    expect(view.isRevoked('1')).toBe(true);
    expect(view.isRevoked('2')).toBe(false);

    const other = new RevocationView(cache, async () => [], 960); // another process sharing the cache
    other.start();
    await settle();
    await view.announce(['2']);
    expect(view.isRevoked('2')).toBe(true);
    expect(other.isRevoked('2')).toBe(true);
    await cache.close();
  });

  it('forgets a revocation once every access token it could cover has expired', async () => {
    let now = 1_000_000;
    const cache = new MemoryCache(() => now);
    const view = new RevocationView(cache, async () => [], 900, () => now);
    view.start();
    await settle();
    await view.announce(['7']);
    now += 899_000;
    expect(view.isRevoked('7')).toBe(true);
    now += 2_000;
    expect(view.isRevoked('7')).toBe(false);
    await cache.close();
  });

  it('stops answering when the subscription is lost, and reloads before answering again', async () => {
    // The cache's delivery is an external system here: a listener handle stands in for Redis going away.
    let listener!: ChannelListener;
    const cache = Object.assign(new MemoryCache(), { subscribe: (_channel: string, l: ChannelListener) => (listener = l) });
    const database = ['1'];
    const view = new RevocationView(cache, async () => [...database], 960);
    view.start();
    listener.onLive(true);
    await settle();
    expect(view.isRevoked('3')).toBe(false);
    listener.onLive(false);
    expect(view.isRevoked('3')).toBeUndefined();
    database.push('3'); // revoked while this process heard nothing
    listener.onLive(true);
    await settle();
    expect(view.isRevoked('3')).toBe(true);
    await cache.close();
  });

  it('a database read overtaken by a loss is not trusted', async () => {
    let listener!: ChannelListener;
    const cache = Object.assign(new MemoryCache(), { subscribe: (_channel: string, l: ChannelListener) => (listener = l) });
    let release!: (ids: string[]) => void;
    const view = new RevocationView(cache, () => new Promise((resolve) => (release = resolve)), 960);
    view.start();
    listener.onLive(true);
    const firstRead = release;
    listener.onLive(false);
    firstRead([]);
    await settle();
    expect(view.isRevoked('1')).toBeUndefined();
    await cache.close();
  });
});
