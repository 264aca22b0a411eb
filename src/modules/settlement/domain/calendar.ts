import { addCalendarDays } from '../../../platform/time/clock.js';

/**
 * When a settlement leg becomes available (coupon specification §4.2.2: platform T+1, merchant T+3, channel monthly).
 * Dates are Asia/Shanghai calendar dates, YYYY-MM-DD.
 */
export type DayBasis = 'calendar' | 'working';

/**
 * The holiday calendar: dates the table marks as holidays are not working days, dates it marks as working days
 * (调休, the weekend days worked to make up for a holiday) are, and other days follow the week (Monday–Friday).
 */
export interface HolidayCalendar {
  /** true: a working day despite the weekend; false: a holiday; undefined: not in the table. */
  readonly marked: ReadonlyMap<string, boolean>;
}

export function isWorkingDay(date: string, calendar: HolidayCalendar): boolean {
  const marked = calendar.marked.get(date);
  if (marked !== undefined) return marked;
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** T+N: `days` calendar days after `date`, or the `days`-th working day after it. */
export function addDays(date: string, days: number, basis: DayBasis, calendar: HolidayCalendar): string {
  if (basis === 'calendar') return addCalendarDays(date, days);
  let day = date;
  let left = days;
  // A year without a working day cannot happen; the bound stops a corrupt calendar from looping forever.
  for (let guard = 0; left > 0 && guard < 3_660; guard += 1) {
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, calendar)) left -= 1;
  }
  if (left > 0) throw new RangeError(`no working day found within ten years after ${date}`);
  return day;
}

/** The first day of the month after `date`: when a channel's monthly cycle pays. */
export function firstOfNextMonth(date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}
