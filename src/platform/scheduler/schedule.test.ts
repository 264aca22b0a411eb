import { randomInt } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { latestFireAt, nextFireAt, validateSchedule, type Schedule } from './schedule.js';

const wednesdays: Schedule = { cron: '0 10 * * 3' }; // Wednesdays 10:00 Asia/Shanghai = 02:00 UTC
const iso = (date: Date) => date.toISOString();

describe('cron schedules (Asia/Shanghai)', () => {
  it('fires on the instant itself: Wed 2026-11-25 10:00 Shanghai is 02:00 UTC', () => {
    expect(new Date('2026-11-25T02:00:00Z').getUTCDay()).toBe(3);
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-25T02:00:00Z')))).toBe('2026-11-25T02:00:00.000Z');
  });

  it('keeps that fire time for the rest of the week', () => {
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-25T02:00:00.500Z')))).toBe('2026-11-25T02:00:00.000Z');
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-26T12:00:00Z')))).toBe('2026-11-25T02:00:00.000Z');
    expect(iso(latestFireAt(wednesdays, new Date('2026-12-02T01:59:59.999Z')))).toBe('2026-11-25T02:00:00.000Z');
  });

  it('returns the previous Wednesday one second before', () => {
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-25T01:59:59Z')))).toBe('2026-11-18T02:00:00.000Z');
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-25T01:59:59.999Z')))).toBe('2026-11-18T02:00:00.000Z');
  });

  it('interprets the cron in Shanghai time, not UTC', () => {
    // 2026-11-25T10:00Z is Wednesday 18:00 in Shanghai: the 10:00 Shanghai fire (02:00Z) is the latest one.
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-25T10:00:00Z')))).toBe('2026-11-25T02:00:00.000Z');
    // Tuesday 2026-11-24T18:00Z is already Wednesday 02:00 in Shanghai, before 10:00.
    expect(iso(latestFireAt(wednesdays, new Date('2026-11-24T18:00:00Z')))).toBe('2026-11-18T02:00:00.000Z');
  });

  it('nextFireAt finds the coming Wednesday', () => {
    expect(iso(nextFireAt(wednesdays, new Date('2026-11-22T00:00:00Z')))).toBe('2026-11-25T02:00:00.000Z');
    expect(iso(nextFireAt(wednesdays, new Date('2026-11-25T01:59:59Z')))).toBe('2026-11-25T02:00:00.000Z');
  });

  it('nextFireAt is strictly after a fire instant', () => {
    expect(iso(nextFireAt(wednesdays, new Date('2026-11-25T02:00:00Z')))).toBe('2026-12-02T02:00:00.000Z');
  });

  it('handles daily schedules across the Shanghai midnight', () => {
    const midnight: Schedule = { cron: '0 0 * * *' }; // 00:00 Shanghai = 16:00 UTC the day before
    // 15:59:59Z on the 22nd is 23:59:59 on the 22nd in Shanghai: the latest midnight began that day.
    expect(iso(latestFireAt(midnight, new Date('2026-11-22T15:59:59Z')))).toBe('2026-11-21T16:00:00.000Z');
    expect(iso(latestFireAt(midnight, new Date('2026-11-22T16:00:00Z')))).toBe('2026-11-22T16:00:00.000Z');
    expect(iso(nextFireAt(midnight, new Date('2026-12-31T15:00:00Z')))).toBe('2026-12-31T16:00:00.000Z');
  });
});

describe('everyMs schedules', () => {
  it('align to multiples of everyMs since the Unix epoch', () => {
    const minute: Schedule = { everyMs: 60_000 };
    expect(latestFireAt(minute, new Date(123_456_789)).getTime()).toBe(123_420_000);
    expect(nextFireAt(minute, new Date(123_456_789)).getTime()).toBe(123_480_000);
  });

  it('fire at the instant itself when it is a multiple', () => {
    const fiveSeconds: Schedule = { everyMs: 5_000 };
    const at = new Date('2026-11-22T00:00:05Z');
    expect(iso(latestFireAt(fiveSeconds, at))).toBe('2026-11-22T00:00:05.000Z');
    expect(iso(nextFireAt(fiveSeconds, at))).toBe('2026-11-22T00:00:10.000Z');
    expect(iso(latestFireAt(fiveSeconds, new Date(at.getTime() - 1)))).toBe('2026-11-22T00:00:00.000Z');
  });

  it('satisfy latest ≤ now < next = latest + everyMs for many instants and periods', () => {
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 2_000; i++) {
      const everyMs = randomInt(10, 86_400_001);
      const now = base + randomInt(0, 2 ** 40);
      const latest = latestFireAt({ everyMs }, new Date(now)).getTime();
      const next = nextFireAt({ everyMs }, new Date(now)).getTime();
      const context = `everyMs=${everyMs} now=${now}`;
      expect(latest % everyMs, context).toBe(0);
      expect(latest <= now && now < latest + everyMs, context).toBe(true);
      expect(next, context).toBe(latest + everyMs);
    }
  });

  it('give every process the same fire time regardless of when in the period it looks', () => {
    const hourly: Schedule = { everyMs: 3_600_000 };
    const start = Date.UTC(2026, 10, 22, 8);
    const seen = new Set([0, 1, 59_999, 1_800_000, 3_599_999].map((offset) => latestFireAt(hourly, new Date(start + offset)).getTime()));
    expect([...seen]).toEqual([start]);
  });
});

describe('validateSchedule', () => {
  it('accepts valid schedules', () => {
    expect(() => validateSchedule(wednesdays)).not.toThrow();
    expect(() => validateSchedule({ cron: '*/5 * * * *' })).not.toThrow();
    expect(() => validateSchedule({ everyMs: 10 })).not.toThrow();
    expect(() => validateSchedule({ everyMs: 60_000 })).not.toThrow();
  });

  it.each(['not a cron', '61 * * * *', '0 25 * * *', '0 10 * * 8'])('rejects cron %j', (cron) => {
    expect(() => validateSchedule({ cron })).toThrow();
  });

  it.each([0, -1_000, 9, 10.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects everyMs %s', (everyMs) => {
    expect(() => validateSchedule({ everyMs })).toThrow(RangeError);
  });
});
