/**
 * The chart of accounts. An account is named by a code that says what it is, and its definition (kind, normal
 * side, whether it may go negative) follows from the code, so any process can open an account on first use and
 * every process agrees on what it is.
 *
 * | code                         | kind                | normal | may go negative | holds                                      |
 * |------------------------------|---------------------|--------|-----------------|--------------------------------------------|
 * | bank                         | BANK                | debit  | no              | the platform's settlement bank account     |
 * | funding:platform             | FUNDING             | credit | yes             | the platform's marketing budget            |
 * | funding:brand:<merchant id>  | FUNDING             | credit | yes             | a brand's prepaid account                  |
 * | liability:gift-cards         | GIFT_CARD_LIABILITY | credit | yes             | what sold gift cards still owe holders     |
 * | clearing:redemptions         | CLEARING            | credit | no              | redeemed value not yet split out           |
 * | revenue:platform             | PLATFORM_REVENUE    | credit | no              | the platform's share                       |
 * | payable:merchant:<id>        | MERCHANT_PAYABLE    | credit | yes             | what we owe a merchant                     |
 * | payable:channel:<id>         | CHANNEL_PAYABLE     | credit | yes             | what we owe a channel                      |
 *
 * Funding accounts may go negative because the coupon was already redeemed at the till when its funding is
 * posted: the redemption must be settled, and an overdrawn funder owes the platform (reports list them).
 * Merchants and channels may go negative after a refund of money already paid out; the deficit is netted against
 * their next payout.
 */
export type AccountKind =
  | 'BANK'
  | 'FUNDING'
  | 'GIFT_CARD_LIABILITY'
  | 'CLEARING'
  | 'PLATFORM_REVENUE'
  | 'MERCHANT_PAYABLE'
  | 'CHANNEL_PAYABLE';

export interface AccountDefinition {
  readonly code: string;
  readonly kind: AccountKind;
  readonly normalSide: 'debit' | 'credit';
  readonly mayGoNegative: boolean;
  readonly ownerKind: 'platform' | 'merchant' | 'channel' | null;
  readonly ownerId: string | null;
}

export const BANK = 'bank';
export const PLATFORM_FUNDING = 'funding:platform';
export const GIFT_CARD_LIABILITY = 'liability:gift-cards';
export const REDEMPTION_CLEARING = 'clearing:redemptions';
export const PLATFORM_REVENUE = 'revenue:platform';

export const brandFunding = (merchantId: string) => `funding:brand:${merchantId}`;
export const merchantPayable = (merchantId: string) => `payable:merchant:${merchantId}`;
export const channelPayable = (channelId: string) => `payable:channel:${channelId}`;

const ID = '(\\d{1,20})';
const PATTERNS: readonly [RegExp, (id: string | undefined) => Omit<AccountDefinition, 'code'>][] = [
  [/^bank$/, () => ({ kind: 'BANK', normalSide: 'debit', mayGoNegative: false, ownerKind: 'platform', ownerId: null })],
  [/^funding:platform$/, () => ({ kind: 'FUNDING', normalSide: 'credit', mayGoNegative: true, ownerKind: 'platform', ownerId: null })],
  [new RegExp(`^funding:brand:${ID}$`), (id) => ({ kind: 'FUNDING', normalSide: 'credit', mayGoNegative: true, ownerKind: 'merchant', ownerId: id! })],
  [/^liability:gift-cards$/, () => ({ kind: 'GIFT_CARD_LIABILITY', normalSide: 'credit', mayGoNegative: true, ownerKind: 'platform', ownerId: null })],
  [/^clearing:redemptions$/, () => ({ kind: 'CLEARING', normalSide: 'credit', mayGoNegative: false, ownerKind: 'platform', ownerId: null })],
  [/^revenue:platform$/, () => ({ kind: 'PLATFORM_REVENUE', normalSide: 'credit', mayGoNegative: false, ownerKind: 'platform', ownerId: null })],
  [new RegExp(`^payable:merchant:${ID}$`), (id) => ({ kind: 'MERCHANT_PAYABLE', normalSide: 'credit', mayGoNegative: true, ownerKind: 'merchant', ownerId: id! })],
  [new RegExp(`^payable:channel:${ID}$`), (id) => ({ kind: 'CHANNEL_PAYABLE', normalSide: 'credit', mayGoNegative: true, ownerKind: 'channel', ownerId: id! })],
];

/** The definition an account code implies, or undefined for a code outside the chart. */
export function accountDefinition(code: string): AccountDefinition | undefined {
  for (const [pattern, define] of PATTERNS) {
    const match = pattern.exec(code);
    if (match) return { code, ...define(match[1]) };
  }
  return undefined;
}

/** An account's balance on its normal side, from its totals: posted, and what remains once reservations are taken. */
export function balanceOf(
  normalSide: 'debit' | 'credit',
  totals: { debitsPending: bigint; creditsPending: bigint; debitsPosted: bigint; creditsPosted: bigint },
): { posted: bigint; available: bigint } {
  const posted = normalSide === 'credit' ? totals.creditsPosted - totals.debitsPosted : totals.debitsPosted - totals.creditsPosted;
  const reserved = normalSide === 'credit' ? totals.debitsPending : totals.creditsPending;
  return { posted, available: posted - reserved };
}
