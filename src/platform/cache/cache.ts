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

export interface CounterState {
  readonly count: number;
  readonly resetInMs: number;
}

export interface ChannelListener {
  onMessage(message: string): void;
  onLive(live: boolean): void;
}
