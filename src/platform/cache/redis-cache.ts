import { Redis } from 'ioredis';
import { describeUrl } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import type { Cache, ChannelListener, CounterState } from './cache.js';

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

  /** The connection in subscriber mode, opened by the first subscribe. */
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<ChannelListener>>();

  private constructor(
    private readonly redis: RedisWithIncrement,
    /** Channels share the key prefix, so deployments (and test runs) sharing a Redis stay apart. */
    private readonly channelPrefix: string,
  ) {}

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
    return new RedisCache(redis, keyPrefix);
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

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.channelPrefix + channel, message);
  }

  subscribe(channel: string, listener: ChannelListener): void {
    const listeners = this.listeners.get(channel) ?? this.listeners.set(channel, new Set()).get(channel)!;
    listeners.add(listener);
    const subscriber = this.subscriber ?? this.openSubscriber();
    if (subscriber.status === 'ready') void this.join(subscriber, [channel]);
  }

  /**
   * The subscriber connection. Each time it becomes ready (first connect, or a reconnect after a loss) it joins
   * every channel and then tells their listeners delivery is live; each time it closes, that it is not.
   */
  private openSubscriber(): Redis {
    const subscriber = this.redis.duplicate({ autoResubscribe: false, enableAutoPipelining: false, connectionName: `quanyi-subscriber:${this.channelPrefix}` });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // a lost connection shows as onLive(false), and reconnects
    subscriber.on('ready', () => void this.join(subscriber, [...this.listeners.keys()]));
    subscriber.on('close', () => this.tell([...this.listeners.keys()], (l) => l.onLive(false)));
    subscriber.on('message', (prefixed: string, message: string) => {
      if (prefixed.startsWith(this.channelPrefix)) this.tell([prefixed.slice(this.channelPrefix.length)], (l) => l.onMessage(message));
    });
    subscriber.connect().catch(() => undefined); // lazyConnect is inherited; failures retry and surface as above
    return subscriber;
  }

  private async join(subscriber: Redis, channels: readonly string[]): Promise<void> {
    if (channels.length === 0) return;
    try {
      await subscriber.subscribe(...channels.map((c) => this.channelPrefix + c));
    } catch {
      return; // the connection went away; its next 'ready' joins again
    }
    this.tell(channels, (l) => l.onLive(true));
  }

  private tell(channels: readonly string[], call: (listener: ChannelListener) => void): void {
    for (const channel of channels) for (const listener of this.listeners.get(channel) ?? []) call(listener);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
