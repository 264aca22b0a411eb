/**
 * A small circuit breaker for calls to an external system.
 *
 * Policy: **consecutive failures**.
 * - closed: calls go through. Each failure adds one to a counter, each success resets it to 0; when the counter
 *   reaches `failureThreshold` the breaker opens.
 * - open: calls fail fast with `openError()` and never run, until `cooldownMs` has passed since it opened.
 * - half-open: the first call after the cool-down runs as the single trial; calls made while the trial is in flight
 *   fail fast. A successful trial closes the breaker (counter 0); a failed trial opens it again for a new cool-down.
 *
 * What counts as a failure is decided by `isFailure` (default: every error). An error for which it returns false
 * means the external system did answer (a refusal, a quota), so it counts as a success for the breaker while still
 * being rethrown to the caller.
 *
 * The trial relies on the wrapped call settling: give it a timeout.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  readonly failureThreshold?: number;
  /** How long the breaker stays open before it lets one trial through. Default 30 s. */
  readonly cooldownMs?: number;
  /** Clock in milliseconds; injected in tests. Default Date.now. */
  readonly now?: () => number;
  /** Which errors count as failures of the external system. Default: all. */
  readonly isFailure?: (error: unknown) => boolean;
  /** The error thrown when failing fast. Default CircuitOpenError. */
  readonly openError?: () => Error;
  /** Called on every state change (logs, metrics). */
  readonly onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

export interface CircuitBreakerSnapshot {
  /** The state the next call will see ('half-open' once the cool-down has passed, even before the trial). */
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** When an open breaker lets its trial through (ms, same clock); null unless open. */
  readonly retryAt: number | null;
}

export class CircuitOpenError extends Error {
  constructor() {
    super('circuit open: failing fast');
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly openError: () => Error;
  private readonly onStateChange: ((from: CircuitState, to: CircuitState) => void) | undefined;

  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  /** Bumped on every state change. */
  private epoch = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${this.failureThreshold}`);
    }
    if (!Number.isFinite(this.cooldownMs) || this.cooldownMs < 0) {
      throw new RangeError(`cooldownMs must be a non-negative number, got ${this.cooldownMs}`);
    }
    this.now = options.now ?? Date.now;
    this.isFailure = options.isFailure ?? (() => true);
    this.openError = options.openError ?? (() => new CircuitOpenError());
    this.onStateChange = options.onStateChange;
  }

  /** The state the next call will see. */
  get state(): CircuitState {
    if (this.current === 'open' && this.now() >= this.openedAt + this.cooldownMs) return 'half-open';
    return this.current;
  }

  snapshot(): CircuitBreakerSnapshot {
    return {
      state: this.state,
      consecutiveFailures: this.failures,
      retryAt: this.current === 'open' ? this.openedAt + this.cooldownMs : null,
    };
  }

  /** Runs `call` unless the breaker is open; records its outcome. */
  async execute<T>(call: () => Promise<T>): Promise<T> {
    const epoch = this.admit();
    let result: T;
    try {
      result = await call();
    } catch (error) {
      if (this.isFailure(error)) this.recordFailure(epoch);
      else this.recordSuccess(epoch);
      throw error;
    }
    this.recordSuccess(epoch);
    return result;
  }

  /**
   * Throws the open error unless this call may run; a call admitted in half-open becomes the trial. Returns the
   * epoch the call was admitted in: the outcome of a call that outlived a state change (admitted while closed,
   * finished after the breaker opened) is ignored.
   */
  private admit(): number {
    if (this.current === 'open') {
      if (this.now() < this.openedAt + this.cooldownMs) throw this.openError();
      this.transition('half-open');
    }
    if (this.current === 'half-open') {
      if (this.trialInFlight) throw this.openError();
      this.trialInFlight = true;
    }
    return this.epoch;
  }

  private recordSuccess(epoch: number): void {
    if (epoch !== this.epoch) return;
    this.failures = 0;
    if (this.current === 'half-open') this.transition('closed');
  }

  private recordFailure(epoch: number): void {
    if (epoch !== this.epoch) return;
    if (this.current === 'half-open') {
      this.open();
      return;
    }
    this.failures += 1;
    if (this.failures >= this.failureThreshold) this.open();
  }

  private open(): void {
    this.openedAt = this.now();
    this.transition('open');
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    this.epoch += 1;
    this.trialInFlight = false;
    if (to === 'closed') this.failures = 0;
    this.onStateChange?.(from, to);
  }
}
