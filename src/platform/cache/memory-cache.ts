import { checkWindowArguments, WINDOW_HITS_KEPT, type Cache, type ChannelListener, type CounterState, type WindowHitOptions } from './cache.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * One key's sliding window: hit times ascending in `times[head..]` (the slots before `head` were pruned and are cut
 * off in batches, so pruning one hit is O(1)). `members` runs alongside once a hit has been named, and `named` maps
 * each named member to its time. Like the Redis key, the window dies `expiresAt`, a window after its last hit.
 */
interface HitWindow {
  times: number[];
  head: number;
  members: (string | undefined)[] | undefined;
  named: Map<string, number> | undefined;
  expiresAt: number;
}

/**
 * Pruned slots are cut off once there are this many and they are an eighth of the array: at most that much is
 * wasted, and each cut copies the live hits, so a pruned hit costs at most eight copies.
 */
const COMPACT_AFTER = 1_024;

/** The in-process cache for embedded installs and tests: a Map with lazy expiry and a periodic sweep. */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly windows = new Map<string, HitWindow>();
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
    this.windows.delete(key);
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

  async hitWindow(key: string, windowMs: number, options: WindowHitOptions = {}): Promise<number> {
    checkWindowArguments(windowMs, options.nowMs);
    const clock = this.now();
    const now = options.nowMs ?? clock;
    let window = this.liveWindow(key, clock);
    if (!window) {
      window = { times: [], head: 0, members: undefined, named: undefined, expiresAt: 0 };
      this.windows.set(key, window);
    }
    dropBefore(window, firstAfter(window, now - windowMs));
    if (options.member !== undefined && window.named?.has(options.member)) removeNamed(window, options.member);
    insert(window, now, options.member);
    const count = window.times.length - window.head;
    if (count > WINDOW_HITS_KEPT) dropBefore(window, window.head + count - WINDOW_HITS_KEPT);
    compact(window);
    window.expiresAt = clock + windowMs;
    return window.times.length - window.head;
  }

  async countWindow(key: string, windowMs: number, nowMs?: number): Promise<number> {
    checkWindowArguments(windowMs, nowMs);
    const clock = this.now();
    const window = this.liveWindow(key, clock);
    return window ? window.times.length - firstAfter(window, (nowMs ?? clock) - windowMs) : 0;
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
    this.windows.clear();
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

  private liveWindow(key: string, clock: number): HitWindow | undefined {
    const window = this.windows.get(key);
    if (window && window.expiresAt <= clock) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, window] of this.windows) if (window.expiresAt <= now) this.windows.delete(key);
  }
}

/** The index of the first live hit later than `time` (at or later, with `orAt`); the end when none is. */
function firstAfter(window: HitWindow, time: number, orAt = false): number {
  let low = window.head;
  let high = window.times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const t = window.times[middle]!;
    if (t < time || (t === time && !orAt)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Prunes the live hits before `index`. */
function dropBefore(window: HitWindow, index: number): void {
  if (window.members && window.named) {
    for (let i = window.head; i < index; i++) {
      const member = window.members[i];
      if (member !== undefined) window.named.delete(member);
    }
  }
  window.head = Math.max(window.head, index);
}

function removeNamed(window: HitWindow, member: string): void {
  const time = window.named!.get(member)!;
  window.named!.delete(member);
  for (let i = firstAfter(window, time, true); i < window.times.length && window.times[i] === time; i++) {
    if (window.members![i] !== member) continue;
    window.times.splice(i, 1);
    window.members!.splice(i, 1);
    return;
  }
}

/** Adds a hit in time order: an append, unless the clock (or a test's nowMs) went back. */
function insert(window: HitWindow, time: number, member: string | undefined): void {
  if (member !== undefined && !window.members) {
    window.members = new Array<string | undefined>(window.times.length).fill(undefined);
    window.named = new Map();
  }
  const last = window.times.length - 1;
  if (last < window.head || window.times[last]! <= time) {
    window.times.push(time);
    window.members?.push(member);
  } else {
    const index = firstAfter(window, time);
    window.times.splice(index, 0, time);
    window.members?.splice(index, 0, member);
  }
  if (member !== undefined) window.named!.set(member, time);
}

function compact(window: HitWindow): void {
  const { head, times } = window;
  if (head === 0 || (head < times.length && (head < COMPACT_AFTER || head * 8 < times.length))) return;
  window.times = times.slice(head);
  window.members = window.members?.slice(head);
  window.head = 0;
}
