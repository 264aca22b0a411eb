/**
 * The business runs on Asia/Shanghai calendar days (UTC+8 all year, no daylight saving). Everything that asks
 * "what day is it" or "how many days ago" goes through here so tests can pin the time.
 */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (next) => {
      current = new Date(next);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

const dateFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function businessDate(at: Date): string {
  return dateFormatter.format(at);
}

/** The instant a business day starts (00:00 Asia/Shanghai). */
export function startOfBusinessDay(date: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`expected YYYY-MM-DD, got ${date}`);
  const at = new Date(`${date}T00:00:00+08:00`);
  if (Number.isNaN(at.getTime()) || businessDate(at) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return at;
}

/** Whole calendar days from `from` to `to` in Asia/Shanghai (positive when `to` is later). */
export function businessDaysBetween(from: Date, to: Date): number {
  const a = startOfBusinessDay(businessDate(from)).getTime();
  const b = startOfBusinessDay(businessDate(to)).getTime();
  return Math.round((b - a) / 86_400_000);
}

export function addCalendarDays(date: string, days: number): string {
  return businessDate(new Date(startOfBusinessDay(date).getTime() + days * 86_400_000 + 12 * 3_600_000));
}
