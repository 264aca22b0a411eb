import { describe, expect, it } from 'vitest';
import { afterUnansweredAttempt, MAX_PAYOUT_ATTEMPTS } from './prize-backoff.js';

describe('afterUnansweredAttempt', () => {
  it('doubles from one minute, caps at an hour, and gives up after the eighth attempt', () => {
    const minutes = Array.from({ length: MAX_PAYOUT_ATTEMPTS - 1 }, (_, i) => afterUnansweredAttempt(i + 1)).map((step) => ('retryInMs' in step ? step.retryInMs / 60_000 : null));
    expect(minutes).toEqual([1, 2, 4, 8, 16, 32, 60]);
    expect(afterUnansweredAttempt(8)).toEqual({ giveUp: true });
    expect(afterUnansweredAttempt(20)).toEqual({ giveUp: true });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempts = %s', (attempts) => {
    expect(() => afterUnansweredAttempt(attempts)).toThrow(RangeError);
  });
});
