import { createHash } from 'node:crypto';

/** What the sandbox bank decides for a transfer it has not seen before. */
export type SandboxTransferDecision = { readonly status: 'PAID'; readonly reference: string } | { readonly status: 'FAILED'; readonly reason: string };

/** The documented test account: a card number ending in this is frozen at the sandbox bank. */
export const FROZEN_CARD_SUFFIX = '0000';

/**
 * The sandbox bank's rules, deterministic so tests and testers reach every outcome without a real account:
 *
 * - a bank card ending in `0000` → FAILED `ACCOUNT_FROZEN` (账户已冻结: the bank takes the request, pays nothing);
 * - any other card → PAID, with a reference derived from the payout id (the same payout, the same reference);
 * - while the bank is set unavailable (`POST /sandbox/payouts/settings {"available": false}`) every transfer
 *   answers 503 PAYOUT_UNAVAILABLE and nothing is recorded, as a bank that is down never saw the request.
 *
 * A payout id is paid at most once: asking again answers the first outcome (see sandbox-bank.ts).
 */
export function sandboxTransferDecision(payoutId: string, bankCard: string): SandboxTransferDecision {
  if (bankCard.endsWith(FROZEN_CARD_SUFFIX)) return { status: 'FAILED', reason: 'ACCOUNT_FROZEN' };
  return { status: 'PAID', reference: `SBX${createHash('sha256').update(`sandbox-payout\u0000${payoutId}`).digest('hex').slice(0, 20).toUpperCase()}` };
}
