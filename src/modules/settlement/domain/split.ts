/**
 * Revenue splits in integer fen (seed 001 §4.2.2: platform 10%, merchant 85%, channel 5%). Rates are basis
 * points. The platform's and the channel's parts are rounded down and the merchant takes the remainder, so the
 * parts always sum to the whole (reference/ledger-and-concurrency.md §5, settlement 2).
 */
export type Party = 'platform' | 'merchant' | 'channel';

export interface SplitRule {
  readonly platformBps: number;
  readonly merchantBps: number;
  readonly channelBps: number;
}

export const DEFAULT_SPLIT: SplitRule = { platformBps: 1000, merchantBps: 8500, channelBps: 500 };

export type SplitParts = Readonly<Record<Party, bigint>>;

/** Why a rule is unusable, or undefined when it is fine. */
export function splitRuleProblem(rule: SplitRule): string | undefined {
  const rates = { platform_bps: rule.platformBps, merchant_bps: rule.merchantBps, channel_bps: rule.channelBps };
  for (const [name, bps] of Object.entries(rates)) {
    if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) return `${name} must be a whole number of basis points from 0 to 10000`;
  }
  if (rule.platformBps + rule.merchantBps + rule.channelBps !== 10_000) return 'the rates must add up to 10000 basis points (100%)';
  return undefined;
}

/**
 * Splits `amountFen`. A merchant without a channel has no channel to pay: the channel's share then goes to the
 * platform, which brought the merchant itself.
 */
export function split(amountFen: bigint, rule: SplitRule, hasChannel: boolean): SplitParts {
  if (amountFen < 0n) throw new RangeError('cannot split a negative amount');
  const platformOnly = (amountFen * BigInt(rule.platformBps)) / 10_000n;
  const channel = (amountFen * BigInt(rule.channelBps)) / 10_000n;
  const platform = hasChannel ? platformOnly : platformOnly + channel;
  const channelPart = hasChannel ? channel : 0n;
  return { platform, channel: channelPart, merchant: amountFen - platform - channelPart };
}

/**
 * How much of each part a refund takes back. Shares are computed on the running total refunded — each part's
 * cumulative refund is its part scaled by (refunded so far / whole), rounded down, with the merchant taking the
 * remainder — and this refund takes the difference from before. Partial refunds therefore never drift: once the
 * whole amount is refunded, every part is refunded exactly, and the last refund takes the rounding remainder.
 */
export function refundShares(parts: SplitParts, refundedBeforeFen: bigint, refundFen: bigint): SplitParts {
  const whole = parts.platform + parts.merchant + parts.channel;
  if (refundFen <= 0n || refundedBeforeFen < 0n || refundedBeforeFen + refundFen > whole) {
    throw new RangeError(`cannot refund ${refundFen} fen after ${refundedBeforeFen} of ${whole}`);
  }
  const before = cumulative(parts, whole, refundedBeforeFen);
  const after = cumulative(parts, whole, refundedBeforeFen + refundFen);
  return { platform: after.platform - before.platform, merchant: after.merchant - before.merchant, channel: after.channel - before.channel };
}

function cumulative(parts: SplitParts, whole: bigint, refundedFen: bigint): SplitParts {
  if (whole === 0n) return { platform: 0n, merchant: 0n, channel: 0n };
  const platform = (parts.platform * refundedFen) / whole;
  const channel = (parts.channel * refundedFen) / whole;
  return { platform, channel, merchant: refundedFen - platform - channel };
}
