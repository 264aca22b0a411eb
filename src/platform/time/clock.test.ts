import { describe, it, expect } from 'vitest';
import { addCalendarDays, businessDate, businessDaysBetween, fixedClock, startOfBusinessDay, systemClock } from './clock.js';

describe('businessDate', () => {
  it('uses the Asia/Shanghai (UTC+8) calendar day', () => {
    expect(businessDate(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
    expect(businessDate(new Date('2026-11-22T15:59:59.999Z'))).toBe('2026-11-22');
    expect(businessDate(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
    expect(businessDate(new Date('2026-11-22T00:00:00Z'))).toBe('2026-11-22');
  });

  it('is already the next year in Shanghai at 16:00 UTC on 31 December', () => {
    expect(businessDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('has no daylight saving: 16:00 UTC is midnight in summer too', () => {
    expect(businessDate(new Date('2026-07-01T15:59:59Z'))).toBe('2026-07-01');
    expect(businessDate(new Date('2026-07-01T16:00:00Z'))).toBe('2026-07-02');
  });
});

describe('startOfBusinessDay', () => {
  it('is 00:00 Asia/Shanghai, i.e. 16:00 UTC the day before', () => {
    expect(startOfBusinessDay('2026-11-22').toISOString()).toBe('2026-11-21T16:00:00.000Z');
    expect(startOfBusinessDay('2027-01-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(startOfBusinessDay('2028-02-29').toISOString()).toBe('2028-02-28T16:00:00.000Z');
  });

  it('is the inverse of businessDate', () => {
    const start = startOfBusinessDay('2026-11-22');
    expect(businessDate(start)).toBe('2026-11-22');
    expect(businessDate(new Date(start.getTime() - 1))).toBe('2026-11-21');
  });

  it.each(['2026-02-30', '2027-02-29', '2026-13-01', '2026-00-10', '2026-04-31', 'x', '', '2026-1-1', '2026/11/22', '2026-11-22T00:00:00Z'])(
    'rejects %j',
    (input) => {
      expect(() => startOfBusinessDay(input)).toThrow(RangeError);
    },
  );
});

describe('businessDaysBetween', () => {
  it('counts one day across Shanghai midnight even when only a second apart', () => {
    expect(businessDaysBetween(new Date('2026-11-22T15:59:59Z'), new Date('2026-11-22T16:00:00Z'))).toBe(1);
  });

  it('counts zero within one Shanghai day even when almost 24 hours apart', () => {
    expect(businessDaysBetween(new Date('2026-11-21T16:00:00Z'), new Date('2026-11-22T15:59:59Z'))).toBe(0);
  });

  it('is negative when `to` is earlier', () => {
    expect(businessDaysBetween(new Date('2026-11-22T16:00:00Z'), new Date('2026-11-22T15:59:59Z'))).toBe(-1);
  });

  it('counts whole days across month and year ends', () => {
    expect(businessDaysBetween(new Date('2026-12-30T04:00:00Z'), new Date('2027-01-02T04:00:00Z'))).toBe(3);
    expect(businessDaysBetween(new Date('2026-01-01T04:00:00Z'), new Date('2027-01-01T04:00:00Z'))).toBe(365);
    expect(businessDaysBetween(new Date('2028-01-01T04:00:00Z'), new Date('2029-01-01T04:00:00Z'))).toBe(366);
  });
});

describe('addCalendarDays', () => {
  it.each([
    ['2026-11-22', 0, '2026-11-22'],
    ['2026-11-22', 1, '2026-11-23'],
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2026-01-31', 30, '2026-03-02'],
    ['2026-11-22', 365, '2027-11-22'],
    ['2026-11-22', -7, '2026-11-15'],
  ])('%s plus %i days is %s', (date, days, expected) => {
    expect(addCalendarDays(date, days)).toBe(expected);
  });

  it('rejects an invalid start date', () => {
    expect(() => addCalendarDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('fixedClock', () => {
  it('returns the pinned instant until set or advanced', () => {
    const clock = fixedClock('2026-11-22T15:59:59Z');
    expect(clock.now().toISOString()).toBe('2026-11-22T15:59:59.000Z');
    expect(clock.now().toISOString()).toBe('2026-11-22T15:59:59.000Z');
    clock.advance(1_000);
    expect(clock.now().toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(businessDate(clock.now())).toBe('2026-11-23');
    clock.set(new Date('2030-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    clock.advance(-60_000);
    expect(clock.now().toISOString()).toBe('2029-12-31T23:59:00.000Z');
  });

  it('hands out copies, so mutating a returned Date does not move the clock', () => {
    const start = new Date('2026-11-22T00:00:00Z');
    const clock = fixedClock(start);
    clock.now().setTime(0);
    start.setTime(0);
    expect(clock.now().toISOString()).toBe('2026-11-22T00:00:00.000Z');
  });
});

describe('systemClock', () => {
  it('follows the real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
