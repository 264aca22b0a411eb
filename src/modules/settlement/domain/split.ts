/**
 * Revenue splits in integer fen (coupon specification §4.2.2: platform 10%, merchant 85%, channel 5%). Rates are basis
 * points. The platform's and the channel's parts are rounded down and the merchant takes the remainder, so the
 * parts always sum to the whole (coupon specification, settlement).
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

const PARTIES: readonly Party[] = ['merchant', 'platform', 'channel'];

/**
 * How much of each part a refund takes back, given what each part has already given back. Shares follow the
 * running total refunded, not each refund on its own, so many small refunds do not drift:
 *
 * 1. each part is brought up to its pro-rata amount of the new total, rounded down (⌊part·refunded/whole⌋), but
 *    never takes back less than before — a part's refund only grows;
 * 2. the rounding remainder (at most a fen or two) goes, a fen at a time, to the part furthest behind its exact
 *    pro-rata amount that still has something to give (ties: merchant, platform, channel).
 *
 * No part ever gives back more than it holds or a negative amount, the shares sum to the refund, and once the
 * whole is refunded every part has given back exactly itself — the last refund takes the remainder.
 */
export function refundShares(parts: SplitParts, refunded: SplitParts, refundFen: bigint): SplitParts {
  const whole = parts.platform + parts.merchant + parts.channel;
  const before = refunded.platform + refunded.merchant + refunded.channel;
  if (refundFen <= 0n || before + refundFen > whole || PARTIES.some((p) => refunded[p] < 0n || refunded[p] > parts[p])) {
    throw new RangeError(`cannot refund ${refundFen} fen after ${before} of ${whole}`);
  }
  const after = before + refundFen;
  const share: Record<Party, bigint> = { platform: 0n, merchant: 0n, channel: 0n };
  let left = refundFen;
  for (const party of PARTIES) {
    const deficit = (parts[party] * after) / whole - refunded[party];
    const take = deficit <= 0n ? 0n : deficit < left ? deficit : left;
    share[party] += take;
    left -= take;
  }
  while (left > 0n) {
    // Furthest behind: the largest part·after/whole − given, compared as part·after − given·whole.
    let best: Party | undefined;
    let bestBehind = 0n;
    for (const party of PARTIES) {
      const given = refunded[party] + share[party];
      if (given >= parts[party]) continue;
      const behind = parts[party] * after - given * whole;
      if (best === undefined || behind > bestBehind) [best, bestBehind] = [party, behind];
    }
    share[best!] += 1n;
    left -= 1n;
  }
  return share;
}
