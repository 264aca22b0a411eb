import { CronExpressionParser } from 'cron-parser';
import { BUSINESS_TIME_ZONE } from '../time/clock.js';

export type Schedule = { readonly cron: string } | { readonly everyMs: number };

/**
 * The latest fire time at or before `now`. Every scheduler process computes the same instants (cron in
 * Asia/Shanghai, or multiples of `everyMs` since the Unix epoch), which is what lets scheduled_runs' primary key
 * (job, fire_at) decide that a fire runs once.
 */
export function latestFireAt(schedule: Schedule, now: Date): Date {
  if ('everyMs' in schedule) {
    return new Date(Math.floor(now.getTime() / schedule.everyMs) * schedule.everyMs);
  }
  const expression = CronExpressionParser.parse(schedule.cron, {
    currentDate: new Date(now.getTime() + 1),
    tz: BUSINESS_TIME_ZONE,
  });
  return expression.prev().toDate();
}

export function nextFireAt(schedule: Schedule, now: Date): Date {
  if ('everyMs' in schedule) {
    return new Date((Math.floor(now.getTime() / schedule.everyMs) + 1) * schedule.everyMs);
  }
  return CronExpressionParser.parse(schedule.cron, { currentDate: now, tz: BUSINESS_TIME_ZONE }).next().toDate();
}

export function validateSchedule(schedule: Schedule): void {
  if ('everyMs' in schedule) {
    if (!Number.isInteger(schedule.everyMs) || schedule.everyMs < 10) throw new RangeError('everyMs must be an integer ≥ 10');
    return;
  }
  CronExpressionParser.parse(schedule.cron, { tz: BUSINESS_TIME_ZONE });
}
