import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney } from '../../platform/money/money.js';
import { BANK, brandFunding, GIFT_CARD_LIABILITY, PLATFORM_FUNDING } from './domain/accounts.js';
import { move } from './domain/transfers.js';
import type { Ledger } from './ledger.js';

export interface FundingTarget {
  readonly source: 'PLATFORM' | 'BRAND';
  readonly brand_merchant_id?: string;
}

/**
 * Money coming in: topping up a funding account (the platform's marketing budget, a brand's prepaid account) and
 * selling a gift card both debit the bank and credit what the money is for.
 */
export class FundingDesk {
  constructor(
    private readonly ledger: Ledger,
    private readonly ids: IdGenerator,
  ) {}

  async topUp(trx: Transaction<Database>, target: FundingTarget, amountFen: bigint, reference: string | undefined) {
    const account = fundingAccountOf(target);
    const transferId = `top-up:${this.ids.next()}`;
    await this.ledger.write(trx, [move(transferId, 'TOP_UP', BANK, account, amountFen, { memo: reference })]);
    const balance = (await this.ledger.balances(trx, [account])).get(account)!;
    return { transfer_id: transferId, account, amount: formatMoney(amountFen), balance: formatMoney(balance.posted) };
  }

  /**
   * Records a gift card's sale: what the buyer paid becomes what the platform owes the card's holder. Once per
   * card (the transfer id is the card's): a second sale of the same card is refused.
   */
  async giftCardSold(trx: Transaction<Database>, card: { couponId: string; code: string; type: string }, amountFen: bigint) {
    if (card.type !== 'GIFT_CARD') throw new AppError('FUNDING_SOURCE_INVALID', { coupon_code: card.code, reason: 'not a gift card' });
    const transferId = `gift-card-sale:${card.couponId}`;
    let result;
    try {
      result = await this.ledger.write(trx, [move(transferId, 'GIFT_CARD_SALE', BANK, GIFT_CARD_LIABILITY, amountFen, { ref: card.couponId })]);
    } catch (error) {
      if (error instanceof AppError && error.code === 'LEDGER_TRANSFER_CONFLICT') throw new AppError('GIFT_CARD_ALREADY_SOLD', { coupon_code: card.code });
      throw error;
    }
    if (result.existing.size > 0) throw new AppError('GIFT_CARD_ALREADY_SOLD', { coupon_code: card.code });
    return { transfer_id: transferId, coupon_code: card.code, amount: formatMoney(amountFen) };
  }
}

export function fundingAccountOf(target: FundingTarget): string {
  if (target.source === 'PLATFORM') {
    if (target.brand_merchant_id !== undefined) throw new AppError('FUNDING_SOURCE_INVALID', { reason: 'brand_merchant_id goes with source BRAND only' });
    return PLATFORM_FUNDING;
  }
  if (!target.brand_merchant_id || !/^\d{1,20}$/.test(target.brand_merchant_id)) throw new AppError('FUNDING_SOURCE_INVALID', { reason: 'source BRAND needs brand_merchant_id' });
  return brandFunding(target.brand_merchant_id);
}
