import type { Cache } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

export async function connectCache(redisUrl: string | undefined, keyPrefix: string): Promise<Cache> {
  return redisUrl ? RedisCache.connect(redisUrl, keyPrefix) : new MemoryCache();
}
