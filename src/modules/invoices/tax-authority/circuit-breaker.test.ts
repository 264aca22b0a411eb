import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';

class Boom extends Error {}
class Answered extends Error {}

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  let now = 1_000_000;
  const changes: [CircuitState, CircuitState][] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 10_000,
    now: () => now,
    onStateChange: (from, to) => changes.push([from, to]),
    ...options,
  });
  let calls = 0;
  const ok = () => breaker.execute(async () => ++calls);
  const fail = () =>
    breaker.execute(async () => {
      calls++;
      throw new Boom('down');
    });
  return {
    breaker,
    changes,
    ok,
    fail,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CircuitBreaker', () => {
  it('passes results and errors through while closed', async () => {
    const { breaker, ok, fail } = setup();
    await expect(ok()).resolves.toBe(1);
    await expect(fail()).rejects.toBeInstanceOf(Boom);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 1, retryAt: null });
  });

  it('opens after N consecutive failures and then fails fast without running the call', async () => {
    const { breaker, fail, ok, calls, changes } = setup();
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toBeInstanceOf(Boom);
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, retryAt: 1_000_000 + 10_000 });
    await expect(ok()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls()).toBe(3);
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('counts consecutive failures only: a success in between resets the count', async () => {
    const { breaker, fail, ok } = setup();
    await expect(fail()).rejects.toThrow();
    await expect(fail()).rejects.toThrow();
    await ok();
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    await expect(fail()).rejects.toThrow();
    await expect(fail()).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    await expect(fail()).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it('throws the configured error when open', async () => {
    const { breaker, fail } = setup({ failureThreshold: 1, openError: () => new Answered('fast') });
    await expect(fail()).rejects.toBeInstanceOf(Boom);
    await expect(breaker.execute(async () => 1)).rejects.toThrow(new Answered('fast'));
  });

  it('stays open for the cool-down, then lets one trial through; a successful trial closes it', async () => {
    const { breaker, fail, ok, calls, advance, changes } = setup();
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow();
    advance(9_999);
    await expect(ok()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls()).toBe(3);
    advance(1);
    expect(breaker.state).toBe('half-open');
    await expect(ok()).resolves.toBe(4);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
    // Closed again: it takes N fresh failures to open.
    await expect(fail()).rejects.toBeInstanceOf(Boom);
    expect(breaker.state).toBe('closed');
  });

  it('reopens for a new cool-down when the trial fails', async () => {
    const { breaker, fail, ok, calls, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow();
    advance(10_000);
    await expect(fail()).rejects.toBeInstanceOf(Boom);
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().retryAt).toBe(1_000_000 + 20_000);
    advance(5_000);
    await expect(ok()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls()).toBe(4);
    advance(5_000);
    await expect(ok()).resolves.toBe(5);
    expect(breaker.state).toBe('closed');
  });

  it('allows exactly one trial in half-open: concurrent calls fail fast while it runs', async () => {
    const { breaker, fail, advance } = setup();
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow();
    advance(10_000);
    let release!: (value: string) => void;
    const trial = breaker.execute(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.execute(async () => 'second')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(breaker.state).toBe('half-open');
    release('trial');
    await expect(trial).resolves.toBe('trial');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(async () => 'third')).resolves.toBe('third');
  });

  it('treats errors that isFailure rejects as answers: rethrown, never opening, and closing a half-open breaker', async () => {
    const { breaker, fail, advance } = setup({ isFailure: (error) => !(error instanceof Answered) });
    const answered = () =>
      breaker.execute(async () => {
        throw new Answered('quota');
      });
    for (let i = 0; i < 5; i++) await expect(answered()).rejects.toBeInstanceOf(Answered);
    expect(breaker.state).toBe('closed');
    await expect(fail()).rejects.toThrow();
    await expect(fail()).rejects.toThrow();
    await expect(answered()).rejects.toThrow();
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow();
    advance(10_000);
    await expect(answered()).rejects.toBeInstanceOf(Answered);
    expect(breaker.state).toBe('closed');
  });

  it('ignores the outcome of a call that outlived a state change', async () => {
    const { breaker, fail } = setup();
    let release!: () => void;
    const slow = breaker.execute(() => new Promise<void>((resolve) => (release = resolve)));
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow();
    expect(breaker.state).toBe('open');
    release();
    await slow;
    expect(breaker.state).toBe('open');
  });

  it('counts a synchronous throw as a failure', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    await expect(
      breaker.execute(() => {
        throw new Boom('sync');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(breaker.state).toBe('open');
  });

  it('rejects nonsensical options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 1.5 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(RangeError);
  });
});
