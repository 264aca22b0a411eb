import { ReplyError } from 'ioredis';
import type { Cache, ChannelListener, CounterState, WindowHitOptions } from './cache.js';

export interface DegradingCacheOptions {
  /** After a failure, how long calls go straight to the fallback before Redis is tried again. */
  readonly retryAfterMs?: number;
  readonly now?: () => number;
  /** Told once when the cache starts serving from the fallback, and once when it is back on Redis. */
  readonly onChange?: (degraded: boolean, error?: unknown) => void;
}

/**
 * Redis that degrades instead of stopping. The design has Redis accelerate and count, never decide alone, so when
 * it is unreachable every call is answered by a per-process fallback (rate limits and counters then hold per
 * process) and the request goes on. After `retryAfterMs` the next call tries Redis again; the first that works
 * ends the outage. Redis's own refusals (a script error, a wrong type) are bugs, not outages: they still throw.
 */
export class DegradingCache implements Cache {
  readonly kind = 'redis' as const;
  private readonly retryAfterMs: number;
  private readonly now: () => number;
  private retryAt = 0;
  private degradedSince: number | undefined;

  constructor(
    private readonly primary: Cache,
    private readonly fallback: Cache,
    private readonly options: DegradingCacheOptions = {},
  ) {
    this.retryAfterMs = options.retryAfterMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** True while calls are answered by the fallback. */
  get degraded(): boolean {
    return this.degradedSince !== undefined;
  }

  /**
   * A read of something another process may have written (a revocation, a cached answer) is never answered by
   * the fallback, which cannot know it: while Redis is unreachable it throws, and callers go to the source of
   * truth or treat it as a miss.
   */
  get(key: string): Promise<string | null> {
    return this.call((cache) => cache.get(key), { fallback: false });
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.call((cache) => cache.set(key, value, ttlMs));
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.call((cache) => cache.setIfAbsent(key, value, ttlMs));
  }

  delete(key: string): Promise<void> {
    return this.call((cache) => cache.delete(key));
  }

  increment(key: string, windowMs: number, by?: number): Promise<CounterState> {
    return this.call((cache) => cache.increment(key, windowMs, by));
  }

  hitWindow(key: string, windowMs: number, options?: WindowHitOptions): Promise<number> {
    return this.call((cache) => cache.hitWindow(key, windowMs, options));
  }

  countWindow(key: string, windowMs: number, nowMs?: number): Promise<number> {
    return this.call((cache) => cache.countWindow(key, windowMs, nowMs));
  }

  /**
   * Broadcasts are best effort by contract: a listener resynchronises when its delivery resumes (onLive), so a
   * message lost to an outage costs a resync, not a request.
   */
  async publish(channel: string, message: string): Promise<void> {
    await this.call((cache) => (cache === this.primary ? cache.publish(channel, message) : Promise.resolve()));
  }

  subscribe(channel: string, listener: ChannelListener): void {
    this.primary.subscribe(channel, listener);
  }

  /** Readiness asks Redis itself, so an outage shows there even while requests are served. */
  ping(): Promise<void> {
    return this.primary.ping();
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }

  private async call<T>(operation: (cache: Cache) => Promise<T>, { fallback = true } = {}): Promise<T> {
    const serve = (error: unknown) => (fallback ? operation(this.fallback) : Promise.reject(new CacheUnavailableError(error)));
    if (this.degradedSince !== undefined && this.now() < this.retryAt) return serve(undefined);
    let value: T;
    try {
      value = await operation(this.primary);
    } catch (error) {
      if (!isOutage(error)) throw error;
      this.retryAt = this.now() + this.retryAfterMs;
      if (this.degradedSince === undefined) {
        this.degradedSince = this.now();
        this.options.onChange?.(true, error);
      }
      return serve(error);
    }
    if (this.degradedSince !== undefined) {
      this.degradedSince = undefined;
      this.options.onChange?.(false);
    }
    return value;
  }
}

/** What a read answers while Redis is unreachable: the fallback cannot know what other processes wrote. */
export class CacheUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the cache is unreachable', { cause });
    this.name = 'CacheUnavailableError';
  }
}

/** A lost or refused connection, a timeout: anything but Redis answering, or our own argument checks. */
function isOutage(error: unknown): boolean {
  return !(error instanceof ReplyError) && !(error instanceof RangeError) && !(error instanceof TypeError);
}
