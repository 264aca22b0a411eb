import type { Cache } from './cache.js';
import { DegradingCache } from './degrading-cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

/** Redis (degrading to a per-process cache while it is unreachable) when a URL is given; in-process otherwise. */
export async function connectCache(redisUrl: string | undefined, keyPrefix: string, onChange?: (degraded: boolean, error?: unknown) => void): Promise<Cache> {
  if (!redisUrl) return new MemoryCache();
  return new DegradingCache(await RedisCache.connect(redisUrl, keyPrefix), new MemoryCache(), { onChange });
}
