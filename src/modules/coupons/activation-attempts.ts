import type { Kysely } from 'kysely';
import type { Cache } from '../../platform/cache/cache.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Outbox } from '../../platform/outbox/outbox.js';

export interface ActivationFailureLimits {
  readonly perUser: number;
  readonly perDevice: number;
  readonly perIp: number;
  readonly windowSeconds: number;
}

export interface ActivationCaller {
  readonly userId: string;
  readonly deviceId?: string;
  readonly ip: string;
}

/** Published once per window and scope when a caller reaches the cap: risk control's record of a code guesser. */
export const ACTIVATION_GUESSING_TOPIC = 'coupon.activation_guessing';

/**
 * Refusals that are not guesses: the code exists and is free, the user's own limit or a race stopped it. Every
 * other refusal of an activation (no such code, a malformed one, someone else's, spent, expired, frozen…) is
 * what trying codes at random produces, and counts.
 */
const NOT_GUESSES: ReadonlySet<string> = new Set(['COUPON_LIMIT_REACHED', 'COUPON_DAILY_LIMIT_REACHED', 'COUPON_CONFLICT']);

/**
 * Counts failed POST /coupon/activate calls per user, per device id (when the app sends one) and per IP, in
 * fixed windows of the shared cache, and refuses a caller over any cap before the code is looked up, so a
 * guesser learns nothing more until the window passes. The caps bound the guess rate (docs/security.md).
 */
export class ActivationAttempts {
  constructor(
    private readonly cache: Cache,
    private readonly db: Kysely<Database>,
    private readonly outbox: Outbox,
    private readonly limits: ActivationFailureLimits,
  ) {}

  /** Throws 429 COUPON_ACTIVATION_ATTEMPTS_EXCEEDED (with retry_after) when a scope of the caller is at its cap. */
  async ensureAllowed(caller: ActivationCaller): Promise<void> {
    for (const scope of this.scopes(caller)) {
      const state = await this.cache.increment(scope.key, this.windowMs, 0);
      if (state.count >= scope.cap) {
        throw new AppError('COUPON_ACTIVATION_ATTEMPTS_EXCEEDED', { retry_after: Math.max(1, Math.ceil(state.resetInMs / 1000)), scope: scope.name });
      }
    }
  }

  /** Whether this refusal of an activation counts as a failed guess. */
  counts(error: unknown): boolean {
    return error instanceof AppError && error.code !== 'COUPON_ACTIVATION_ATTEMPTS_EXCEEDED' && !NOT_GUESSES.has(error.code) && error.status < 500;
  }

  /** Counts one failure; the failure that reaches a cap reports the caller to risk control (outbox). */
  async recordFailure(caller: ActivationCaller, requestId: string): Promise<void> {
    const reached: { scope: string; failures: number }[] = [];
    for (const scope of this.scopes(caller)) {
      const state = await this.cache.increment(scope.key, this.windowMs, 1);
      if (state.count === scope.cap) reached.push({ scope: scope.name, failures: state.count });
    }
    if (reached.length === 0) return;
    await this.db.transaction().execute((trx) =>
      this.outbox.publish(trx, {
        topic: ACTIVATION_GUESSING_TOPIC,
        aggregateId: caller.userId,
        payload: { user_id: caller.userId, device_id: caller.deviceId ?? null, ip: caller.ip, reached, window_seconds: this.limits.windowSeconds },
        requestId,
      }),
    );
  }

  private get windowMs(): number {
    return this.limits.windowSeconds * 1000;
  }

  private scopes(caller: ActivationCaller): { name: 'user' | 'device' | 'ip'; key: string; cap: number }[] {
    return [
      { name: 'user' as const, key: `coupons:activation-failures:user:${caller.userId}`, cap: this.limits.perUser },
      ...(caller.deviceId ? [{ name: 'device' as const, key: `coupons:activation-failures:device:${caller.deviceId}`, cap: this.limits.perDevice }] : []),
      { name: 'ip' as const, key: `coupons:activation-failures:ip:${caller.ip}`, cap: this.limits.perIp },
    ];
  }
}
