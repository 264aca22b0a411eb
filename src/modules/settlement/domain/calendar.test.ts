import { describe, expect, it } from 'vitest';
import { addDays, firstOfNextMonth, isWorkingDay } from './calendar.js';
import type { HolidayCalendar } from './calendar.js';

const table = (entries: Record<string, boolean> = {}): HolidayCalendar => ({ marked: new Map(Object.entries(entries)) });
const plain = table();

// Reference weekdays (2026-11-29 is a Sunday: 2026-01-01 is a Thursday and 29 November is 332 days later,
// 332 = 47 × 7 + 3, Thursday + 3 = Sunday):
//   Fri 2026-11-27, Sat 11-28, Sun 11-29, Mon 11-30, Tue 12-01, Wed 12-02, Thu 12-03, Fri 12-04, Sat 12-05;
//   Thu 2026-12-31, Fri 2027-01-01, Sat 01-02, Sun 01-03, Mon 01-04.

/** Day of the week by Zeller's congruence (0 = Sunday … 6 = Saturday), independent of Date. */
function zellerWeekday(year: number, month: number, day: number): number {
  const m = month < 3 ? month + 12 : month;
  const y = month < 3 ? year - 1 : year;
  const k = y % 100;
  const j = Math.floor(y / 100);
  const h = (day + Math.floor((13 * (m + 1)) / 5) + k + Math.floor(k / 4) + Math.floor(j / 4) + 5 * j) % 7; // 0 = Saturday
  return (h + 6) % 7;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const monthLength = (year: number, month: number) => [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
const iso = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** Every date from the first of January of `from` to the last of December of `to`, by hand-rolled calendar rules. */
function* datesOf(from: number, to: number): Generator<[number, number, number]> {
  for (let year = from; year <= to; year += 1) {
    for (let month = 1; month <= 12; month += 1) {
      for (let day = 1; day <= monthLength(year, month); day += 1) yield [year, month, day];
    }
  }
}

describe('isWorkingDay', () => {
  it('counts Monday to Friday as working days and the weekend as not', () => {
    expect(isWorkingDay('2026-11-27', plain)).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28', plain)).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29', plain)).toBe(false); // Sunday
    expect(isWorkingDay('2026-11-30', plain)).toBe(true); // Monday
    expect(isWorkingDay('2026-12-01', plain)).toBe(true); // Tuesday
    expect(isWorkingDay('2028-02-29', plain)).toBe(true); // Tuesday
  });

  it('agrees with Zeller’s congruence on every day of 2026–2028 when nothing is marked', () => {
    let days = 0;
    for (const [year, month, day] of datesOf(2026, 2028)) {
      const weekday = zellerWeekday(year, month, day);
      expect(isWorkingDay(iso(year, month, day), plain), iso(year, month, day)).toBe(weekday >= 1 && weekday <= 5);
      days += 1;
    }
    expect(days).toBe(365 + 365 + 366);
  });

  it('does not count a weekday the table marks as a holiday', () => {
    const calendar = table({ '2026-12-01': false });
    expect(isWorkingDay('2026-12-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-12-02', calendar)).toBe(true);
  });

  it('counts a weekend day the table marks as a make-up working day', () => {
    const calendar = table({ '2026-11-28': true });
    expect(isWorkingDay('2026-11-28', calendar)).toBe(true);
    expect(isWorkingDay('2026-11-29', calendar)).toBe(false);
  });

  it('lets the table mark a day the week already agrees with', () => {
    expect(isWorkingDay('2026-11-29', table({ '2026-11-29': false }))).toBe(false);
    expect(isWorkingDay('2026-11-30', table({ '2026-11-30': true }))).toBe(true);
  });
});

describe('addDays: calendar basis', () => {
  it('adds calendar days within a month', () => {
    expect(addDays('2026-11-30', 3, 'calendar', plain)).toBe('2026-12-03');
    expect(addDays('2026-11-27', 1, 'calendar', plain)).toBe('2026-11-28');
    expect(addDays('2026-11-27', 0, 'calendar', plain)).toBe('2026-11-27');
  });

  it('rolls over months and years', () => {
    expect(addDays('2026-01-31', 1, 'calendar', plain)).toBe('2026-02-01');
    expect(addDays('2026-04-30', 1, 'calendar', plain)).toBe('2026-05-01');
    expect(addDays('2026-12-30', 3, 'calendar', plain)).toBe('2027-01-02');
    expect(addDays('2026-12-31', 1, 'calendar', plain)).toBe('2027-01-01');
    expect(addDays('2027-01-01', 365, 'calendar', plain)).toBe('2028-01-01');
    expect(addDays('2028-01-01', 366, 'calendar', plain)).toBe('2029-01-01');
  });

  it('knows leap years', () => {
    expect(addDays('2028-02-28', 1, 'calendar', plain)).toBe('2028-02-29');
    expect(addDays('2028-02-29', 1, 'calendar', plain)).toBe('2028-03-01');
    expect(addDays('2027-02-28', 1, 'calendar', plain)).toBe('2027-03-01');
    expect(addDays('2100-02-28', 1, 'calendar', plain)).toBe('2100-03-01'); // divisible by 100: not a leap year
    expect(addDays('2000-02-28', 1, 'calendar', plain)).toBe('2000-02-29'); // divisible by 400: a leap year
  });

  it('ignores weekends and holidays', () => {
    const calendar = table({ '2026-11-30': false, '2026-12-01': false });
    expect(addDays('2026-11-27', 1, 'calendar', calendar)).toBe('2026-11-28');
    expect(addDays('2026-11-27', 4, 'calendar', calendar)).toBe('2026-12-01');
  });

  it('matches a hand-rolled calendar for every start day of 2027–2028 and offsets up to 40 days', () => {
    const all = [...datesOf(2027, 2029)].map(([y, m, d]) => iso(y, m, d));
    const startEnd = all.indexOf('2028-12-31');
    for (let i = 0; i <= startEnd; i += 1) {
      const days = (i * 7) % 41;
      expect(addDays(all[i]!, days, 'calendar', plain)).toBe(all[i + days]);
    }
  });
});

describe('addDays: working basis', () => {
  it('moves from a Friday to the Monday after the weekend', () => {
    expect(addDays('2026-11-27', 1, 'working', plain)).toBe('2026-11-30');
    expect(addDays('2026-11-27', 3, 'working', plain)).toBe('2026-12-02');
    expect(addDays('2026-11-27', 5, 'working', plain)).toBe('2026-12-04');
  });

  it('counts from a weekend day to the next working day', () => {
    expect(addDays('2026-11-28', 1, 'working', plain)).toBe('2026-11-30');
    expect(addDays('2026-11-29', 1, 'working', plain)).toBe('2026-11-30');
  });

  it('skips a holiday on a weekday', () => {
    // Fri 11-27 + 3: Mon 11-30 (1), Tue 12-01 holiday, Wed 12-02 (2), Thu 12-03 (3).
    expect(addDays('2026-11-27', 3, 'working', table({ '2026-12-01': false }))).toBe('2026-12-03');
    // Thu 12-31 + 1 with New Year's Day (Fri) a holiday: Sat, Sun skipped → Mon 2027-01-04.
    expect(addDays('2026-12-31', 1, 'working', table({ '2027-01-01': false }))).toBe('2027-01-04');
    expect(addDays('2026-12-31', 1, 'working', plain)).toBe('2027-01-01');
  });

  it('counts a make-up working Saturday', () => {
    const calendar = table({ '2026-11-28': true });
    expect(addDays('2026-11-27', 1, 'working', calendar)).toBe('2026-11-28');
    // Sat 11-28 (1), Mon 11-30 (2), Tue 12-01 (3).
    expect(addDays('2026-11-27', 3, 'working', calendar)).toBe('2026-12-01');
  });

  it('handles a holiday week with make-up days around it', () => {
    // Mon 11-30 to Fri 12-04 off; Sun 11-29 and Sat 12-05 worked instead.
    const calendar = table({
      '2026-11-29': true,
      '2026-11-30': false,
      '2026-12-01': false,
      '2026-12-02': false,
      '2026-12-03': false,
      '2026-12-04': false,
      '2026-12-05': true,
    });
    expect(addDays('2026-11-27', 1, 'working', calendar)).toBe('2026-11-29');
    expect(addDays('2026-11-27', 2, 'working', calendar)).toBe('2026-12-05');
    expect(addDays('2026-11-27', 3, 'working', calendar)).toBe('2026-12-07'); // Monday
  });

  it('leaves the date as it is for zero working days', () => {
    expect(addDays('2026-11-28', 0, 'working', plain)).toBe('2026-11-28');
  });

  it('gives up on a calendar without a working day in ten years', () => {
    const holidays: Record<string, boolean> = {};
    for (const [y, m, d] of datesOf(2026, 2037)) holidays[iso(y, m, d)] = false;
    expect(() => addDays('2026-01-01', 1, 'working', table(holidays))).toThrow(RangeError);
  });
});

describe('firstOfNextMonth', () => {
  it('gives the first of the following month', () => {
    expect(firstOfNextMonth('2026-11-15')).toBe('2026-12-01');
    expect(firstOfNextMonth('2026-01-31')).toBe('2026-02-01');
    expect(firstOfNextMonth('2026-02-01')).toBe('2026-03-01');
    expect(firstOfNextMonth('2026-08-31')).toBe('2026-09-01');
    expect(firstOfNextMonth('2026-09-30')).toBe('2026-10-01');
    expect(firstOfNextMonth('2028-02-29')).toBe('2028-03-01');
  });

  it('rolls December over to January of the next year', () => {
    expect(firstOfNextMonth('2026-12-01')).toBe('2027-01-01');
    expect(firstOfNextMonth('2026-12-31')).toBe('2027-01-01');
  });
});
