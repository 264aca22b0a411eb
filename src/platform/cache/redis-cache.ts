import { Redis } from 'ioredis';
import { describeUrl } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import type { Cache, CounterState } from './cache.js';

// INCRBY and PEXPIRE in one atomic step, so a counter can never be left without its window.
const INCREMENT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {count, ttl}
`;

type RedisWithIncrement = Redis & {
  quanyiIncrement(key: string, by: number, windowMs: number): Promise<[number, number]>;
};

export class RedisCache implements Cache {
  readonly kind = 'redis' as const;

  private constructor(private readonly redis: RedisWithIncrement) {}

  /** Connects and pings once, so an unreachable REDIS_URL stops the process at start with a clear line. */
  static async connect(url: string, keyPrefix: string): Promise<RedisCache> {
    const redis = new Redis(url, {
      keyPrefix,
      lazyConnect: true,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    }) as RedisWithIncrement;
    redis.defineCommand('quanyiIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    redis.on('error', () => undefined); // reported through failing commands and /readyz, not as a crash
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new ConfigError('REDIS_URL', `cannot connect to ${describeUrl(url)}: ${(error as Error).message}`);
    }
    return new RedisCache(redis);
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.redis.set(key, value, 'PX', ttlMs);
    else await this.redis.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async increment(key: string, windowMs: number, by = 1): Promise<CounterState> {
    const [count, ttl] = await this.redis.quanyiIncrement(key, by, windowMs);
    return { count: Number(count), resetInMs: Number(ttl) };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
