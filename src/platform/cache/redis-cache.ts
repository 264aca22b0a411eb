import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeUrl } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { checkWindowArguments, WINDOW_HITS_KEPT, type Cache, type ChannelListener, type CounterState, type WindowHitOptions } from './cache.js';

// INCRBY and PEXPIRE in one atomic step, so a counter can never be left without its window.
const INCREMENT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {count, ttl}
`;

// A sliding window as a sorted set of hits scored by their time in ms, in one atomic step: drop the hits that left
// the window, add this one, count, keep at most ARGV[4] (the oldest go), and let the key die a window after its
// last hit. ARGV: the time ('' for Redis's own clock, shared by every process), the window, the member, the cap.
const HIT_WINDOW_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[3])
local count = redis.call('ZCARD', KEYS[1])
local cap = tonumber(ARGV[4])
if count > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - cap - 1)
  count = cap
end
redis.call('PEXPIRE', KEYS[1], window)
return count
`;

// The hits of the last ARGV[2] ms, recording nothing and pruning nothing (the window asked may be shorter).
const COUNT_WINDOW_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
return redis.call('ZCOUNT', KEYS[1], string.format('(%.0f', now - tonumber(ARGV[2])), '+inf')
`;

/** A command Redis has not answered in this long counts as an outage (hundreds of times its usual latency). */
const COMMAND_TIMEOUT_MS = 500;

type RedisWithScripts = Redis & {
  quanyiIncrement(key: string, by: number, windowMs: number): Promise<[number, number]>;
  quanyiHitWindow(key: string, nowMs: number | '', windowMs: number, member: string, cap: number): Promise<number>;
  quanyiCountWindow(key: string, nowMs: number | '', windowMs: number): Promise<number>;
};

export class RedisCache implements Cache {
  readonly kind = 'redis' as const;

  /** The connection in subscriber mode, opened by the first subscribe. */
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  /** Members of unnamed window hits: this instance's random tag and a sequence, unique across processes. */
  private readonly hitTag = randomBytes(8).toString('hex');
  private hitSequence = 0;

  private constructor(
    private readonly redis: RedisWithScripts,
    /** Channels share the key prefix, so deployments (and test runs) sharing a Redis stay apart. */
    private readonly channelPrefix: string,
  ) {}

  /** Connects and pings once, so an unreachable REDIS_URL stops the process at start with a clear line. */
  static async connect(url: string, keyPrefix: string): Promise<RedisCache> {
    const redis = new Redis(url, {
      keyPrefix,
      lazyConnect: true,
      enableAutoPipelining: true,
      // Fail fast instead of waiting for Redis to come back: with the offline queue off a command sent while the
      // connection is down fails at once, one in flight when it drops fails with it, and one Redis does not answer
      // fails after COMMAND_TIMEOUT_MS. The caller (DegradingCache) then serves from its fallback.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    }) as RedisWithScripts;
    redis.defineCommand('quanyiIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    redis.defineCommand('quanyiHitWindow', { numberOfKeys: 1, lua: HIT_WINDOW_SCRIPT });
    redis.defineCommand('quanyiCountWindow', { numberOfKeys: 1, lua: COUNT_WINDOW_SCRIPT });
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

  async hitWindow(key: string, windowMs: number, options: WindowHitOptions = {}): Promise<number> {
    checkWindowArguments(windowMs, options.nowMs);
    // Named and generated members live apart ('m:' and 'h:'), so a caller's member never collides with ours.
    const member = options.member === undefined ? `h:${this.hitTag}:${(this.hitSequence += 1)}` : `m:${options.member}`;
    return Number(await this.redis.quanyiHitWindow(key, options.nowMs ?? '', windowMs, member, WINDOW_HITS_KEPT));
  }

  async countWindow(key: string, windowMs: number, nowMs?: number): Promise<number> {
    checkWindowArguments(windowMs, nowMs);
    return Number(await this.redis.quanyiCountWindow(key, nowMs ?? '', windowMs));
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
    if (this.subscriber) await closeConnection(this.subscriber);
    await closeConnection(this.redis);
  }
}

/** QUIT when connected (pending replies arrive first); a connection that is down is just dropped, or QUIT waits. */
async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
