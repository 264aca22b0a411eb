/** A bank outage is retried this many attempts in all (about two hours), then the prize fails PAYOUT_UNAVAILABLE. */
export const MAX_PAYOUT_ATTEMPTS = 8;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 3_600_000;

/**
 * What follows attempt `attempts` (1-based) of a payout the bank could not answer: another try after
 * 1 min × 2^(attempts − 1), capped at 1 h — 1, 2, 4, 8, 16, 32, 60 min — or, after the last attempt, giving up.
 */
export function afterUnansweredAttempt(attempts: number): { readonly retryInMs: number } | { readonly giveUp: true } {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  if (attempts >= MAX_PAYOUT_ATTEMPTS) return { giveUp: true };
  return { retryInMs: Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempts - 1)) };
}
