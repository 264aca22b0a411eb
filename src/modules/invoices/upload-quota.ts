import type { Cache } from '../../platform/cache/cache.js';
import { AppError } from '../../platform/errors/app-error.js';

export interface UploadQuotaLimits {
  readonly perHour: number;
  readonly perDay: number;
  readonly bytesPerHour: number;
  readonly bytesPerDay: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Each user's allowance of invoice files, by count and by bytes, per hour and per day: fixed windows on the cache
 * port (shared by every process through Redis), counted before any byte of the file is read. Refused uploads count
 * too, since reading them cost the same. Over any ceiling: 429 with Retry-After when the fullest window ends. If
 * the cache fails the upload passes, as the rate limits do: the worker pool still bounds the work.
 */
export class UploadQuota {
  constructor(
    private readonly cache: Cache,
    private readonly limits: UploadQuotaLimits,
    private readonly onCacheError: (error: unknown) => void = () => undefined,
  ) {}

  async charge(userId: string, bytes: number): Promise<void> {
    const windows = [
      { key: `quota:invoice-upload:count:hour:${userId}`, windowMs: HOUR_MS, by: 1, limit: this.limits.perHour },
      { key: `quota:invoice-upload:count:day:${userId}`, windowMs: DAY_MS, by: 1, limit: this.limits.perDay },
      { key: `quota:invoice-upload:bytes:hour:${userId}`, windowMs: HOUR_MS, by: bytes, limit: this.limits.bytesPerHour },
      { key: `quota:invoice-upload:bytes:day:${userId}`, windowMs: DAY_MS, by: bytes, limit: this.limits.bytesPerDay },
    ].filter((window) => window.limit > 0);
    let states;
    try {
      states = await Promise.all(windows.map((w) => this.cache.increment(w.key, w.windowMs, w.by)));
    } catch (error) {
      this.onCacheError(error);
      return;
    }
    const overMs = Math.max(0, ...states.map((state, i) => (state.count > windows[i]!.limit ? state.resetInMs : 0)));
    if (overMs > 0) throw new AppError('INVOICE_UPLOAD_QUOTA_EXCEEDED', { retry_after: Math.max(1, Math.ceil(overMs / 1000)) });
  }
}
