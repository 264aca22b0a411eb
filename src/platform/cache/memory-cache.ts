import type { Cache, ChannelListener, CounterState } from './cache.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** The in-process cache for embedded installs and tests: a Map with lazy expiry and a periodic sweep. */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlMs ? this.now() + ttlMs : Number.POSITIVE_INFINITY });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, windowMs: number, by = 1): Promise<CounterState> {
    const now = this.now();
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: String(by), expiresAt: now + windowMs });
      return { count: by, resetInMs: windowMs };
    }
    const count = Number(entry.value) + by;
    entry.value = String(count);
    return { count, resetInMs: Math.max(0, entry.expiresAt - now) };
  }

  /** One process shares this cache, so a message reaches its listeners at once and delivery is always live. */
  async publish(channel: string, message: string): Promise<void> {
    for (const listener of this.listeners.get(channel) ?? []) listener.onMessage(message);
  }

  subscribe(channel: string, listener: ChannelListener): void {
    const listeners = this.listeners.get(channel) ?? this.listeners.set(channel, new Set()).get(channel)!;
    listeners.add(listener);
    queueMicrotask(() => listener.onLive(true));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.listeners.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
