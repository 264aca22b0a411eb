import { sql, type Kysely } from 'kysely';

/**
 * Who pays for what a template's coupons take off orders (settlement, #7): the platform's marketing budget
 * (`PLATFORM`), a brand's prepaid account (`BRAND:<merchant id>`), or, for gift cards, the liability created
 * when the card was sold (`GIFT_CARD`). Existing gift-card templates are funded by their sales.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE coupon_templates ADD COLUMN funding text NOT NULL DEFAULT 'PLATFORM'
      CHECK (funding = 'PLATFORM' OR funding = 'GIFT_CARD' OR funding ~ '^BRAND:[0-9]{1,20}$');
    UPDATE coupon_templates SET funding = 'GIFT_CARD' WHERE type = 'GIFT_CARD';
  `.execute(db);
}
