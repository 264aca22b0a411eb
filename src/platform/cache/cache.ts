/**
 * The cache port. Redis when REDIS_URL is set (shared by all processes), in-process otherwise. It accelerates
 * and counts; it never decides alone anything PostgreSQL must guarantee.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent; true when this call set it (nonce replay checks, one-shot markers). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Adds `by` to a counter that lives `windowMs` from its first increment (a fixed window), and reports the
   * new count and how long the window has left. Rate limits and velocity counters build on this.
   */
  increment(key: string, windowMs: number, by?: number): Promise<CounterState>;
  /**
   * Records one hit on a sliding window (atomically, however many processes share the cache) and returns how many
   * hits the key holds from the last `windowMs`, this one included: hits at times t with t > now - windowMs. Unlike
   * `increment` there are no fixed buckets, so "more than 10 in 5 minutes" holds for any 5 minutes. Hits given the
   * same `member` (a claim id, say) count once, at the time of the latest, so a retried event is not counted twice.
   * The key lives `windowMs` after its last hit. Record a key with one window only (its longest: a hit prunes
   * what is older than its own window); `countWindow` can then ask about shorter ones. A key keeps at most
   * WINDOW_HITS_KEPT hits (the oldest go first), so counts saturate there. `nowMs` (whole milliseconds) is for
   * tests; without it the time is the cache's clock (Redis's own, shared by all processes).
   */
  hitWindow(key: string, windowMs: number, options?: WindowHitOptions): Promise<number>;
  /** How many hits `key` holds from the last `windowMs` (as hitWindow counts them), recording none. */
  countWindow(key: string, windowMs: number, nowMs?: number): Promise<number>;
  /** Broadcasts `message` on `channel` to the subscribers of every process sharing this cache (see subscribe). */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Delivers the messages published on `channel` while the subscription is live, at most once. `onLive(true)` is
   * called each time delivery starts or resumes and `onLive(false)` when it stops (a lost connection): messages
   * published in between are lost, so a listener that keeps state from them resynchronises on every resume.
   */
  subscribe(channel: string, listener: ChannelListener): void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface WindowHitOptions {
  /** Identifies the hit: hits with the same member count once. Unique when absent. */
  readonly member?: string;
  /** The hit's time in epoch milliseconds, for tests; the cache's clock when absent. */
  readonly nowMs?: number;
}

/** The most hits a sliding window keeps per key; counts saturate here, which bounds a hot key's memory. */
export const WINDOW_HITS_KEPT = 100_000;

/** Checks a window's arguments the same way on every adapter: a whole positive window, a whole time. */
export function checkWindowArguments(windowMs: number, nowMs: number | undefined): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive whole number, got ${windowMs}`);
  if (nowMs !== undefined && (!Number.isSafeInteger(nowMs) || nowMs < 0)) throw new RangeError(`nowMs must be a whole number of epoch milliseconds, got ${nowMs}`);
}

export interface CounterState {
  readonly count: number;
  readonly resetInMs: number;
}

export interface ChannelListener {
  onMessage(message: string): void;
  onLive(live: boolean): void;
}
