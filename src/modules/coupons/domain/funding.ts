/**
 * Who funds a template's coupons, as stored (`coupon_templates.funding`) and as settlement reads it:
 * `PLATFORM` (the marketing budget), `BRAND:<merchant id>` (a brand's prepaid account) or `GIFT_CARD` (the
 * liability a gift card's sale created; gift cards only).
 */
export type Funding = 'PLATFORM' | 'GIFT_CARD' | `BRAND:${string}`;

export interface FundingInput {
  readonly source: 'PLATFORM' | 'BRAND' | 'GIFT_CARD';
  readonly brand_merchant_id?: string;
}

/** The funding a template gets, or a message naming what is wrong with the input. */
export function fundingFor(type: string, input: FundingInput | undefined): { ok: true; funding: Funding } | { ok: false; message: string } {
  if (!input) return { ok: true, funding: type === 'GIFT_CARD' ? 'GIFT_CARD' : 'PLATFORM' };
  switch (input.source) {
    case 'PLATFORM':
      return input.brand_merchant_id === undefined ? { ok: true, funding: 'PLATFORM' } : { ok: false, message: 'brand_merchant_id goes with source BRAND only' };
    case 'GIFT_CARD':
      return type === 'GIFT_CARD' ? { ok: true, funding: 'GIFT_CARD' } : { ok: false, message: 'only gift cards are funded by their sale' };
    case 'BRAND':
      return input.brand_merchant_id && /^\d{1,20}$/.test(input.brand_merchant_id)
        ? { ok: true, funding: `BRAND:${input.brand_merchant_id}` }
        : { ok: false, message: 'source BRAND needs brand_merchant_id, the brand\'s merchant id' };
    default:
      return { ok: false, message: 'source is PLATFORM, BRAND or GIFT_CARD' };
  }
}
